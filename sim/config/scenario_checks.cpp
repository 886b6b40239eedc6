// Cross-field checks of a whole scenario (after the file, `extends:` and every --set) and the
// warnings about what is valid but probably not meant.
#include <cmath>
#include <numeric>

#include "sim/config/numbers.hpp"
#include "sim/config/scenario_yaml.hpp"

namespace schoolsim::config {

void validate(const Scenario& s, const std::string& source) {
  std::vector<Problem> problems;
  auto problem = [&](const std::string& key, const std::string& what) {
    problems.push_back(Problem{{source}, key, what, ""});
  };
  if (s.world.n_primary + s.world.n_secondary < 1) problem("world.n_primary", "the world needs at least one school");
  if (s.world.urban_share_min > s.world.urban_share_max)
    problem("world.urban_share_min", "must not exceed world.urban_share_max");
  const double share_sum = std::accumulate(s.inspection.grade_shares.begin(), s.inspection.grade_shares.end(), 0.0);
  if (std::abs(share_sum - 1.0) > 1e-6)
    problem("inspection.grade_shares", "must sum to 1 (they sum to " + format_real(share_sum) + ")");
  // With a world file, LA indices are checked against the file's LAs when the world is
  // built (sim/io/world_builder.cpp), since world.n_las does not apply.
  const bool synthetic = s.world.file.empty();
  for (int la : s.brokering.las)
    if (synthetic && la >= s.world.n_las)
      problem("brokering.las",
              "LA " + std::to_string(la) + " does not exist (world.n_las = " + std::to_string(s.world.n_las) + ")");
  for (const auto& [name, rule] : s.world.region_rules) {
    if (s.world.regions.count(name)) problem("world.regions." + name, "defined both as a list and as a rule");
    if (synthetic && rule.kind == RegionRule::Kind::Nearest && rule.la >= s.world.n_las)
      problem("world.regions." + name + ".la", "LA " + std::to_string(rule.la) + " does not exist (world.n_las = " +
                                                   std::to_string(s.world.n_las) + ")");
  }
  for (const auto& [name, las] : s.world.regions) {
    if (las.empty()) problem("world.regions." + name, "a region needs at least one LA");
    for (int la : las)
      if (synthetic && la >= s.world.n_las)
        problem("world.regions." + name,
                "LA " + std::to_string(la) + " does not exist (world.n_las = " + std::to_string(s.world.n_las) + ")");
  }
  for (std::size_t i = 0; i < s.programmes.size(); ++i) {
    const auto& p = s.programmes[i];
    const std::string key = "programmes[" + std::to_string(i) + "]";
    if (p.end < p.start) problem(key + ".end", "must not be before start (" + std::to_string(p.start) + ")");
    if (p.close_at != 0 && (p.close_at <= p.start || p.close_at > p.end))
      problem(key + ".close_at", "must lie after start and no later than end (or be 0 for no early closure)");
    if (!p.region.empty() && !s.world.regions.count(p.region) && !s.world.region_rules.count(p.region))
      problem(key + ".region", "unknown region '" + p.region + "' (define it under world.regions)");
  }
  if (!problems.empty()) throw ConfigError(problems);
}

std::vector<std::string> warnings(const Scenario& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.programmes.size(); ++i) {
    const Programme& p = s.programmes[i];
    const std::string who = "programmes[" + std::to_string(i) + "] (" + p.name + "): ";
    if (p.start > s.run.terms)
      out.push_back(who + "starts in term " + std::to_string(p.start) + ", after the run's last term (run.terms = " +
                    std::to_string(s.run.terms) + "): it does nothing in this run");
    // The rule of models/funding.cpp programme_can_pay: a whole grant or nothing.
    if (p.grant_per_term <= 0 || p.budget < p.grant_per_term)
      out.push_back(who + "has no money (budget " + format_real(p.budget) + ", grant_per_term " +
                    format_real(p.grant_per_term) + "): without a whole grant a programme does nothing (MODEL.md 7.1)");
  }
  return out;
}

}  // namespace schoolsim::config
