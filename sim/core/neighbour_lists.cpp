// Same-phase neighbour lists in CSR form, built over a uniform grid with cell size equal to
// the search radius, so each school scans only the 3x3 cells around it.
#include <tbb/parallel_for.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/world.hpp"

namespace schoolsim {
namespace {

struct Grid {
  double cell = 1, x0 = 0, y0 = 0;
  int nx = 1, ny = 1;
  std::vector<std::int64_t> start;  // CSR over cells
  std::vector<std::int32_t> members;

  int cx(double x) const { return std::clamp(static_cast<int>((x - x0) / cell), 0, nx - 1); }
  int cy(double y) const { return std::clamp(static_cast<int>((y - y0) / cell), 0, ny - 1); }
};

Grid make_grid(std::span<const double> x, std::span<const double> y, const std::vector<std::int32_t>& ids, double r) {
  Grid g;
  if (ids.empty()) return g;
  double xmin = x[ids[0]], xmax = xmin, ymin = y[ids[0]], ymax = ymin;
  for (int i : ids) {
    xmin = std::min(xmin, x[i]), xmax = std::max(xmax, x[i]);
    ymin = std::min(ymin, y[i]), ymax = std::max(ymax, y[i]);
  }
  // Cells no smaller than the radius, and no more cells than about 4 per school.
  const double extent = std::max(xmax - xmin, ymax - ymin) + 1e-9;
  g.cell = std::max({r, extent / std::sqrt(4.0 * static_cast<double>(ids.size())), 1e-6});
  g.x0 = xmin, g.y0 = ymin;
  g.nx = static_cast<int>((xmax - xmin) / g.cell) + 1;
  g.ny = static_cast<int>((ymax - ymin) / g.cell) + 1;
  std::vector<std::int64_t> count(static_cast<std::size_t>(g.nx) * g.ny + 1, 0);
  for (int i : ids) ++count[static_cast<std::size_t>(g.cy(y[i])) * g.nx + g.cx(x[i]) + 1];
  std::partial_sum(count.begin(), count.end(), count.begin());
  g.start = count;
  g.members.resize(ids.size());
  std::vector<std::int64_t> fill(count.begin(), count.end() - 1);
  for (int i : ids) g.members[fill[static_cast<std::size_t>(g.cy(y[i])) * g.nx + g.cx(x[i])]++] = i;
  return g;
}

// Reserves `v` for `size` elements and asks the kernel to back it with transparent huge
// pages (Linux; a hint, ignored elsewhere or when refused). The lists are large (16 bytes per
// entry: 1.2 GB at 1,000,000 schools) and written once: with 4 KiB pages, first-touch page
// faults were a third of the build's time (perf, 200,000 schools; THP is "madvise" on Debian).
template <class T>
void reserve_huge(std::vector<T>& v, std::size_t size) {
  v.reserve(size);
#ifdef __linux__
  constexpr std::uintptr_t kPage = 4096;
  const auto begin = (reinterpret_cast<std::uintptr_t>(v.data()) + kPage - 1) & ~(kPage - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(v.data() + size) & ~(kPage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
  v.resize(size);
}

// Sorts one school's candidates by (distance, id), exactly as std::sort of the pairs would
// (ids are distinct, so the order is total and unique). Distances lie in [0, r] and their
// squares are spread roughly evenly over [0, r^2] (points scattered in a disc), so a counting
// pass into m buckets of d^2 leaves about one candidate per bucket; an insertion sort then
// finishes the order. The bucket key floor(d * d * m / r^2) never decreases as d grows
// (rounded products and floor are monotone), so the buckets are already in order and the
// insertion sort only moves candidates within a bucket (std::sort if a bucket is crowded). Returns `found` or `sorted`.
const std::vector<std::pair<double, std::int32_t>>& sort_by_distance(
    std::vector<std::pair<double, std::int32_t>>& found, std::vector<std::pair<double, std::int32_t>>& sorted,
    std::vector<std::uint32_t>& bucket_start, double r) {
  const std::size_t m = found.size();
  auto* out = &found;
  if (m > 16 && r > 0) {
    const double scale = static_cast<double>(m) / (r * r);
    auto bucket = [&](double d) { return std::min(static_cast<std::size_t>(d * d * scale), m - 1); };
    bucket_start.assign(m + 1, 0);
    std::uint32_t fullest = 0;
    for (const auto& c : found) fullest = std::max(fullest, ++bucket_start[bucket(c.first) + 1]);
    if (fullest > 32) {  // many equal or clustered distances (a lattice, shared sites): no quadratic case
      std::sort(found.begin(), found.end());
      return found;
    }
    std::partial_sum(bucket_start.begin(), bucket_start.end(), bucket_start.begin());
    sorted.resize(m);
    for (const auto& c : found) sorted[bucket_start[bucket(c.first)]++] = c;
    out = &sorted;
  }
  auto& v = *out;
  for (std::size_t k = 1; k < m; ++k) {
    const auto c = v[k];
    std::size_t h = k;
    for (; h > 0 && c < v[h - 1]; --h) v[h] = v[h - 1];
    v[h] = c;
  }
  return v;
}

}  // namespace

std::int64_t NeighbourLists::end_within(int i, double r) const {
  const auto first = distance.begin() + offset[i], last = distance.begin() + offset[i + 1];
  return offset[i] + (std::upper_bound(first, last, r) - first);
}

NeighbourLists build_neighbour_lists(std::span<const double> x, std::span<const double> y,
                                     std::span<const std::int8_t> phase, const std::array<double, kPhases>& radius) {
  const int n = static_cast<int>(x.size());
  NeighbourLists nl;
  nl.radius = radius;
  std::array<std::vector<std::int32_t>, kPhases> ids;
  for (int i = 0; i < n; ++i) ids[phase[i]].push_back(i);
  std::array<Grid, kPhases> grids;
  for (int p = 0; p < kPhases; ++p) grids[p] = make_grid(x, y, ids[p], radius[p]);

  // Visits the same-phase schools within the radius of i (excluding i), in no particular
  // order, passing their distance when `kWantDistance` (else NaN: counting needs no hypot
  // except for the rare candidates within rounding of the radius).
  auto visit = [&]<bool kWantDistance>(int i, auto&& f) {
    const Grid& g = grids[phase[i]];
    const double r = radius[phase[i]];
    // Distances are std::hypot's, and so is the "within r" test. hypot is slow, and most
    // candidates of the 3 x 3 cells are well outside the circle: dx^2 + dy^2 is within a few
    // ulp of hypot^2, so anything beyond r^2 (1 + 1e-9) is out for sure and skips it.
    const double outside = r * r * (1.0 + 1e-9), inside = r * r * (1.0 - 1e-9);
    const int cx = g.cx(x[i]), cy = g.cy(y[i]);
    for (int gy = std::max(cy - 1, 0); gy <= std::min(cy + 1, g.ny - 1); ++gy)
      for (int gx = std::max(cx - 1, 0); gx <= std::min(cx + 1, g.nx - 1); ++gx) {
        const std::size_t c = static_cast<std::size_t>(gy) * g.nx + gx;
        for (auto k = g.start[c]; k < g.start[c + 1]; ++k) {
          const int j = g.members[k];
          if (j == i) continue;
          const double dx = x[i] - x[j], dy = y[i] - y[j];
          const double d2 = dx * dx + dy * dy;
          if (d2 > outside) continue;
          if constexpr (!kWantDistance) {
            if (d2 < inside) {
              f(j, std::numeric_limits<double>::quiet_NaN());
              continue;
            }
          }
          const double d = std::hypot(dx, dy);
          if (d <= r) f(j, d);
        }
      }
  };
  std::vector<std::int64_t> count(n + 1, 0);
  tbb::parallel_for(0, n, [&](int i) {
    std::int64_t c = 0;
    visit.template operator()<false>(i, [&](int, double) { ++c; });
    count[i + 1] = c;
  });
  std::partial_sum(count.begin(), count.end(), count.begin());
  // Reverse positions are 32-bit (a quarter of the lists' memory at 1 M schools).
  if (count[n] > std::numeric_limits<std::int32_t>::max())
    throw std::length_error(
        "neighbour lists: " + std::to_string(count[n]) +
        " same-phase pairs within the search radii, more than 2^31 - 1 (use smaller radii or fewer schools)");
  nl.offset = count;
  reserve_huge(nl.index, static_cast<std::size_t>(count[n]));
  reserve_huge(nl.distance, static_cast<std::size_t>(count[n]));
  tbb::parallel_for(0, n, [&](int i) {
    // Per-thread buffers (reused across schools: no allocation per school).
    thread_local std::vector<std::pair<double, std::int32_t>> found, sorted;
    thread_local std::vector<std::uint32_t> bucket_start;
    found.clear();
    visit.template operator()<true>(i, [&](int j, double d) { found.emplace_back(d, j); });
    const auto& order = sort_by_distance(found, sorted, bucket_start, radius[phase[i]]);
    for (std::size_t k = 0; k < order.size(); ++k) {
      nl.index[nl.offset[i] + k] = order[k].second;
      nl.distance[nl.offset[i] + k] = order[k].first;
    }
  });
  // Reverse positions: lists are symmetric (same radius within a phase), so (j -> i) exists.
  // Each pair is searched once, by its lower id, which sets both directions (no other task
  // writes (j -> i): j's task only handles j's entries to higher ids). The search starts where
  // (j -> i) would be if j's neighbours were spread evenly over the disc (squared distances
  // evenly over [0, r^2]), walks to the first entry at distance d, then scans the ties for i:
  // the same entry a binary search finds, in about one cache line of j's list instead of ~5.
  reserve_huge(nl.reverse, static_cast<std::size_t>(count[n]));
  tbb::parallel_for(0, n, [&](int i) {
    const double r = radius[phase[i]];
    const double scale = r > 0 ? 1.0 / (r * r) : 0.0;
    for (auto e = nl.offset[i]; e < nl.offset[i + 1]; ++e) {
      const int j = nl.index[e];
      if (j < i) continue;
      const double d = nl.distance[e];
      const std::int64_t first = nl.offset[j], last = nl.offset[j + 1];  // last > first: (j -> i) exists
      const double guess = std::min(d * d * scale, 1.0) * static_cast<double>(last - first - 1);
      std::int64_t pos = first + static_cast<std::int64_t>(guess);
      if (nl.distance[pos] < d) {
        while (nl.distance[pos] < d) ++pos;  // stops at (j -> i) at the latest
      } else {
        while (pos > first && nl.distance[pos - 1] >= d) --pos;
      }
      while (nl.index[pos] != i) ++pos;  // equal distances: scan the short run of ties
      nl.reverse[e] = static_cast<std::int32_t>(pos);
      nl.reverse[pos] = static_cast<std::int32_t>(e);
    }
  });
  return nl;
}

}  // namespace schoolsim
