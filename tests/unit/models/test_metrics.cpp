// Metrics against hand-computed values and a brute-force DER; the arithmetic is in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/metrics.hpp"

namespace m = schoolsim::metrics;

namespace {

// Bimodal sample from raw mt19937_64 bits (the engine's output is fixed by the standard, unlike
// std::normal_distribution), so the data are identical on every platform.
std::vector<double> seeded_sample(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  auto unit = [&gen] { return static_cast<double>(gen() >> 11) * 0x1.0p-53; };
  std::vector<double> y(n);
  for (double& v : y) {
    const double centre = unit() < 0.4 ? -1.0 : 0.8;
    v = centre + 0.5 * (unit() + unit() + unit() - 1.5);
  }
  return y;
}

// The DER estimator of MODEL.md 9 written the obvious way: full kernel sum at every grid node and
// the naive double loop over pairs.
double der_brute_force(const std::vector<double>& y, double alpha) {
  const std::size_t n = y.size();
  const double nd = static_cast<double>(n);
  double mean = 0.0;
  for (double v : y) mean += v;
  mean /= nd;
  double ss = 0.0;
  for (double v : y) ss += (v - mean) * (v - mean);
  const double sigma = std::sqrt(ss / nd);
  const double h = 4.7 / std::sqrt(nd) * sigma * std::pow(alpha, 0.1);
  const double lo = *std::min_element(y.begin(), y.end()) - 4.0 * h;
  const double hi = *std::max_element(y.begin(), y.end()) + 4.0 * h;
  const double step = (hi - lo) / 511.0;
  std::vector<double> f(512, 0.0);
  for (std::size_t k = 0; k < 512; ++k) {
    for (double v : y) {
      const double u = (lo + static_cast<double>(k) * step - v) / h;
      f[k] += std::exp(-0.5 * u * u);
    }
    f[k] /= nd * h * std::sqrt(2.0 * std::numbers::pi);
  }
  double p = 0.0;
  for (double yi : y) {
    const double t = (yi - lo) / step;
    const auto k = std::min(static_cast<std::size_t>(t), std::size_t{510});
    const double frac = t - static_cast<double>(k);
    const double fi = (1.0 - frac) * f[k] + frac * f[k + 1];
    double dist = 0.0;
    for (double yj : y) dist += std::abs(yi - yj);
    p += std::pow(fi, alpha) * dist;
  }
  return p / (nd * nd);
}

void expect_rel(double actual, double expected, double rel) {
  EXPECT_NEAR(actual, expected, rel * std::abs(expected)) << "expected " << expected;
}

}  // namespace

TEST(Metrics, EmptyInputIsNaN) {
  const std::vector<double> none;
  const std::vector<std::int8_t> no_phase;
  const std::vector<std::int32_t> no_group;
  EXPECT_TRUE(std::isnan(m::mean(none)));
  EXPECT_TRUE(std::isnan(m::weighted_mean(none, none)));
  EXPECT_TRUE(std::isnan(m::sd(none)));
  EXPECT_TRUE(std::isnan(m::weighted_sd(none, none)));
  EXPECT_TRUE(std::isnan(m::quantile(none, 0.5)));
  EXPECT_TRUE(std::isnan(m::p90_p10(none)));
  EXPECT_TRUE(std::isnan(m::der_polarisation(none)));
  EXPECT_TRUE(std::isnan(m::esteban_ray_quintiles(none)));
  EXPECT_TRUE(std::isnan(m::disadvantage_gap(none, none, no_phase)));
  EXPECT_TRUE(std::isnan(m::between_group_share(none, no_group, 3)));
}

TEST(Metrics, MeanAndSdByHand) {
  const std::vector<double> y{1, 2, 3, 4};
  // mean = 10/4 = 2.5; squared deviations 2.25, 0.25, 0.25, 2.25 sum to 5; SD = sqrt(5/4).
  EXPECT_DOUBLE_EQ(m::mean(y), 2.5);
  EXPECT_DOUBLE_EQ(m::sd(y), std::sqrt(1.25));
  const std::vector<double> one{7.0};
  EXPECT_DOUBLE_EQ(m::sd(one), 0.0);
}

