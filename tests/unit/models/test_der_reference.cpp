// DER's kernel sums (models/metrics.cpp) against the one-node-at-a-time kernel of 2026-12-04
// (models/reference/der_reference.cpp) on seeded inputs.
//
// Stated tolerances:
// - the direct sums (four nodes at a time, used for small samples): 1e-12 relative. They differ
//   from the reference only in rounding (ratio^4 steps, left and right sweeps summed in two grids)
//   and in up to three extra terms below 1e-18 per sweep, so the grid densities agree to about
//   1e-15 and DER to the same order; 1e-12 leaves room for n = 20,214.
// - der_polarisation as the engine calls it (the binned kernel density estimate where that is
//   cheaper, i.e. samples of a few thousand and more): 2e-6 x alpha relative, i.e. 1e-6 at the
//   engine's alpha = 0.5. Linear binning onto bins w <= h/64 wide moves each point's kernel by at
//   most w^2 / 8 of its peak (3.1e-5) and, to second order, smooths the density by an extra
//   variance of w^2 / 6; DER's relative error is about alpha times the density's, averaged over
//   the points. Measured on these samples where binning is chosen: at most 6e-7 x alpha (n = 4,000,
//   bimodal), 2e-7 at alpha = 0.5 and below 5e-8 at England's size. 1e-6 at alpha = 0.5 is finer
//   than the digits users see (calibration tables print 4 significant digits).
// - the binned sums forced on every sample, including n = 2 and a far outlier, where a point's
//   density is its own kernel alone (the worst case, |fhat''| / fhat = 1/h^2 at its peak): the
//   per-point bound alpha w^2 / 8 = 3.8e-6 x alpha (measured: at most 0.63 of it, the outlier).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/metrics.hpp"
#include "models/reference/der_reference.hpp"

namespace m = schoolsim::metrics;

namespace {

constexpr double kDirectTolerance = 1e-12;
constexpr double kTolerancePerAlpha = 2e-6;
constexpr double kBinWidth = 1.0 / 64.0;  // bandwidths; kBinsPerBandwidth in models/metrics.cpp

// Raw mt19937_64 bits (fixed by the standard), so the inputs are identical on every platform.
struct Seeded {
  std::mt19937_64 gen;
  explicit Seeded(std::uint64_t seed) : gen(seed) {}
  double unit() { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }
  double bell() { return unit() + unit() + unit() + unit() - 2.0; }  // mean 0, SD 0.577
};

double relative_error(double value, double reference) { return std::abs(value - reference) / reference; }

void expect_matches_reference(const std::vector<double>& y, double alpha) {
  const double reference = m::reference::der_polarisation(y, alpha);
  ASSERT_GT(reference, 0.0);
  const double direct = m::der_polarisation_direct(y, alpha);
  const double binned = m::der_polarisation_binned(y, alpha);
  const double engine = m::der_polarisation(y, alpha);
  const auto what = ::testing::Message() << "n " << y.size() << " alpha " << alpha << ": reference " << reference
                                         << " direct " << direct << " binned " << binned << " engine " << engine;
  EXPECT_LE(relative_error(direct, reference), kDirectTolerance) << what;
  EXPECT_LE(relative_error(engine, reference), kTolerancePerAlpha * alpha) << what;
  EXPECT_LE(relative_error(binned, reference), alpha * kBinWidth * kBinWidth / 8.0) << what;
  // The engine takes one of the two kernels, unchanged.
  EXPECT_TRUE(engine == direct || engine == binned) << what;
  m::Ordered o;
  m::order(y, o);
  EXPECT_EQ(m::der_polarisation_ordered(y, o, alpha), engine);
}

}  // namespace

TEST(DerReference, BimodalSamplesOfEverySizeAndAlpha) {
  Seeded rng(20261205);
  for (std::size_t n : {2u, 3u, 7u, 50u, 130u, 513u, 2000u, 4000u, 20214u}) {
    std::vector<double> y(n);
    for (double& v : y) v = (rng.unit() < 0.4 ? -1.0 : 0.8) + 0.5 * rng.bell();
    for (double alpha : {0.25, 0.5, 1.0, 1.6}) expect_matches_reference(y, alpha);
  }
}

TEST(DerReference, AttainmentLikeScalesTiesAndOutliers) {
  Seeded rng(17);
  // Attainment-like values (mean 50, SD 10), rounded to one decimal so many values tie, at the
  // sizes of an LA (130), a region (2,200), a phase (3,400 and 16,800) and England (20,214).
  for (std::size_t n : {2u, 130u, 2200u, 3400u, 16800u, 20214u}) {
    std::vector<double> ties(n);
    for (double& v : ties) v = std::round((50.0 + 17.3 * rng.bell()) * 10.0) / 10.0;
    expect_matches_reference(ties, 0.5);
  }
  // One far outlier: most of the grid is empty and sweeps reach the grid's ends.
  std::vector<double> outlier(3000);
  for (double& v : outlier) v = rng.bell();
  outlier[1234] = 1e4;
  expect_matches_reference(outlier, 0.5);
  // The same at England's size.
  std::vector<double> big_outlier(20214);
  for (double& v : big_outlier) v = 50.0 + 17.3 * rng.bell();
  big_outlier[777] = 400.0;
  expect_matches_reference(big_outlier, 0.5);
  // Two values only (the widest grid steps relative to the bandwidth).
  std::vector<double> two_points(100);
  for (std::size_t i = 0; i < two_points.size(); ++i) two_points[i] = i % 3 == 0 ? 1.0 : -2.0;
  expect_matches_reference(two_points, 0.5);
}

TEST(DerReference, EngineBinsLargeSamplesAndSumsSmallOnesDirectly) {
  // Which kernel the engine takes, at the scope sizes of the England world: an LA's schools
  // (about 130) directly, England's (20,214) binned. The choice depends only on n and the grid.
  Seeded rng(6);
  std::vector<double> la(130), england(20214);
  for (double& v : la) v = 50.0 + 17.3 * rng.bell();
  for (double& v : england) v = 50.0 + 17.3 * rng.bell();
  EXPECT_EQ(m::der_polarisation(la), m::der_polarisation_direct(la));
  EXPECT_NE(m::der_polarisation(la), m::der_polarisation_binned(la));
  EXPECT_EQ(m::der_polarisation(england), m::der_polarisation_binned(england));
  EXPECT_NE(m::der_polarisation(england), m::der_polarisation_direct(england));
}

TEST(DerReference, DirectSumsKeepTheirBits) {
  // Exact values pinned on commit 75a0820 (before the binned sums and the two-lane vectors of the
  // direct sweeps, which must not change a bit): an LA-sized and an England-sized sample. The
  // England sample's binned value is pinned as of 2026-12-06 (2.6e-8 relative below the direct one).
  Seeded rng(6);
  std::vector<double> la(130), england(20214);
  for (double& v : la) v = 50.0 + 17.3 * rng.bell();
  for (double& v : england) v = 50.0 + 17.3 * rng.bell();
  EXPECT_EQ(m::der_polarisation(la), 0x1.a708d36c4c57fp+0);             // 1.6524784221076911
  EXPECT_EQ(m::der_polarisation_direct(england), 0x1.b2d7e838b5cfp+0);  // 1.6986069811298954
  EXPECT_EQ(m::der_polarisation(england), 0x1.b2d7e77d73b35p+0);        // 1.69860693753044
}
