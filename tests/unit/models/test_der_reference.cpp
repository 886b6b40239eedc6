// The four-nodes-at-a-time DER kernel (models/metrics.cpp) against the one-node-at-a-time kernel
// it replaced (models/reference/der_reference.cpp) on seeded inputs. Stated tolerance: 1e-12
// relative. The kernels differ only in rounding (ratio^4 steps instead of ratio^1, left and right
// sweeps summed in two grids) and in up to three extra terms below 1e-18 per sweep, so the grid
// densities agree to about 1e-15 and DER to the same order; 1e-12 leaves room for n = 20,214.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/metrics.hpp"
#include "models/reference/der_reference.hpp"

namespace m = schoolsim::metrics;

namespace {

constexpr double kTolerance = 1e-12;

// Raw mt19937_64 bits (fixed by the standard), so the inputs are identical on every platform.
struct Seeded {
  std::mt19937_64 gen;
  explicit Seeded(std::uint64_t seed) : gen(seed) {}
  double unit() { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }
  double bell() { return unit() + unit() + unit() + unit() - 2.0; }  // mean 0, SD 0.577
};

void expect_matches_reference(const std::vector<double>& y, double alpha) {
  const double fast = m::der_polarisation(y, alpha);
  const double reference = m::reference::der_polarisation(y, alpha);
  ASSERT_GT(reference, 0.0);
  EXPECT_LE(std::abs(fast - reference), kTolerance * reference)
      << "n " << y.size() << " alpha " << alpha << ": fast " << fast << " reference " << reference;
  m::Ordered o;
  m::order(y, o);
  EXPECT_EQ(m::der_polarisation_ordered(y, o, alpha), fast);
}

}  // namespace

TEST(DerReference, BimodalSamplesOfEverySizeAndAlpha) {
  Seeded rng(20261205);
  for (std::size_t n : {2u, 3u, 7u, 50u, 513u, 2000u, 20214u}) {
    std::vector<double> y(n);
    for (double& v : y) v = (rng.unit() < 0.4 ? -1.0 : 0.8) + 0.5 * rng.bell();
    for (double alpha : {0.25, 0.5, 1.0, 1.6}) expect_matches_reference(y, alpha);
  }
}

TEST(DerReference, AttainmentLikeScalesTiesAndOutliers) {
  Seeded rng(17);
  // Attainment-like values (mean 50, SD 10), rounded to one decimal so many values tie.
  std::vector<double> ties(20214);
  for (double& v : ties) v = std::round((50.0 + 17.3 * rng.bell()) * 10.0) / 10.0;
  expect_matches_reference(ties, 0.5);
  // One far outlier: most of the grid is empty and sweeps reach the grid's ends.
  std::vector<double> outlier(3000);
  for (double& v : outlier) v = rng.bell();
  outlier[1234] = 1e4;
  expect_matches_reference(outlier, 0.5);
  // Two values only (the widest grid steps relative to the bandwidth).
  std::vector<double> two_points(100);
  for (std::size_t i = 0; i < two_points.size(); ++i) two_points[i] = i % 3 == 0 ? 1.0 : -2.0;
  expect_matches_reference(two_points, 0.5);
}
