#include "models/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>

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

void require_same_size(std::size_t a, std::size_t b, const char* what) {
  if (a != b) throw std::invalid_argument(std::string("metrics: spans differ in length in ") + what);
}

bool key_less(const KeyIndex& a, const KeyIndex& b) { return a.key < b.key || (a.key == b.key && a.index < b.index); }

// numpy's _lerp: interpolate from the nearer end so the result is monotone in t and exact at t = 1.
double lerp_numpy(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Places the order statistics at quintile cuts k*n/5 (k = 1..4) so that boundary k is keyed[k*n/5].
// An element x belongs to group #{k : x >= boundary k}: the same partition as a full sort would give,
// because (key, index) is a strict total order. Returns the 4 boundaries.
std::array<KeyIndex, 4> quintile_boundaries(std::span<KeyIndex> keyed) {
  const std::size_t n = keyed.size();
  std::array<KeyIndex, 4> bounds{};
  std::size_t from = 0;
  for (std::size_t k = 1; k <= 4; ++k) {
    const std::size_t cut = k * n / 5;
    // Everything before `from` is already below the previous cut, so search only the rest.
    std::nth_element(keyed.begin() + static_cast<std::ptrdiff_t>(from),
                     keyed.begin() + static_cast<std::ptrdiff_t>(cut), keyed.end(), key_less);
    bounds[k - 1] = keyed[cut];
    from = cut;
  }
  return bounds;
}

double esteban_ray_from_bounds(std::span<const double> y, const std::array<KeyIndex, 4>& bounds, double alpha);

int quintile_of(const KeyIndex& x, const std::array<KeyIndex, 4>& bounds) {
  int g = 0;
  for (const KeyIndex& b : bounds) g += key_less(x, b) ? 0 : 1;
  return g;
}

}  // namespace

double mean(std::span<const double> y) {
  if (y.empty()) return kNaN;
  double s = 0.0;
  for (double v : y) s += v;
  return s / static_cast<double>(y.size());
}

double weighted_mean(std::span<const double> y, std::span<const double> w) {
  require_same_size(y.size(), w.size(), "weighted_mean");
  if (y.empty()) return kNaN;
  double sw = 0.0, swy = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    sw += w[i];
    swy += w[i] * y[i];
  }
  return swy / sw;
}

double sd(std::span<const double> y) {
  if (y.empty()) return kNaN;
  const double m = mean(y);
  double ss = 0.0;
  for (double v : y) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(y.size()));
}

double weighted_sd(std::span<const double> y, std::span<const double> w) {
  require_same_size(y.size(), w.size(), "weighted_sd");
  if (y.empty()) return kNaN;
  double sw = 0.0, swy = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    sw += w[i];
    swy += w[i] * y[i];
  }
  const double m = swy / sw;
  double ss = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) ss += w[i] * (y[i] - m) * (y[i] - m);
  return std::sqrt(ss / sw);
}

double quantile_inplace(std::span<double> values, double q) {
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("metrics::quantile: q outside [0,1]");
  const std::size_t n = values.size();
  if (n == 0) return kNaN;
  // numpy "linear": virtual index (n-1) q, lower order statistic floor of it.
  const double pos = static_cast<double>(n - 1) * q;
  const std::size_t lo = std::min(static_cast<std::size_t>(std::floor(pos)), n - 1);
  const double t = pos - static_cast<double>(lo);
  const auto lo_it = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), lo_it, values.end());
  const double a = *lo_it;
  if (lo + 1 >= n) return a;
  // After nth_element the next order statistic is the minimum of the upper part.
  const double b = *std::min_element(lo_it + 1, values.end());
  return lerp_numpy(a, b, t);
}

double quantile(std::span<const double> y, double q, Scratch& scratch) {
  scratch.values.assign(y.begin(), y.end());
  return quantile_inplace(scratch.values, q);
}

double quantile(std::span<const double> y, double q) {
  Scratch scratch;
  return quantile(y, q, scratch);
}

double p90_p10(std::span<const double> y, Scratch& scratch) {
  if (y.empty()) return kNaN;
  scratch.values.assign(y.begin(), y.end());
  const double p90 = quantile_inplace(scratch.values, 0.9);
  const double p10 = quantile_inplace(scratch.values, 0.1);
  return p90 - p10;
}

double p90_p10(std::span<const double> y) {
  Scratch scratch;
  return p90_p10(y, scratch);
}

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

double esteban_ray_quintiles(std::span<const double> y, double alpha, Scratch& scratch) {
  const std::size_t n = y.size();
  if (n == 0) return kNaN;
  std::vector<KeyIndex>& keyed = scratch.keyed;
  keyed.resize(n);
  for (std::size_t i = 0; i < n; ++i) keyed[i] = {y[i], i};
  return esteban_ray_from_bounds(y, quintile_boundaries(keyed), alpha);
}