TEST(Metrics, WeightedByHand) {
  const std::vector<double> y{1, 2, 3};
  const std::vector<double> w{1, 1, 2};
  // mean = (1 + 2 + 2*3) / 4 = 9/4; deviations -1.25, -0.25, 0.75;
  // variance = (1.5625 + 0.0625 + 2*0.5625) / 4 = 2.75 / 4 = 0.6875.
  EXPECT_DOUBLE_EQ(m::weighted_mean(y, w), 2.25);
  EXPECT_DOUBLE_EQ(m::weighted_sd(y, w), std::sqrt(0.6875));
  // Integer weights are the same as repeating the data.
  const std::vector<double> repeated{1, 2, 3, 3};
  EXPECT_DOUBLE_EQ(m::weighted_sd(y, w), m::sd(repeated));
  // Weights are normalised: scaling them changes nothing.
  const std::vector<double> w10{10, 10, 20};
  EXPECT_DOUBLE_EQ(m::weighted_mean(y, w10), 2.25);
  EXPECT_DOUBLE_EQ(m::weighted_sd(y, w10), std::sqrt(0.6875));
}

TEST(Metrics, EqualWeightsEqualUnweighted) {
  const std::vector<double> y = seeded_sample(101, 7);
  const std::vector<double> ones(y.size(), 1.0);
  // Weight 1 multiplies exactly and the weight sum is n, so the results agree bit for bit.
  EXPECT_EQ(m::weighted_mean(y, ones), m::mean(y));
  EXPECT_EQ(m::weighted_sd(y, ones), m::sd(y));
  const std::vector<double> w(y.size(), 2.5);
  EXPECT_NEAR(m::weighted_mean(y, w), m::mean(y), 1e-15);
  expect_rel(m::weighted_sd(y, w), m::sd(y), 1e-14);
}

TEST(Metrics, MismatchedLengthsThrow) {
  const std::vector<double> y{1, 2, 3};
  const std::vector<double> w{1, 1};
  EXPECT_THROW(m::weighted_mean(y, w), std::invalid_argument);
  EXPECT_THROW(m::weighted_sd(y, w), std::invalid_argument);
}

TEST(Metrics, QuantileMatchesNumpyType7) {
  // Sorted {1, 1, 3, 4, 5}, n = 5; position h = (n - 1) q = 4q; x_(floor h) + frac(h) * next gap.
  const std::vector<double> a{3, 1, 4, 1, 5};
  EXPECT_DOUBLE_EQ(m::quantile(a, 0.0), 1.0);   // h = 0
  EXPECT_DOUBLE_EQ(m::quantile(a, 0.1), 1.0);   // h = 0.4: 1 + 0.4 * (1 - 1)
  EXPECT_DOUBLE_EQ(m::quantile(a, 0.25), 1.0);  // h = 1
  EXPECT_DOUBLE_EQ(m::quantile(a, 0.5), 3.0);   // h = 2
  EXPECT_DOUBLE_EQ(m::quantile(a, 0.75), 4.0);  // h = 3
  EXPECT_DOUBLE_EQ(m::quantile(a, 0.9), 4.6);   // h = 3.6: 4 + 0.6 * (5 - 4)
  EXPECT_DOUBLE_EQ(m::quantile(a, 1.0), 5.0);   // h = 4
  // Sorted {10, 20, 30, 40}, h = 3q.
  const std::vector<double> b{40, 10, 30, 20};
  EXPECT_DOUBLE_EQ(m::quantile(b, 0.1), 13.0);   // h = 0.3: 10 + 0.3 * 10
  EXPECT_DOUBLE_EQ(m::quantile(b, 0.25), 17.5);  // h = 0.75: 10 + 0.75 * 10
  EXPECT_DOUBLE_EQ(m::quantile(b, 0.5), 25.0);   // h = 1.5: 20 + 0.5 * 10
  EXPECT_DOUBLE_EQ(m::quantile(b, 0.75), 32.5);  // h = 2.25: 30 + 0.25 * 10
  EXPECT_DOUBLE_EQ(m::quantile(b, 0.9), 37.0);   // h = 2.7: 30 + 0.7 * 10
  // numpy agrees: np.quantile(b, [.1, .25, .5, .75, .9]) = [13, 17.5, 25, 32.5, 37].
  EXPECT_DOUBLE_EQ(m::p90_p10(b), 24.0);  // 37 - 13
  EXPECT_DOUBLE_EQ(m::p90_p10(a), 3.6);   // 4.6 - 1
  const std::vector<double> one{7.0};
  EXPECT_DOUBLE_EQ(m::quantile(one, 0.3), 7.0);
  EXPECT_THROW(m::quantile(b, 1.5), std::invalid_argument);
  EXPECT_THROW(m::quantile(b, -0.1), std::invalid_argument);
}

