// The Duclos-Esteban-Ray polarisation index (MODEL.md 9): a Gaussian kernel density on a
// 512-point grid, by direct kernel sums for small samples (LAs, regions) and by linear binning
// and one discrete convolution for large ones (England, a phase), whichever a cost model says
// is cheaper. models/reference/der_reference.cpp keeps the original kernel the tests compare with.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>

#include "models/metrics.hpp"

namespace schoolsim::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// DER grid (MODEL.md 9): 512 points over [min - 4h, max + 4h].
constexpr std::size_t kGridPoints = 512;
constexpr double kGridPad = 4.0;
// Kernel terms below 1e-18 of the kernel's peak (|u| > 9.1) are dropped: a grid value loses at
// most n * 1e-18, while the density at a data point is at least about 0.9 (its own term), so
// the result moves by less than n * 1e-18 relative. A point then touches about 9 kernel SDs
// of grid each side instead of 38 (down to DBL_MIN): DER is about 4x faster.
constexpr double kTinyTerm = 1e-18;
// exp(-u^2 / 2) >= kTinyTerm for |u| <= sqrt(-2 ln kTinyTerm) = 9.10 bandwidths.
const double kTinyTermReach = std::sqrt(-2.0 * std::log(kTinyTerm));
// Bins of the binned kernel sums are at most 1/64 of a bandwidth wide (see der_grid_binned and
// tests/unit/models/test_der_reference.cpp for the error this gives).
constexpr double kBinsPerBandwidth = 64.0;

}  // namespace

