#pragma once
// Assignments "key.path = value" to a scenario, from any front: `--set key=value` (the text is
// parsed once), a sweep's `set:` block and a targets file's `world:` section (the value nodes
// of the file, with their lines and columns). They are applied as YAML nodes, never turned
// back into text to be parsed again.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sim/config/problem.hpp"
#include "sim/config/yaml_reader.hpp"
#include "sim/core/scenario.hpp"

namespace schoolsim::config {

struct Assignment {
  std::string key;           ///< key path as written: "run.terms", "programmes[city_challenge].budget"
  YAML::Node value;          ///< the value, parsed once
  Location where;            ///< the key in its file, or the option ("--set 'run.terms=3'")
  std::string shown_prefix;  ///< before the key in messages: "set" for a sweep's `set:` block
  bool in_file = false;      ///< the value's marks are positions in where.file
};

/// Parses "key.path=value" (value in YAML syntax) from `--set`. Throws ConfigError
/// ("--set 'x': expected KEY.PATH=VALUE, ...", a malformed key or value).
Assignment parse_assignment(const std::string& text);
std::vector<Assignment> parse_assignments(const std::vector<std::string>& texts);

/// The assignments of a YAML mapping of scenario keys, with groups nested or dotted
/// ({world: {n_las: 3}, run.terms: 4}) into one assignment per parameter, in file order;
/// `prefix` is the group the mapping stands for ("world" for a targets file's `world:`),
/// `shown_prefix` what messages show before the keys ("set"). Key problems (not plain, merge
/// keys, duplicates) go to `p`.
std::vector<Assignment> assignments_of_mapping(const YAML::Node& map, const std::string& prefix,
                                               const std::string& shown_prefix, YamlProblems& p);

/// Applies `a` to `s`: the problems of an unknown key, a wrong type, an out-of-range value or
/// a list entry that does not exist, placed at the value (in a file) or at `a.where`.
std::vector<Problem> assignment_problems(Scenario& s, const Assignment& a);
/// The same; throws ConfigError with the problems.
void apply_assignment(Scenario& s, const Assignment& a);

/// "key=value" with the value as one line of YAML: what `--set` would take.
std::string assignment_text(const Assignment& a);

}  // namespace schoolsim::config
