// Same-phase neighbour lists in CSR form, built over a uniform grid with cell size equal to
// the search radius, so each school scans only the 3x3 cells around it.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

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
  nl.index.resize(count[n]);
  nl.distance.resize(count[n]);
  tbb::parallel_for(0, n, [&](int i) {
    std::vector<std::pair<double, std::int32_t>> found;
    found.reserve(static_cast<std::size_t>(nl.offset[i + 1] - nl.offset[i]));
    visit.template operator()<true>(i, [&](int j, double d) { found.emplace_back(d, j); });
    std::sort(found.begin(), found.end());
    for (std::size_t k = 0; k < found.size(); ++k) {
      nl.index[nl.offset[i] + k] = found[k].second;
      nl.distance[nl.offset[i] + k] = found[k].first;
    }
  });
  // Reverse positions: lists are symmetric (same radius within a phase), so (j -> i) exists.
  // Each pair is searched once, by its lower id, which sets both directions (no other task
  // writes (j -> i): j's task only handles j's entries to higher ids).
  nl.reverse.resize(count[n]);
  tbb::parallel_for(0, n, [&](int i) {
    for (auto e = nl.offset[i]; e < nl.offset[i + 1]; ++e) {
      const int j = nl.index[e];
      if (j < i) continue;
      const double d = nl.distance[e];
      auto lo = std::lower_bound(nl.distance.begin() + nl.offset[j], nl.distance.begin() + nl.offset[j + 1], d);
      auto pos = lo - nl.distance.begin();
      while (nl.index[pos] != i) ++pos;  // equal distances: scan the short run of ties
      nl.reverse[e] = static_cast<std::int32_t>(pos);
      nl.reverse[pos] = static_cast<std::int32_t>(e);
    }
  });
  return nl;
}

}  // namespace schoolsim
