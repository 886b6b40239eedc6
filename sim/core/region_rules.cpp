#include "sim/core/region_rules.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/core/la_table.hpp"

namespace schoolsim {

std::vector<int> evaluate_region_rule(const RegionRule& rule, const World& w) {
  const std::vector<LaRow> table = la_table(w);
  std::vector<int> candidates;
  for (int la = 0; la < w.n_las; ++la)
    if (table[static_cast<std::size_t>(la)].schools > 0) candidates.push_back(la);
  std::vector<int> chosen;
  if (rule.kind == RegionRule::Kind::Nearest) {
    if (rule.la < 0 || rule.la >= w.n_las || table[static_cast<std::size_t>(rule.la)].schools == 0) return {};
    const LaRow& centre = table[static_cast<std::size_t>(rule.la)];
    const auto distance = [&](int la) {
      const LaRow& r = table[static_cast<std::size_t>(la)];
      return std::hypot(r.centre_x - centre.centre_x, r.centre_y - centre.centre_y);
    };
    std::stable_sort(candidates.begin(), candidates.end(), [&](int a, int b) { return distance(a) < distance(b); });
    const auto n = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(std::max(rule.count, 0)));
    chosen.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n));
  } else {
    std::stable_sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      return table[static_cast<std::size_t>(a)].mean_disadvantage >
             table[static_cast<std::size_t>(b)].mean_disadvantage;
    });
    const double share = (100.0 - rule.percentile) / 100.0;
    const auto n = std::min(candidates.size(),
                            std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(share * candidates.size()))));
    if (!candidates.empty()) chosen.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n));
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

Scenario with_region_rules_resolved(Scenario s, const World& w) {
  for (const auto& [name, rule] : s.world.region_rules) s.world.regions[name] = evaluate_region_rule(rule, w);
  return s;
}

}  // namespace schoolsim