namespace {

// DER's grid (MODEL.md 9) for one sample: bandwidth h and the 512 nodes lo + k step.
struct DerGrid {
  double h, lo, step;
  // Grid cell of v: node m (0..510) and the fraction of a step from node m towards m + 1.
  std::pair<std::size_t, double> locate(double v) const {
    const double t = std::max((v - lo) / step, 0.0);
    const std::size_t m = std::min(static_cast<std::size_t>(t), kGridPoints - 2);
    return std::pair{m, t - static_cast<double>(m)};
  }
};

// Number of nodes i >= 0, spaced `delta` bandwidths apart, with exp(-(i delta)^2 / 2) >= kTinyTerm.
std::size_t kernel_reach(double delta) { return static_cast<std::size_t>(std::floor(kTinyTermReach / delta)) + 1; }

// Direct kernel sums: every point adds its kernel to every node within reach (unnormalised).
// With delta = step / h, a point at fraction a past node m lies (i + a) delta from node m - i and
// (j + b) delta from node m + 1 + j, b = 1 - a; and
//   exp(-(i + a)^2 delta^2 / 2) = exp(-i^2 delta^2 / 2) * exp(-a^2 delta^2 / 2) * exp(-a delta^2)^i:
// a per-offset table times a geometric sequence whose factors are all <= 1 (no overflow). That
// costs 2 exp calls per point instead of one per node. A sweep stops once its terms drop below
// kTinyTerm. Cost: about n x 2 x reach node updates.
void der_grid_direct(std::span<const double> sorted, const DerGrid& g, std::array<double, kGridPoints>& f) {
  const double d2 = (g.step / g.h) * (g.step / g.h);
  std::array<double, kGridPoints> offset_factor{};  // exp(-i^2 delta^2 / 2)
  std::size_t reach = 0;
  while (reach < kGridPoints) {
    const double x = static_cast<double>(reach) * (g.step / g.h);
    offset_factor[reach] = std::exp(-0.5 * x * x);
    if (offset_factor[reach] < kTinyTerm) break;
    ++reach;
  }
  // The right sweep's start and ratio follow from the left's (b = 1 - a):
  //   exp(-b^2 d2 / 2) = exp(-d2 / 2) exp(a d2) exp(-a^2 d2 / 2),  exp(-b d2) = exp(-d2) exp(a d2),
  // two exp calls per point instead of four, while exp(-a d2) cannot underflow (d2 <= 50).
  const bool derive_right = d2 <= 50.0;
  const double half_step_factor = std::exp(-0.5 * d2), step_factor = std::exp(-d2);
  // Each sweep runs four consecutive nodes at a time: lane k carries start * ratio^k and a block
  // advances every lane by ratio^4, so the four products are independent (no chain of
  // multiplications through every node) and the block is one vectorisable loop. Left sweeps go
  // into `left`, a grid stored right to left, so both sweeps write ascending addresses; the two
  // grids are added at the end. Terms fall along a sweep, so a sweep stops after the block whose
  // last term is below kTinyTerm (up to three more tiny terms than the one-at-a-time kernel of
  // models/reference/der_reference.cpp, which this matches to about 1e-13 relative).
  std::array<double, kGridPoints> left{};
  // Two lanes per SSE2 register (GCC/Clang vector extensions): the same multiplications and
  // additions as four scalar lanes, so the same bits (pinned by DerReference.DirectSumsKeepTheirBits),
  // in about 30% fewer instructions for an LA; GCC 12 did not vectorise the scalar form.
  using V2 = double __attribute__((vector_size(16)));
  auto load2 = [](const double* a) {
    V2 v;
    std::memcpy(&v, a, sizeof v);
    return v;
  };
  auto sweep = [&](double* out, std::size_t nodes, double start, double ratio) {
    const double r2 = ratio * ratio, r4 = r2 * r2;
    V2 p01 = {start, start * ratio}, p23 = {start * r2, start * r2 * ratio};
    const V2 r4v = {r4, r4};
    std::size_t i = 0;
    for (; i + 4 <= nodes; i += 4) {
      const V2 t01 = load2(offset_factor.data() + i) * p01;
      const V2 t23 = load2(offset_factor.data() + i + 2) * p23;
      const V2 o01 = load2(out + i) + t01, o23 = load2(out + i + 2) + t23;
      std::memcpy(out + i, &o01, sizeof o01);
      std::memcpy(out + i + 2, &o23, sizeof o23);
      if (t23[1] < kTinyTerm) return;
      p01 *= r4v;
      p23 *= r4v;
    }
    const std::array<double, 4> p{p01[0], p01[1], p23[0], p23[1]};
    for (std::size_t k = 0; i + k < nodes; ++k) out[i + k] += offset_factor[i + k] * p[k];
  };
  for (double v : sorted) {
    const auto [m, a] = g.locate(v);
    const double b = 1.0 - a;
    // Left sweep: nodes m, m-1, ..., 0, i.e. left[511 - m], left[512 - m], ...
    const double left_start = std::exp(-0.5 * a * a * d2);
    const double left_ratio = std::exp(-a * d2);
    sweep(left.data() + (kGridPoints - 1 - m), std::min(reach, m + 1), left_start, left_ratio);
    // Right sweep: nodes m+1, m+2, ..., 511.
    double p, ratio;
    if (derive_right) {
      p = half_step_factor * left_start / left_ratio;
      ratio = step_factor / left_ratio;
    } else {
      p = std::exp(-0.5 * b * b * d2);
      ratio = std::exp(-b * d2);
    }
    sweep(f.data() + (m + 1), std::min(reach, kGridPoints - 1 - m), p, ratio);
  }
  for (std::size_t k = 0; k < kGridPoints; ++k) f[k] += left[kGridPoints - 1 - k];
}

// Binned kernel sums (the standard binned kernel density estimate, Wand 1994): linear binning of
// the sample onto a grid `refine` times finer than DER's (bin width step / refine, so the DER
// nodes are every refine-th bin), then one discrete convolution of the bin weights with the
// kernel, truncated where it drops below kTinyTerm, evaluated at the 512 DER nodes only. Cost:
// n + 512 x 2 x (refine x reach), independent of n beyond the binning. Linear binning replaces
// each point's kernel by the linear interpolation of the kernels at its two bins: per point an
// error of at most a (1 - a) w^2 / 2 max|K''| with w the bin width in bandwidths, i.e. below
// w^2 / 8 of the kernel's peak, and to second order a slight extra smoothing (variance w^2 / 6).
void der_grid_binned(std::span<const double> sorted, const DerGrid& g, std::size_t refine,
                     std::array<double, kGridPoints>& f, std::vector<double>& bins, std::vector<double>& kernel) {
  const std::size_t n_bins = (kGridPoints - 1) * refine + 1;
  const double bin_width = g.step / static_cast<double>(refine);
  bins.assign(n_bins, 0.0);
  for (double v : sorted) {
    const double t = std::max((v - g.lo) / bin_width, 0.0);
    const std::size_t m = std::min(static_cast<std::size_t>(t), n_bins - 2);
    const double a = t - static_cast<double>(m);
    bins[m] += 1.0 - a;
    bins[m + 1] += a;
  }
  // kernel[reach - 1 + j] = exp(-(j w)^2 / 2) for |j| < reach (symmetric, so a node's sum is one
  // contiguous dot product).
  const double w = bin_width / g.h;
  const std::size_t reach = std::min(kernel_reach(w), n_bins);
  kernel.assign(2 * reach - 1, 0.0);
  for (std::size_t j = 0; j < reach; ++j) {
    const double x = static_cast<double>(j) * w;
    kernel[reach - 1 + j] = kernel[reach - 1 - j] = std::exp(-0.5 * x * x);
  }
  for (std::size_t k = 0; k < kGridPoints; ++k) {
    const std::size_t centre = k * refine;
    const std::size_t first = centre + 1 >= reach ? centre + 1 - reach : 0;  // bins [first, last)
    const std::size_t last = std::min(centre + reach, n_bins);
    const double* b = bins.data() + first;
    const double* kern = kernel.data() + (first + reach - 1 - centre);
    const std::size_t len = last - first;
    // Four partial sums (independent chains; the compiler may not reassociate one).
    std::array<double, 4> s{};
    std::size_t i = 0;
    for (; i + 4 <= len; i += 4)
      for (std::size_t l = 0; l < 4; ++l) s[l] += b[i + l] * kern[i + l];
    for (; i < len; ++i) s[0] += b[i] * kern[i];
    f[k] = (s[0] + s[1]) + (s[2] + s[3]);
  }
}

// The bin refinement for a grid with `delta` = step / h: bins at most 1 / kBinsPerBandwidth
// bandwidths wide.
std::size_t binned_refine(double delta) { return static_cast<std::size_t>(std::ceil(delta * kBinsPerBandwidth)); }

// True if the binned sums are cheaper than the direct ones for n points (counts of inner-loop
// updates; a direct point also costs two exp calls and its set-up, about 40 updates).
bool binned_is_cheaper(std::size_t n, double delta) {
  const std::size_t direct_reach = std::min(kernel_reach(delta), kGridPoints);
  const std::size_t refine = binned_refine(delta);
  const double direct = static_cast<double>(n) * static_cast<double>(2 * direct_reach + 40);
  const double binned =
      static_cast<double>(kGridPoints) * static_cast<double>(2 * kernel_reach(delta / static_cast<double>(refine))) +
      static_cast<double>(n) * 6.0 + static_cast<double>((kGridPoints - 1) * refine);
  return binned < direct;
}

enum class DerPath { kAuto, kDirect, kBinned };

/// DER of y given y sorted ascending.
double der_polarisation_sorted(std::span<const double> y, std::span<const double> sorted, double alpha,
                               DerPath path = DerPath::kAuto) {
  if (!(alpha > 0.0)) throw std::invalid_argument("metrics::der_polarisation: alpha must be > 0");
  const std::size_t n = y.size();
  if (n == 0) return kNaN;
  if (n < 2) return 0.0;
  // Test constancy exactly: the two-pass SD of constant input can be a rounding residue, not 0.
  if (sorted.front() == sorted.back()) return 0.0;
  const double sigma = sd(y);
  if (sigma == 0.0) return 0.0;
  const double nd = static_cast<double>(n);
  DerGrid g{};
  g.h = 4.7 / std::sqrt(nd) * sigma * std::pow(alpha, 0.1);
  g.lo = sorted.front() - kGridPad * g.h;
  const double hi = sorted.back() + kGridPad * g.h;
  g.step = (hi - g.lo) / static_cast<double>(kGridPoints - 1);

  const double delta = g.step / g.h;
  std::array<double, kGridPoints> f{};
  if (path == DerPath::kBinned || (path == DerPath::kAuto && binned_is_cheaper(n, delta))) {
    thread_local std::vector<double> bins, kernel;
    der_grid_binned(sorted, g, binned_refine(delta), f, bins, kernel);
  } else {
    der_grid_direct(sorted, g, f);
  }
  const double norm = 1.0 / (nd * g.h * std::sqrt(2.0 * std::numbers::pi));
  for (double& fk : f) fk *= norm;

  double total = 0.0;
  for (double v : sorted) total += v;
  double acc = 0.0;
  double below = 0.0;  // P_r: sum of the r smallest values
  for (std::size_t r = 0; r < n; ++r) {
    const double v = sorted[r];
    const auto [m, a] = g.locate(v);
    const double fv = (1.0 - a) * f[m] + a * f[m + 1];
    const double through = below + v;  // P_(r+1)
    const double dist = v * (2.0 * static_cast<double>(r) + 1.0 - nd) + total - below - through;
    acc += (alpha == 0.5 ? std::sqrt(fv) : std::pow(fv, alpha)) * dist;  // sqrt: the usual alpha, far cheaper
    below = through;
  }
  return acc / (nd * nd);
}

}  // namespace

