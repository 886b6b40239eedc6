#pragma once
// Walking a YAML node against the parameter tables into a Scenario: unknown keys (with a
// suggestion), wrong types, out-of-range values and count limits are problems naming the
// key. Used by scenario files (sim/config/scenario_yaml.cpp) and by assignments
// (`--set`, a sweep's `set:`, a targets file's `world:`; sim/config/assignment.cpp).
#include <yaml-cpp/yaml.h>

#include <string>

#include "sim/config/key_path.hpp"
#include "sim/config/yaml_reader.hpp"
#include "sim/core/scenario.hpp"

namespace schoolsim::config {

/// The problems of one walk and how they are placed: at the mark of the node at fault when
/// `node_marks` (a YAML file: the marks are positions in it), else at `fallback` (the text
/// of a --set option has no useful positions, a key built in code has no mark).
class ScenarioWalker {
 public:
  ScenarioWalker(std::string source, bool node_marks, Location fallback)
      : problems_(std::move(source)), node_marks_(node_marks), fallback_(std::move(fallback)) {}
  explicit ScenarioWalker(const std::string& source) : ScenarioWalker(source, true, Location{source}) {}

  void error(const YAML::Mark& mark, const std::string& key, const std::string& what,
             const std::string& suggestion = "") {
    problems_.add(node_marks_ && mark.line >= 0 ? location_of(problems_.source(), mark) : fallback_, key, what,
                  suggestion);
  }
  bool full() const { return problems_.full(); }
  const YamlProblems& problems() const { return problems_; }
  /// Counts the entries of an LA list; false (after reporting it once) beyond kMaxLaEntriesTotal.
  bool count_la_entries(const YAML::Node& list, const std::string& key);

 private:
  YamlProblems problems_;
  bool node_marks_;
  Location fallback_;
  std::size_t la_entries_ = 0;
  bool la_total_reported_ = false;
};

/// Applies a scenario mapping (`doc`: {brokering: {w_gap: 2}, ...}) to `s`; keys are shown
/// under `shown_prefix` ("set" for a sweep's `set:` block, "" for a scenario file). A null
/// document changes nothing; `extends:` is left to the file loader.
void walk_scenario(const YAML::Node& doc, Scenario& s, ScenarioWalker& w, const std::string& shown_prefix = "");

/// Applies `doc` ({budget: 5}) to the list entry `entry` of `s`, keys shown under `shown_prefix`
/// ("programmes[city_challenge]").
void walk_entry(const YAML::Node& doc, Scenario& s, const EntryKey& entry, ScenarioWalker& w,
                const std::string& shown_prefix);

}  // namespace schoolsim::config
