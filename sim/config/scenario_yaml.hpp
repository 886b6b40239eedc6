#pragma once
// Loading scenarios from YAML: every key is checked against the parameter table; unknown
// keys, wrong types and out-of-range values are errors naming file, line, column and key.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace schoolsim::config {

/// An input error: the message holds one line per problem ("file:line:col: key: what").
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::vector<std::string>& problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// Loads a scenario file over the defaults, follows `extends:` (a path relative to the file),
/// applies `--set key.path=value` overrides in order, and validates the result.
Scenario load_scenario_file(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

/// The same for YAML text; `source` names it in error messages.
Scenario load_scenario_text(const std::string& yaml, const std::string& source,
                            const std::vector<std::string>& overrides = {});

/// Applies one "key.path=value" assignment (value in YAML syntax) to `scenario`.
/// Throws ConfigError for an unknown key, a wrong type or an out-of-range value.
void apply_override(Scenario& scenario, const std::string& assignment);

/// Cross-field checks (grade shares sum to 1, regions exist, programme terms ordered, ...).
/// Throws ConfigError listing every problem.
void validate(const Scenario& scenario, const std::string& source = "scenario");

/// The fully resolved scenario (every parameter, defaults included) as YAML that loads back
/// to the same scenario.
std::string to_yaml(const Scenario& scenario);

/// Every parameter as a Markdown table (docs/parameters.md is this output).
std::string parameters_markdown();

/// Levenshtein edit distance, used for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace schoolsim::config
