#include "sim/calibration/check.hpp"

#include <chrono>
#include <cmath>
#include <memory>

namespace schoolsim::calibration {

int CheckReport::passed() const {
  int n = 0;
  for (const auto& r : results) n += r.pass ? 1 : 0;
  return n;
}

std::filesystem::path default_scenario_dir(const std::filesystem::path& targets_file) {
  const auto parent = targets_file.parent_path().parent_path();
  if (!targets_file.parent_path().empty() && std::filesystem::exists(parent / "baseline.yaml")) return parent;
  return "scenarios";
}

std::vector<std::string> check_overrides(const TargetFile& targets, const std::vector<std::string>& world_sets,
                                         const std::vector<std::string>& sets) {
  std::vector<std::string> out = targets.world_overrides;
  out.insert(out.end(), world_sets.begin(), world_sets.end());
  out.insert(out.end(), sets.begin(), sets.end());
  return out;
}

CheckReport run_check(const TargetFile& targets, ScenarioLibrary& library, WorldCache& worlds, int replicates) {
  const auto t0 = std::chrono::steady_clock::now();
  CheckReport report;
  report.targets_file = targets.path;
  report.scenario_dir = library.dir();
  report.replicates = replicates;
  report.overrides = library.overrides();
  std::vector<std::unique_ptr<Statistic>> stats;
  std::vector<Roles> roles;
  RunPlan plan;
  for (const auto& t : targets.targets) {
    roles.push_back(target_roles(t));
    stats.push_back(make_statistic(t));
    stats.back()->plan(roles.back(), library, plan);
  }
  // rows[target][replicate]: each replicate writes only its own slots.
  std::vector<std::vector<std::vector<double>>> rows(stats.size(), std::vector<std::vector<double>>(replicates));
  plan.run(library, worlds, replicates, [&](int r, const TraceSet& traces) {
    for (std::size_t k = 0; k < stats.size(); ++k) rows[k][r] = stats[k]->replicate(roles[k], traces);
  });
  for (std::size_t k = 0; k < stats.size(); ++k) {
    TargetResult res;
    res.spec = targets.targets[k];
    res.roles = roles[k];
    res.criterion = target_criterion(res.spec);
    stats[k]->summarise(rows[k], res);
    const bool conditions = stats[k]->conditions_hold();
    res.pass = res.criterion.passes(res.value) && conditions;
    const double scale = res.spec.has_tolerance && res.spec.tolerance > 0 ? res.spec.tolerance : 0.1;
    res.discrepancy = res.criterion.discrepancy(res.value, scale);
    if (!conditions)
      res.discrepancy = std::copysign(std::abs(res.discrepancy) + 1.0, res.discrepancy == 0 ? -1.0 : res.discrepancy);
    report.results.push_back(std::move(res));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace schoolsim::calibration