TEST(Metrics, QuantileAgreesWithFullSort) {
  const std::vector<double> y = seeded_sample(257, 11);
  std::vector<double> sorted = y;
  std::sort(sorted.begin(), sorted.end());
  for (double q : {0.0, 0.05, 0.1, 0.37, 0.5, 0.9, 0.999, 1.0}) {
    const double h = 256.0 * q;
    const auto k = std::min(static_cast<std::size_t>(h), std::size_t{255});
    const double expected = sorted[k] + (h - static_cast<double>(k)) * (sorted[k + 1] - sorted[k]);
    EXPECT_NEAR(m::quantile(y, q), expected, 1e-15) << "q = " << q;
  }
}

TEST(Metrics, DerMatchesBruteForceOnSmallSample) {
  const std::vector<double> y = seeded_sample(200, 20240611);
  for (double alpha : {0.25, 0.5, 0.75, 1.0}) {
    expect_rel(m::der_polarisation(y, alpha), der_brute_force(y, alpha), 1e-12);
  }
  EXPECT_GT(m::der_polarisation(y), 0.0);
}

TEST(Metrics, DerMatchesBruteForceWhenBandwidthIsNarrow) {
  // n = 4000 makes h only ~9 grid steps wide, so most kernel sweeps stop (term < 1e-18) before
  // reaching the ends of the grid. At this size the engine takes the binned kernel density
  // estimate (cheaper than the direct sums from a few thousand points on), which agrees with the
  // exact sums to 1e-6 relative (tests/unit/models/test_der_reference.cpp); the direct sums are
  // exact up to rounding.
  const std::vector<double> y = seeded_sample(4000, 5);
  expect_rel(m::der_polarisation_direct(y), der_brute_force(y, 0.5), 1e-12);
  expect_rel(m::der_polarisation(y), der_brute_force(y, 0.5), 1e-6);
}

TEST(Metrics, DerIsShiftInvariant) {
  const std::vector<double> y = seeded_sample(200, 3);
  std::vector<double> shifted = y;
  for (double& v : shifted) v += 3.0;
  expect_rel(m::der_polarisation(shifted), m::der_polarisation(y), 1e-12);
}

TEST(Metrics, DerScalesAsFormulaImplies) {
  // y -> 2y doubles sigma, h and the grid, halves fhat and doubles |y_i - y_j|, so
  // P -> 2^(1 - alpha) P. Check the scaled value against the brute force, and the factor.
  const std::vector<double> y = seeded_sample(200, 4);
  std::vector<double> doubled = y;
  for (double& v : doubled) v *= 2.0;
  const double alpha = 0.5;
  expect_rel(m::der_polarisation(doubled, alpha), der_brute_force(doubled, alpha), 1e-12);
  expect_rel(m::der_polarisation(doubled, alpha), std::pow(2.0, 1.0 - alpha) * m::der_polarisation(y, alpha), 1e-12);
}

TEST(Metrics, DerDegenerateInputIsZero) {
  const std::vector<double> constant(50, 0.3);
  EXPECT_EQ(m::der_polarisation(constant), 0.0);
  const std::vector<double> one{1.5};
  EXPECT_EQ(m::der_polarisation(one), 0.0);
  const std::vector<double> y{0.0, 1.0};
  EXPECT_THROW(m::der_polarisation(y, 0.0), std::invalid_argument);
}