double der_polarisation(std::span<const double> y, double alpha, Scratch& scratch) {
  std::vector<double>& sorted = scratch.values;
  sorted.assign(y.begin(), y.end());
  std::sort(sorted.begin(), sorted.end());
  return der_polarisation_sorted(y, sorted, alpha);
}

double der_polarisation(std::span<const double> y, double alpha) {
  Scratch scratch;
  return der_polarisation(y, alpha, scratch);
}

double der_polarisation_direct(std::span<const double> y, double alpha) {
  std::vector<double> sorted(y.begin(), y.end());
  std::sort(sorted.begin(), sorted.end());
  return der_polarisation_sorted(y, sorted, alpha, DerPath::kDirect);
}

double der_polarisation_binned(std::span<const double> y, double alpha) {
  std::vector<double> sorted(y.begin(), y.end());
  std::sort(sorted.begin(), sorted.end());
  return der_polarisation_sorted(y, sorted, alpha, DerPath::kBinned);
}

double der_polarisation_ordered(std::span<const double> y, const Ordered& o, double alpha) {
  if (y.size() != o.sorted.size())
    throw std::invalid_argument("metrics: spans differ in length in der_polarisation_ordered");
  return der_polarisation_sorted(y, o.sorted, alpha);
}

}  // namespace schoolsim::metrics
