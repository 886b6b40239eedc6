#pragma once
// Calibration targets: the YAML file of shared/targets/stylised_facts.yaml (a `world:`
// section and a `targets:` list), parsed with yaml-cpp into plain structs. Each target's
// `id` names one implemented statistic (sim/calibration/statistics.hpp); its `value`
// (and `tolerance`) become a pass rule, a Criterion. Problems are reported as
// "file:line:col: targets[i].key: what" (ConfigError, exit status 2 in the CLI).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/config/problem.hpp"

namespace schoolsim::calibration {

/// A pass rule for a number.
struct Criterion {
  enum class Kind { Near, AtLeast, AtMost, Above, Below, Between };
  Kind kind = Kind::Near;
  double a = 0;         ///< Near: the target value; bounds: the bound; Between: the lower bound
  double b = 0;         ///< Near: the tolerance; Between: the upper bound
  bool strict = false;  ///< Between: open interval

  bool passes(double v) const;
  /// Standardised distance to the rule (0 when it passes, for bounds): Near (v - a) / b;
  /// a violated bound (v - bound) / scale; used by the calibration search.
  double discrepancy(double v, double scale) const;
  /// "2.26 +- 0.25", ">= 0.9", "in (0.1, 0.9)".
  std::string describe() const;
};

/// One entry of the `targets:` list.
struct TargetSpec {
  std::string id;
  std::string source, scenario_text, statistic_text, note;
  std::string value_text;  ///< `value` as written
  bool value_is_number = false;
  double value = 0;  ///< when value_is_number
  bool has_tolerance = false;
  double tolerance = 0;
  double weight = 1.0;  ///< weight in the calibration distance (extension key `weight`)
  /// Extension key `scenarios`: role -> scenario name (a file in the scenario folder without
  /// .yaml) or a path to a .yaml file (relative to the targets file's folder).
  std::map<std::string, std::string> scenarios;
  config::Location where;  ///< the entry in its file, for messages
};

struct TargetFile {
  std::filesystem::path path;
  /// The `world:` section as `--set` assignments ("world.n_primary=16764"), in file order.
  std::vector<std::string> world_overrides;
  std::vector<TargetSpec> targets;
};

/// Reads and checks a targets file: unknown keys, missing `id`/`value`, unknown ids, wrong
/// types and duplicate ids are errors (config::ConfigError listing every problem).
TargetFile load_targets(const std::filesystem::path& path);
/// The same for YAML text; `source` names it in messages.
TargetFile load_targets_text(const std::string& yaml, const std::string& source);

/// Keeps only the targets whose ids are listed (in file order); unknown ids are errors.
void select_targets(TargetFile& file, const std::vector<std::string>& ids);

/// The generic numeric rule of a target: `value` a number with `tolerance` (Near), or text
/// ">= x", "> x", "<= x", "< x", "between x and y" (Between, "strictly" makes it open).
/// Throws config::ConfigError naming the entry when the value has none of these forms.
Criterion numeric_criterion(const TargetSpec& t);

/// Finds "at least N%" (or "at least 0.N") in `text`: the share, or `fallback` if absent.
double share_at_least(const std::string& text, double fallback);
/// Finds "between A and B" in `text`; returns false if absent.
bool find_between(const std::string& text, double& lo, double& hi);

}  // namespace schoolsim::calibration