TEST(Metrics, DerTwoPointsByHand) {
  // y = {0, 1}: sigma = 0.5, alpha = 1, h = 4.7 / sqrt(2) * 0.5. Both points see the same density
  // by symmetry, and sum_ij |y_i - y_j| = 2, so P = fhat(0) * 2 / 4 = fhat(0) / 2. The brute force
  // gives the grid-interpolated fhat(0); here check it against the exact kernel value at 0,
  // fhat(0) = (phi(0) + phi(1/h)) / (2 h), to within the linear-interpolation error of the grid:
  // step^2 / 8 * |f''| with step = (1 + 8h) / 511 = 0.028 and |f''| ~ 0.3 f gives ~3e-5 relative.
  const std::vector<double> y{0.0, 1.0};
  const double h = 4.7 / std::sqrt(2.0) * 0.5;
  const double phi0 = 1.0 / std::sqrt(2.0 * std::numbers::pi);
  const double f0 = (phi0 + phi0 * std::exp(-0.5 / (h * h))) / (2.0 * h);
  expect_rel(m::der_polarisation(y, 1.0), f0 / 2.0, 4e-5);
  expect_rel(m::der_polarisation(y, 1.0), der_brute_force(y, 1.0), 1e-12);
}

TEST(Metrics, EstebanRayQuintilesTenValuesByHand) {
  // Sorted 1..10 cut into pairs: means 1.5, 3.5, 5.5, 7.5, 9.5, every pi = 0.2.
  // sum over ordered pairs |mu_k - mu_l| = 2 * 2 * (1*4 + 2*3 + 3*2 + 4*1) = 80,
  // so ER = 0.2^(1 + 1.3) * 0.2 * 80.
  const std::vector<double> y{9, 1, 7, 3, 5, 2, 10, 4, 8, 6};
  expect_rel(m::esteban_ray_quintiles(y), std::pow(0.2, 2.3) * 0.2 * 80.0, 1e-14);
}

TEST(Metrics, EstebanRayQuintilesUnevenCuts) {
  // n = 7: cuts k*7/5 = 0, 1, 2, 4, 5, 7 give groups {1}, {2}, {3,4}, {5}, {6,7} with means
  // 1, 2, 3.5, 5, 6.5 and shares 1,1,2,1,2 sevenths. With alpha = 0 (Gini mean difference of
  // the groups) the unordered pairs give, in 49ths:
  // 1*1*1 + 1*2*2.5 + 1*1*4 + 1*2*5.5 + 1*2*1.5 + 1*1*3 + 1*2*4.5 + 2*1*1.5 + 2*2*3 + 1*2*1.5
  // = 1 + 5 + 4 + 11 + 3 + 3 + 9 + 3 + 12 + 3 = 54; ordered pairs double it: 108/49.
  const std::vector<double> y{4, 7, 1, 5, 2, 6, 3};
  expect_rel(m::esteban_ray_quintiles(y, 0.0), 108.0 / 49.0, 1e-14);
}

TEST(Metrics, EstebanRayQuintilesTwoPointMass) {
  // Four schools at 0 and six at 3: quintiles {0,0}, {0,0}, {3,3}, {3,3}, {3,3}. The 2 * 3
  // unordered cross pairs each differ by 3; ordered: 12 * 3 = 36, so ER = 0.2^2.3 * 0.2 * 36.
  const std::vector<double> y{3, 0, 3, 3, 0, 3, 0, 3, 3, 0};
  expect_rel(m::esteban_ray_quintiles(y), std::pow(0.2, 2.3) * 0.2 * 36.0, 1e-14);
  const std::vector<double> constant(10, 2.0);
  EXPECT_EQ(m::esteban_ray_quintiles(constant), 0.0);
}

