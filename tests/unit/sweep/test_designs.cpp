// Sweep designs: grid, Latin hypercube, Sobol (published sequence, scrambling), Saltelli
// block structure, Morris one-at-a-time steps, and the run seeds of common random numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "sim/sweep/designs.hpp"
#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/sobol.hpp"

namespace {

using namespace schoolsim::sweep;

TEST(SweepDesigns, GridHasEveryCombinationFirstParameterSlowest) {
  const auto g = grid_points({{1, 3, 5}, {5, 10, 20}, {0.5, 0.25}});
  ASSERT_EQ(g.size(), 3u * 3u * 2u * 3u);
  const std::vector<double> first = {1, 5, 0.5}, second = {1, 5, 0.25}, third = {1, 10, 0.5}, last = {5, 20, 0.25};
  EXPECT_EQ(std::vector<double>(g.begin(), g.begin() + 3), first);
  EXPECT_EQ(std::vector<double>(g.begin() + 3, g.begin() + 6), second);
  EXPECT_EQ(std::vector<double>(g.begin() + 6, g.begin() + 9), third);
  EXPECT_EQ(std::vector<double>(g.end() - 3, g.end()), last);
  std::set<std::vector<double>> distinct;
  for (std::size_t p = 0; p < 18; ++p)
    distinct.insert(
        std::vector<double>(g.begin() + static_cast<long>(3 * p), g.begin() + static_cast<long>(3 * p + 3)));
  EXPECT_EQ(distinct.size(), 18u);
  EXPECT_TRUE(grid_points({}).empty());  // no parameters: one point with no values
}

TEST(SweepDesigns, LatinHypercubeHasOnePointPerStratumInEveryDimension) {
  for (const std::size_t n : {1u, 7u, 64u, 100u}) {
    const UnitDesign d = latin_hypercube(n, 5, 2024);
    ASSERT_EQ(d.n_points, n);
    ASSERT_EQ(d.u.size(), n * 5);
    for (std::size_t j = 0; j < 5; ++j) {
      std::vector<std::size_t> strata;
      for (std::size_t p = 0; p < n; ++p) {
        const double u = d.at(p, j);
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        strata.push_back(static_cast<std::size_t>(u * static_cast<double>(n)));
      }
      std::sort(strata.begin(), strata.end());
      std::vector<std::size_t> expected(n);
      std::iota(expected.begin(), expected.end(), std::size_t{0});
      EXPECT_EQ(strata, expected) << "n=" << n << " dimension " << j;
    }
  }
}

TEST(SweepDesigns, LatinHypercubeIsAFunctionOfTheSeed) {
  EXPECT_EQ(latin_hypercube(20, 3, 7).u, latin_hypercube(20, 3, 7).u);
  EXPECT_NE(latin_hypercube(20, 3, 7).u, latin_hypercube(20, 3, 8).u);
}

TEST(SweepDesigns, SobolFirstPointsMatchThePublishedSequence) {
  // Joe & Kuo (2008) direction numbers, Gray-code order, point 0 = origin. Dimensions 1-3
  // are the values tabulated by Bratley & Fox (1988); all agree with SciPy 1.10
  // (scipy.stats.qmc.Sobol(d, scramble=False)), an independent implementation of the table.
  const std::vector<std::array<double, 8>> expected = {
      {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75},
      {0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25},
      {0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875},
      {0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375},
      {0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125},
      {0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625},
  };
  const UnitDesign d = sobol_points(8, 8, 0, false);
  for (std::size_t p = 0; p < 8; ++p)
    for (std::size_t j = 0; j < 8; ++j) EXPECT_EQ(d.at(p, j), expected[p][j]) << "point " << p << " dim " << j + 1;
}

TEST(SweepDesigns, SobolDirectionTableMatchesSciPyInAllFortyDimensions) {
  // Point 1023 uses direction numbers 1..10 of every dimension; point 777 spot-checks 31-40.
  const std::vector<double> p1023 = {
      0.0009765625, 0.7529296875, 0.6123046875, 0.1455078125, 0.1865234375, 0.4384765625, 0.1396484375, 0.6181640625,
      0.3447265625, 0.8505859375, 0.6787109375, 0.0361328125, 0.1298828125, 0.6650390625, 0.3623046875, 0.4638671875,
      0.3134765625, 0.8759765625, 0.5849609375, 0.3193359375, 0.8662109375, 0.0185546875, 0.7939453125, 0.1962890625,
      0.2392578125, 0.3759765625, 0.5087890625, 0.7607421875, 0.8408203125, 0.4345703125, 0.9287109375, 0.6142578125,
      0.4521484375, 0.8740234375, 0.3330078125, 0.8642578125, 0.9423828125, 0.9873046875, 0.9013671875, 0.6982421875};
  const std::vector<double> p777_31_40 = {0.5419921875, 0.8994140625, 0.1123046875, 0.0029296875, 0.8056640625,
                                          0.9462890625, 0.4619140625, 0.3505859375, 0.3427734375, 0.3583984375};
  const SobolSequence seq(40, false, 0);
  std::vector<double> x(40);
  seq.point(1023, x);
  EXPECT_EQ(x, p1023);
  seq.point(777, x);
  EXPECT_EQ(std::vector<double>(x.begin() + 30, x.end()), p777_31_40);
  EXPECT_THROW(SobolSequence(41, false, 0), std::invalid_argument);
}

TEST(SweepDesigns, ScrambledSobolKeepsOnePointPerDyadicInterval) {
  // Linear matrix scrambling + digital shift keep the net property: the first 2^m points
  // put exactly one point in each interval [k/2^m, (k+1)/2^m) of every coordinate.
  const UnitDesign d = sobol_points(32, 6, 99, true);
  for (std::size_t j = 0; j < 6; ++j) {
    std::vector<int> cell;
    for (std::size_t p = 0; p < 32; ++p) cell.push_back(static_cast<int>(d.at(p, j) * 32));
    std::sort(cell.begin(), cell.end());
    for (int k = 0; k < 32; ++k) EXPECT_EQ(cell[static_cast<std::size_t>(k)], k) << "dimension " << j;
  }
  EXPECT_EQ(sobol_points(32, 6, 99, true).u, d.u);
  EXPECT_NE(sobol_points(32, 6, 100, true).u, d.u);
  EXPECT_NE(sobol_points(32, 6, 99, false).u, d.u);
}

TEST(SweepDesigns, SaltelliBlocksAreABAndAWithOneColumnFromB) {
  const std::size_t n = 16, k = 3;
  const UnitDesign d = saltelli(n, k, 5, true);
  ASSERT_EQ(d.n_points, n * (k + 2));
  ASSERT_EQ(d.saltelli_block.size(), d.n_points);
  const UnitDesign base = sobol_points(n, 2 * k, 5, true);
  for (std::size_t row = 0; row < d.n_points; ++row) {
    const std::size_t block = row / n, p = row % n;
    EXPECT_EQ(d.saltelli_block[row], static_cast<std::int8_t>(block));
    EXPECT_EQ(d.saltelli_index[row], static_cast<std::int32_t>(p));
    for (std::size_t i = 0; i < k; ++i) {
      const double a = base.at(p, i), b = base.at(p, k + i);
      const double expected = block == 0 ? a : block == 1 ? b : (block - 2 == i ? b : a);
      EXPECT_EQ(d.at(row, i), expected) << "block " << block << " point " << p << " column " << i;
    }
  }
}

TEST(SweepDesigns, MorrisStepsMoveOneFactorByDelta) {
  const std::size_t r = 12, k = 4;
  const int levels = 4;
  const double delta = morris_delta(levels);
  EXPECT_DOUBLE_EQ(delta, 2.0 / 3.0);
  const UnitDesign d = morris(r, k, levels, 11);
  ASSERT_EQ(d.n_points, r * (k + 1));
  for (std::size_t t = 0; t < r; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t s = 0; s <= k; ++s) {
      const std::size_t row = t * (k + 1) + s;
      EXPECT_EQ(d.morris_trajectory[row], static_cast<std::int32_t>(t));
      EXPECT_EQ(d.morris_step[row], static_cast<std::int32_t>(s));
      for (std::size_t i = 0; i < k; ++i) {
        const double level = d.at(row, i) * (levels - 1);
        EXPECT_EQ(level, std::round(level));  // on the grid
        EXPECT_GE(d.at(row, i), 0.0);
        EXPECT_LE(d.at(row, i), 1.0);
      }
      if (s == 0) continue;
      std::vector<std::size_t> changed;
      for (std::size_t i = 0; i < k; ++i)
        if (d.at(row, i) != d.at(row - 1, i)) changed.push_back(i);
      ASSERT_EQ(changed.size(), 1u) << "trajectory " << t << " step " << s;
      EXPECT_NEAR(std::abs(d.at(row, changed[0]) - d.at(row - 1, changed[0])), delta, 1e-15);
      moved.insert(changed[0]);
    }
    EXPECT_EQ(moved.size(), k);  // every factor moves once per trajectory
  }
  EXPECT_THROW(morris(2, 2, 3, 0), std::invalid_argument);
}

TEST(SweepDesigns, RunSeedIsSplitMix64OfTheSweepSeed) {
  // SplitMix64 from state 0: first outputs 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
  EXPECT_EQ(run_seed(0, 0), 0xE220A8397B1DCDAFull >> 2);
  EXPECT_EQ(run_seed(0, 1), 0x6E789E6AA1B965F4ull >> 2);
  EXPECT_NE(run_seed(1, 0), run_seed(0, 0));
  for (std::uint32_t r = 0; r < 1000; ++r) EXPECT_LT(run_seed(12345, r), static_cast<std::uint64_t>(9.0e18));
}

}  // namespace
