#include "sim/capacity/capacity.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "models/metrics.hpp"
#include "models/partnerships.hpp"

namespace schoolsim::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Accumulates one group's counts and supporter numbers.
struct Tally {
  std::int64_t schools = 0, high = 0, need = 0, none = 0;
  std::vector<double> supporters;

  CapacitySummary summary() const {
    CapacitySummary s;
    s.schools = schools;
    s.high_performing = high;
    s.in_need = need;
    s.without_supporter = none;
    s.ratio = need > 0 ? static_cast<double>(high) / static_cast<double>(need) : kNaN;
    s.median_supporters = supporters.empty() ? kNaN : metrics::quantile(supporters, 0.5);
    return s;
  }
};

using PhaseTallies = std::array<Tally, kPhases + 1>;

PhaseSummaries summarise(const PhaseTallies& t) {
  PhaseSummaries out;
  for (std::size_t k = 0; k < t.size(); ++k) out[k] = t[k].summary();
  return out;
}

}  // namespace

std::int64_t CapacityResult::pairs() const {
  std::int64_t n = 0;
  for (const auto& s : schools_in_need) n += static_cast<std::int64_t>(s.supporters.size());
  return n;
}

CapacityResult analyse_capacity(const Scenario& s, const World& w, const State& st, const CapacityOptions& options) {
  const auto& nl = w.neighbours;
  for (int p = 0; p < kPhases; ++p)
    if (options.radius[p] > nl.radius[p] || options.radius[p] < 0)
      throw std::invalid_argument("capacity analysis radius " + std::to_string(options.radius[p]) +
                                  " km is outside the world's neighbour lists (0.." + std::to_string(nl.radius[p]) +
                                  " km)");
  SupportRoles roles = support_roles(s, w, st);
  CapacityResult r;
  r.options = options;
  r.high_performing = std::move(roles.can_support);
  r.in_need = std::move(roles.needs_support);
  // Regions: the register's region of each LA.
  std::vector<int> region_of(static_cast<std::size_t>(w.n_las), -1);
  if (w.labels) {
    std::map<std::string, int> index;
    for (const auto& name : w.labels->la_region)
      if (!name.empty()) index.emplace(name, 0);
    for (auto& [name, k] : index) k = static_cast<int>(r.regions.size()), r.regions.push_back(name);
    for (int l = 0; l < w.n_las && l < static_cast<int>(w.labels->la_region.size()); ++l)
      if (!w.labels->la_region[l].empty()) region_of[l] = index[w.labels->la_region[l]];
  }
  std::vector<PhaseTallies> la(static_cast<std::size_t>(w.n_las)), region(r.regions.size());
  PhaseTallies national;
  auto each = [&](int i, auto&& f) {
    const int ph = w.phase[i];
    for (PhaseTallies* t : {&la[w.la[i]], &national, region_of[w.la[i]] >= 0 ? &region[region_of[w.la[i]]] : nullptr})
      if (t) f((*t)[ph]), f((*t)[kPhases]);
  };
  for (int i = 0; i < w.n; ++i) {
    each(i, [&](Tally& t) {
      ++t.schools;
      t.high += r.high_performing[i];
    });
    if (!r.in_need[i]) continue;
    SchoolInNeed entry;
    entry.school = i;
    const auto end = nl.end_within(i, options.radius[w.phase[i]]);
    for (auto e = nl.begin(i); e < end; ++e) {
      const int j = nl.index[e];
      if (!r.high_performing[j] || (options.same_la && w.la[j] != w.la[i])) continue;
      entry.supporters.push_back(j);
      entry.distance.push_back(nl.distance[e]);
    }
    const auto count = static_cast<double>(entry.supporters.size());
    each(i, [&](Tally& t) {
      ++t.need;
      t.none += entry.supporters.empty() ? 1 : 0;
      t.supporters.push_back(count);
    });
    r.schools_in_need.push_back(std::move(entry));
  }
  for (const auto& t : la) r.by_la.push_back(summarise(t));
  for (const auto& t : region) r.by_region.push_back(summarise(t));
  r.national = summarise(national);
  return r;
}

}  // namespace schoolsim::analysis