TEST(Metrics, DisadvantageGapTwoPhases) {
  // Phase 0: ten schools with d = 0.0 .. 0.9. The two least disadvantaged have y = 1, the two
  // most disadvantaged y = -1, the rest 0: gap_0 = 1 - (-1) = 2.
  // Phase 1: five schools, one per quintile; lowest d has y = 0.5, highest d y = -0.5: gap_1 = 1.
  // Weighted by school counts: (10 * 2 + 5 * 1) / 15 = 5/3. Phases are interleaved in the input.
  std::vector<double> y, d;
  std::vector<std::int8_t> phase;
  const double y0[10] = {1, 1, 0, 0, 0, 0, 0, 0, -1, -1};
  const double d1[5] = {0.3, 0.1, 0.5, 0.2, 0.4};
  const double y1[5] = {0, 0.5, -0.5, 0, 0};
  for (int i = 0; i < 10; ++i) {
    // Reverse order within phase 0 so input order differs from d order.
    y.push_back(y0[9 - i]);
    d.push_back(0.1 * (9 - i));
    phase.push_back(0);
    if (i < 5) {
      y.push_back(y1[i]);
      d.push_back(d1[i]);
      phase.push_back(1);
    }
  }
  expect_rel(m::disadvantage_gap(y, d, phase), 5.0 / 3.0, 1e-15);

  // Phase 1 reduced to four schools (drop the one with y = -0.5) is skipped, leaving gap_0 = 2.
  const auto dropped = std::find(y.begin(), y.end(), -0.5) - y.begin();
  y.erase(y.begin() + dropped);
  d.erase(d.begin() + dropped);
  phase.erase(phase.begin() + dropped);
  ASSERT_EQ(std::count(phase.begin(), phase.end(), 1), 4);
  EXPECT_DOUBLE_EQ(m::disadvantage_gap(y, d, phase), 2.0);
}

TEST(Metrics, DisadvantageGapTiesBrokenByIndexAndSkippedPhases) {
  // Equal d: quintiles follow input order, so the least disadvantaged is school 0 (y = 1) and the
  // most disadvantaged school 4 (y = 5): gap = 1 - 5 = -4.
  const std::vector<double> y{1, 2, 3, 4, 5};
  const std::vector<double> d(5, 0.2);
  const std::vector<std::int8_t> phase(5, 1);
  EXPECT_DOUBLE_EQ(m::disadvantage_gap(y, d, phase), -4.0);
  // Fewer than five schools in every phase: nothing to report.
  const std::vector<std::int8_t> split{0, 0, 1, 1, 1};
  EXPECT_TRUE(std::isnan(m::disadvantage_gap(y, d, split)));
  const std::vector<std::int8_t> bad{0, 0, 2, 1, 1};
  EXPECT_THROW(m::disadvantage_gap(y, d, bad), std::out_of_range);
}

TEST(Metrics, BetweenGroupShareByHand) {
  const std::vector<std::int32_t> g{0, 0, 1, 1};
  // All between: groups {1,1} and {3,3}; mean 2, TSS = 4, BSS = 2*1 + 2*1 = 4.
  const std::vector<double> between{1, 1, 3, 3};
  EXPECT_EQ(m::between_group_share(between, g, 2), 1.0);
  // None: groups {1,3} and {1,3} both have mean 2 = overall mean.
  const std::vector<double> within{1, 3, 1, 3};
  EXPECT_EQ(m::between_group_share(within, g, 2), 0.0);
  // Mixed: {1,2} and {3,6}; mean 3, TSS = 4 + 1 + 0 + 9 = 14; group means 1.5 and 4.5,
  // BSS = 2 * 1.5^2 + 2 * 1.5^2 = 9; share 9/14. An unused third group changes nothing.
  const std::vector<double> mixed{1, 2, 3, 6};
  EXPECT_DOUBLE_EQ(m::between_group_share(mixed, g, 2), 9.0 / 14.0);
  EXPECT_DOUBLE_EQ(m::between_group_share(mixed, g, 3), 9.0 / 14.0);
  // No variance at all: defined as 0.
  const std::vector<double> constant(4, 5.0);
  EXPECT_EQ(m::between_group_share(constant, g, 2), 0.0);
  const std::vector<std::int32_t> out{0, 0, 1, 2};
  EXPECT_THROW(m::between_group_share(mixed, out, 2), std::out_of_range);
}

TEST(Metrics, ScratchOverloadsMatchAndReuseBuffers) {
  m::Scratch scratch;
  const std::vector<double> big = seeded_sample(300, 9);
  const std::vector<double> small = seeded_sample(40, 10);
  std::vector<std::int8_t> phase(300);
  std::vector<std::int32_t> group(300);
  for (std::size_t i = 0; i < 300; ++i) {
    phase[i] = static_cast<std::int8_t>(i % 3 == 0);
    group[i] = static_cast<std::int32_t>(i % 7);
  }
  // Same buffers across functions and sizes, in both directions.
  for (const std::vector<double>* y : {&big, &small, &big}) {
    EXPECT_EQ(m::quantile(*y, 0.3, scratch), m::quantile(*y, 0.3));
    EXPECT_EQ(m::p90_p10(*y, scratch), m::p90_p10(*y));
    EXPECT_EQ(m::der_polarisation(*y, 0.5, scratch), m::der_polarisation(*y));
    EXPECT_EQ(m::esteban_ray_quintiles(*y, 1.3, scratch), m::esteban_ray_quintiles(*y));
  }
  const std::vector<double> d = seeded_sample(300, 13);
  EXPECT_EQ(m::disadvantage_gap(big, d, phase, scratch), m::disadvantage_gap(big, d, phase));
  EXPECT_EQ(m::between_group_share(big, group, 7, scratch), m::between_group_share(big, group, 7));
}

