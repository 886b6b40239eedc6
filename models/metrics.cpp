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
