#pragma once
// The calibration check: run the scenarios every target names (replicates with common
// random numbers) and judge each target's statistic against its value.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/experiment/runs.hpp"
#include "sim/calibration/statistics.hpp"
#include "sim/calibration/targets.hpp"

namespace schoolsim::calibration {

struct CheckReport {
  std::filesystem::path targets_file;
  std::filesystem::path scenario_dir;
  int replicates = 0;
  std::vector<std::string> overrides;  ///< applied to every scenario, in order
  std::vector<TargetResult> results;   ///< in the targets file's order
  double seconds = 0;                  ///< wall time of the runs
  int passed() const;
};

/// The scenario folder used when none is given: the folder holding the targets file's
/// folder if it has baseline.yaml (scenarios/targets/x.yaml -> scenarios/), else ./scenarios.
std::filesystem::path default_scenario_dir(const std::filesystem::path& targets_file);

/// The overrides of a check: the targets file's world section, then `world_sets`, then `sets`.
std::vector<std::string> check_overrides(const TargetFile& targets, const std::vector<std::string>& world_sets,
                                         const std::vector<std::string>& sets);

/// Runs every target of `targets` for `replicates` replicates with the scenarios of
/// `library` (worlds from `worlds`). Throws config::ConfigError for bad scenarios or roles.
CheckReport run_check(const TargetFile& targets, ScenarioLibrary& library, WorldCache& worlds, int replicates);

}  // namespace schoolsim::calibration