namespace {

/// ER over the quintile groups cut at `bounds` (the order statistics at k n / 5).
double esteban_ray_from_bounds(std::span<const double> y, const std::array<KeyIndex, 4>& bounds, double alpha) {
  const std::size_t n = y.size();
  // Group sums in input order, so the result does not depend on how the order was found.
  std::array<double, 5> sum{};
  std::array<std::size_t, 5> count{};
  for (std::size_t i = 0; i < n; ++i) {
    const int g = quintile_of({y[i], i}, bounds);
    sum[g] += y[i];
    ++count[g];
  }
  const double nd = static_cast<double>(n);
  double er = 0.0;
  for (std::size_t k = 0; k < 5; ++k) {
    if (count[k] == 0) continue;
    const double pk = static_cast<double>(count[k]) / nd;
    const double mk = sum[k] / static_cast<double>(count[k]);
    const double wk = std::pow(pk, 1.0 + alpha);
    for (std::size_t l = 0; l < 5; ++l) {
      if (count[l] == 0) continue;
      const double pl = static_cast<double>(count[l]) / nd;
      const double ml = sum[l] / static_cast<double>(count[l]);
      er += wk * pl * std::abs(mk - ml);
    }
  }
  return er;
}

}  // namespace

double esteban_ray_quintiles(std::span<const double> y, double alpha) {
  Scratch scratch;
  return esteban_ray_quintiles(y, alpha, scratch);
}

double disadvantage_gap(std::span<const double> y, std::span<const double> d, std::span<const std::int8_t> phase,
                        Scratch& scratch) {
  require_same_size(y.size(), d.size(), "disadvantage_gap");
  require_same_size(y.size(), phase.size(), "disadvantage_gap");
  const std::size_t n = y.size();
  if (n == 0) return kNaN;
  for (std::int8_t p : phase) {
    if (p != 0 && p != 1) throw std::out_of_range("metrics::disadvantage_gap: phase must be 0 or 1");
  }
  std::vector<KeyIndex>& keyed = scratch.keyed;
  keyed.reserve(n);
  double weighted = 0.0;
  double schools = 0.0;
  for (std::int8_t p = 0; p <= 1; ++p) {
    keyed.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (phase[i] == p) keyed.push_back({d[i], i});
    }
    if (keyed.size() < 5) continue;
    const std::array<KeyIndex, 4> bounds = quintile_boundaries(keyed);
    double least = 0.0, most = 0.0;
    std::size_t n_least = 0, n_most = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (phase[i] != p) continue;
      const int g = quintile_of({d[i], i}, bounds);
      if (g == 0) {
        least += y[i];
        ++n_least;
      } else if (g == 4) {
        most += y[i];
        ++n_most;
      }
    }
    const double gap = least / static_cast<double>(n_least) - most / static_cast<double>(n_most);
    const double np = static_cast<double>(keyed.size());
    weighted += np * gap;
    schools += np;
  }
  return schools > 0.0 ? weighted / schools : kNaN;
}

double disadvantage_gap(std::span<const double> y, std::span<const double> d, std::span<const std::int8_t> phase) {
  Scratch scratch;
  return disadvantage_gap(y, d, phase, scratch);
}

PupilGroupMeans disadvantaged_pupil_means(std::span<const double> y, std::span<const double> pupils,
                                          std::span<const double> d) {
  require_same_size(y.size(), pupils.size(), "disadvantaged_pupil_means");
  require_same_size(y.size(), d.size(), "disadvantaged_pupil_means");
  double w_dis = 0.0, wy_dis = 0.0, w_oth = 0.0, wy_oth = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double dis = pupils[i] * d[i], oth = pupils[i] * (1.0 - d[i]);
    w_dis += dis, wy_dis += dis * y[i];
    w_oth += oth, wy_oth += oth * y[i];
  }
  return {w_dis > 0.0 ? wy_dis / w_dis : kNaN, w_oth > 0.0 ? wy_oth / w_oth : kNaN};
}

double between_group_share(std::span<const double> y, std::span<const std::int32_t> group, int n_groups,
                           Scratch& scratch) {
  require_same_size(y.size(), group.size(), "between_group_share");
  const std::size_t n = y.size();
  if (n == 0) return kNaN;
  const auto groups = static_cast<std::size_t>(std::max(n_groups, 0));
  std::vector<double>& sum = scratch.group_sum;
  std::vector<std::int64_t>& count = scratch.group_count;
  sum.assign(groups, 0.0);
  count.assign(groups, 0);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] < 0 || group[i] >= n_groups) {
      throw std::out_of_range("metrics::between_group_share: group id outside [0, n_groups)");
    }
    const auto g = static_cast<std::size_t>(group[i]);
    sum[g] += y[i];
    ++count[g];
    total += y[i];
  }
  const double m = total / static_cast<double>(n);
  double tss = 0.0;
  for (double v : y) tss += (v - m) * (v - m);
  if (tss == 0.0) return 0.0;
  double bss = 0.0;
  for (std::size_t g = 0; g < groups; ++g) {
    if (count[g] == 0) continue;
    const double c = static_cast<double>(count[g]);
    const double dm = sum[g] / c - m;
    bss += c * dm * dm;
  }
  return bss / tss;
}

