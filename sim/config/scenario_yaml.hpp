#pragma once
// Loading scenarios from YAML: every key is checked against the parameter table; unknown
// keys, wrong types and out-of-range values are errors naming file, line, column and key
// (config::ConfigError of sim/config/problem.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/assignment.hpp"
#include "sim/config/problem.hpp"
#include "sim/core/scenario.hpp"

namespace schoolsim::config {

/// Count limits, so the work of validating (and printing) a scenario is bounded well inside
/// the 8 MiB file limit: 200,000 aliases of one programme are a 1.4 MB file (docs/hardening.md
/// "Limits"). Real scenarios use a few programmes and England has 153 LAs.
inline constexpr std::size_t kMaxListEntries = 1000;       ///< programmes, funding.changes, practice.labour_changes
inline constexpr std::size_t kMaxRegions = 1000;           ///< names under world.regions
inline constexpr std::size_t kMaxLaListEntries = 10000;    ///< LA indices in brokering.las or one region
inline constexpr std::size_t kMaxLaEntriesTotal = 100000;  ///< LA indices in all lists of a scenario together

/// Loads a scenario file over the defaults, follows `extends:` (a path relative to the file),
/// applies `--set key.path=value` overrides in order, and validates the result.
Scenario load_scenario_file(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});
/// The same with assignments already parsed (a sweep's `set:` entries and its --set).
Scenario load_scenario_file(const std::filesystem::path& path, const std::vector<Assignment>& assignments);

/// The scenario of a file (defaults, `extends:` and the file) without overrides and not yet
/// validated: what `--set` assignments apply to.
Scenario read_scenario_file(const std::filesystem::path& path);

/// The same for YAML text; `source` names it in error messages.
Scenario load_scenario_text(const std::string& yaml, const std::string& source,
                            const std::vector<std::string>& overrides = {});

/// Applies one "key.path=value" assignment (value in YAML syntax) to `scenario`.
/// Throws ConfigError for an unknown key, a wrong type or an out-of-range value.
void apply_override(Scenario& scenario, const std::string& assignment);

/// Cross-field checks (grade shares sum to 1, regions exist, programme terms ordered, ...).
/// Throws ConfigError listing every problem.
void validate(const Scenario& scenario, const std::string& source = "scenario");

/// What is valid but probably not meant, one line each (no "warning:" prefix): a programme
/// that never starts within run.terms, or that has no money (budget below one grant, or a
/// grant of 0: it does nothing, MODEL.md 7.1). `schoolsim validate` and `run` print them.
std::vector<std::string> warnings(const Scenario& scenario);

/// The fully resolved scenario (every parameter, defaults included) as YAML that loads back
/// to the same scenario.
std::string to_yaml(const Scenario& scenario);

/// Every parameter as a Markdown table (docs/parameters.md is this output).
std::string parameters_markdown();

}  // namespace schoolsim::config