TEST(Metrics, EstebanRayDoesNotDependOnInputOrder) {
  // Group membership is fixed by the (value, index) order and sums run in input order, so
  // reversing the input changes at most the last bits.
  const std::vector<double> y = seeded_sample(503, 12);
  const std::vector<double> reversed(y.rbegin(), y.rend());
  expect_rel(m::esteban_ray_quintiles(reversed), m::esteban_ray_quintiles(y), 1e-14);
}

TEST(Metrics, OrderedVariantsEqualThePlainOnesExactly) {
  // The observation orders a scope's values once and shares the order; the results must be
  // the plain functions' to the bit, including with ties (rounded values) and n not a
  // multiple of 5, where quintile cuts and P90/P10 order statistics fall between ties.
  for (const std::size_t n : {1u, 2u, 5u, 7u, 503u, 2000u}) {
    std::vector<double> y = seeded_sample(n, 40 + n);
    std::vector<double> tied = y;
    for (double& v : tied) v = std::round(v * 4.0) / 4.0;
    for (const auto& values : {y, tied}) {
      m::Ordered o;
      m::order(values, o);
      ASSERT_TRUE(std::is_sorted(o.sorted.begin(), o.sorted.end()));
      EXPECT_EQ(m::p90_p10_ordered(o), m::p90_p10(values)) << n;
      EXPECT_EQ(m::der_polarisation_ordered(values, o, 0.5), m::der_polarisation(values, 0.5)) << n;
      EXPECT_EQ(m::der_polarisation_ordered(values, o, 1.3), m::der_polarisation(values, 1.3)) << n;
      EXPECT_EQ(m::esteban_ray_quintiles_ordered(values, o, 1.3), m::esteban_ray_quintiles(values, 1.3)) << n;
    }
  }
  m::Ordered none;
  m::order({}, none);
  EXPECT_TRUE(std::isnan(m::p90_p10_ordered(none)));
  EXPECT_TRUE(std::isnan(m::esteban_ray_quintiles_ordered({}, none)));
}

TEST(Metrics, GroupedDisadvantageGapEqualsThePlainOneExactly) {
  // Two phases of different sizes, one with fewer than 5 schools (skipped), tied disadvantage.
  for (const std::size_t n : {4u, 9u, 64u, 1001u}) {
    const std::vector<double> y = seeded_sample(n, 7 + n);
    std::vector<double> d = seeded_sample(n, 99 + n);
    for (double& v : d) v = std::round(v * 3.0) / 3.0;
    std::vector<std::int8_t> phase(n);
    for (std::size_t i = 0; i < n; ++i) phase[i] = static_cast<std::int8_t>(n > 9 ? i % 5 == 0 : i < 2);
    const auto groups = m::disadvantage_groups(d, phase);
    const double plain = m::disadvantage_gap(y, d, phase);
    const double grouped = m::disadvantage_gap_grouped(y, groups, phase);
    if (std::isnan(plain)) {
      EXPECT_TRUE(std::isnan(grouped)) << n;
    } else {
      EXPECT_EQ(grouped, plain) << n;
    }
  }
  // Groups by hand: one phase of 5 schools, disadvantage 0.5 0.1 0.3 0.2 0.4 -> quintiles 4 0 2 1 3.
  EXPECT_EQ(m::disadvantage_groups(std::vector<double>{0.5, 0.1, 0.3, 0.2, 0.4}, std::vector<std::int8_t>(5, 0)),
            (std::vector<std::int8_t>{4, 0, 2, 1, 3}));
}