double between_group_share(std::span<const double> y, std::span<const std::int32_t> group, int n_groups) {
  Scratch scratch;
  return between_group_share(y, group, n_groups, scratch);
}

void order(std::span<const double> y, Ordered& out) {
  out.keyed.resize(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) out.keyed[i] = {y[i], i};
  std::sort(out.keyed.begin(), out.keyed.end(), key_less);
  out.sorted.resize(y.size());
  for (std::size_t k = 0; k < y.size(); ++k) out.sorted[k] = out.keyed[k].key;
}

namespace {
/// quantile_inplace's result from sorted values (the same order statistics, the same lerp).
double quantile_sorted(std::span<const double> sorted, double q) {
  const std::size_t n = sorted.size();
  const double pos = static_cast<double>(n - 1) * q;
  const std::size_t lo = std::min(static_cast<std::size_t>(std::floor(pos)), n - 1);
  if (lo + 1 >= n) return sorted[lo];
  return lerp_numpy(sorted[lo], sorted[lo + 1], pos - static_cast<double>(lo));
}
}  // namespace

double p90_p10_ordered(const Ordered& o) {
  if (o.sorted.empty()) return kNaN;
  return quantile_sorted(o.sorted, 0.9) - quantile_sorted(o.sorted, 0.1);
}

double der_polarisation_ordered(std::span<const double> y, const Ordered& o, double alpha) {
  require_same_size(y.size(), o.sorted.size(), "der_polarisation_ordered");
  return der_polarisation_sorted(y, o.sorted, alpha);
}

double esteban_ray_quintiles_ordered(std::span<const double> y, const Ordered& o, double alpha) {
  require_same_size(y.size(), o.keyed.size(), "esteban_ray_quintiles_ordered");
  const std::size_t n = y.size();
  if (n == 0) return kNaN;
  std::array<KeyIndex, 4> bounds{};
  for (std::size_t k = 1; k <= 4; ++k) bounds[k - 1] = o.keyed[k * n / 5];
  return esteban_ray_from_bounds(y, bounds, alpha);
}

std::vector<std::int8_t> disadvantage_groups(std::span<const double> d, std::span<const std::int8_t> phase) {
  require_same_size(d.size(), phase.size(), "disadvantage_groups");
  const std::size_t n = d.size();
  for (std::int8_t p : phase) {
    if (p != 0 && p != 1) throw std::out_of_range("metrics::disadvantage_groups: phase must be 0 or 1");
  }
  std::vector<std::int8_t> group(n, -1);
  std::vector<KeyIndex> keyed;
  for (std::int8_t p = 0; p <= 1; ++p) {
    keyed.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (phase[i] == p) keyed.push_back({d[i], i});
    if (keyed.size() < 5) continue;
    const std::array<KeyIndex, 4> bounds = quintile_boundaries(keyed);
    for (std::size_t i = 0; i < n; ++i)
      if (phase[i] == p) group[i] = static_cast<std::int8_t>(quintile_of({d[i], i}, bounds));
  }
  return group;
}

double disadvantage_gap_grouped(std::span<const double> y, std::span<const std::int8_t> group,
                                std::span<const std::int8_t> phase) {
  require_same_size(y.size(), group.size(), "disadvantage_gap_grouped");
  require_same_size(y.size(), phase.size(), "disadvantage_gap_grouped");
  const std::size_t n = y.size();
  if (n == 0) return kNaN;
  // The sums of disadvantage_gap, in the same order: per phase, schools in input order.
  std::array<double, 2> least{}, most{};
  std::array<std::size_t, 2> n_least{}, n_most{}, n_phase{};
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] < 0) continue;
    const int p = phase[i];
    ++n_phase[p];
    if (group[i] == 0)
      least[p] += y[i], ++n_least[p];
    else if (group[i] == 4)
      most[p] += y[i], ++n_most[p];
  }
  double weighted = 0.0, schools = 0.0;
  for (int p = 0; p <= 1; ++p) {
    if (n_phase[p] == 0) continue;
    const double gap = least[p] / static_cast<double>(n_least[p]) - most[p] / static_cast<double>(n_most[p]);
    const double np = static_cast<double>(n_phase[p]);
    weighted += np * gap;
    schools += np;
  }
  return schools > 0.0 ? weighted / schools : kNaN;
}

}  // namespace schoolsim::metrics
