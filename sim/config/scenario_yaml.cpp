// Loading scenario files: the file (through the YAML reader of sim/config/yaml_reader.hpp),
// its `extends:` chain, then the assignments of `--set` in order. The walk of a document
// against the parameter tables is sim/config/scenario_reader.cpp; the checks across fields
// are sim/config/scenario_checks.cpp; writing back is sim/config/scenario_writer.cpp.
#include "sim/config/scenario_yaml.hpp"

#include "sim/config/input_text.hpp"
#include "sim/config/scenario_reader.hpp"
#include "sim/config/yaml_reader.hpp"

namespace schoolsim::config {
namespace {

void apply_document(const YAML::Node& doc, Scenario& s, const std::string& source) {
  ScenarioWalker w(source);
  walk_scenario(doc, s, w);
  w.problems().throw_if_any();
}

void load_file_into(const std::filesystem::path& path, Scenario& s, int depth) {
  const std::string file = path.string();
  if (depth > 16) throw ConfigError({Problem{{file}, "", "'extends' chain deeper than 16 files (a cycle?)", ""}});
  const YAML::Node doc = parse_yaml(read_yaml_file_text(path), file);
  // An empty file is more often a failed copy or save than a wish for every default.
  if (doc.IsNull())
    throw ConfigError({Problem{{file}, "", "the file is empty (for a scenario with every default, write {})", ""}});
  if (doc.IsMap() && doc["extends"]) {
    const YAML::Node base = doc["extends"];
    const std::string why = !base.IsScalar()        ? "expected a file path, got " + describe_node(base)
                            : base.Scalar().empty() ? std::string("expected a file path, got an empty text")
                                                    : control_character_problem(base.Scalar());
    if (!why.empty()) throw ConfigError({Problem{location_of(file, base.Mark()), "extends", why, ""}});
    load_file_into(path.parent_path() / base.Scalar(), s, depth + 1);
  }
  apply_document(doc, s, file);
}

void apply_all(Scenario& s, const std::vector<Assignment>& assignments) {
  std::vector<Problem> problems;
  for (const auto& a : assignments) {
    const auto more = assignment_problems(s, a);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  if (!problems.empty()) throw ConfigError(problems);
}

/// Parses and applies each `--set` text in order, listing the problems of all of them.
void apply_texts(Scenario& s, const std::vector<std::string>& overrides) {
  std::vector<Problem> problems;
  for (const auto& text : overrides) {
    try {
      const auto more = assignment_problems(s, parse_assignment(text));
      problems.insert(problems.end(), more.begin(), more.end());
    } catch (const ConfigError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
}

}  // namespace

void apply_override(Scenario& s, const std::string& assignment) { apply_assignment(s, parse_assignment(assignment)); }

Scenario load_scenario_file(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  Scenario s = read_scenario_file(path);
  apply_texts(s, overrides);
  validate(s, path.string());
  return s;
}

Scenario load_scenario_file(const std::filesystem::path& path, const std::vector<Assignment>& assignments) {
  Scenario s = read_scenario_file(path);
  apply_all(s, assignments);
  validate(s, path.string());
  return s;
}

Scenario read_scenario_file(const std::filesystem::path& path) {
  Scenario s = default_scenario();
  load_file_into(path, s, 0);
  return s;
}

Scenario load_scenario_text(const std::string& yaml, const std::string& source,
                            const std::vector<std::string>& overrides) {
  Scenario s = default_scenario();
  apply_document(parse_yaml(yaml, source), s, source);
  apply_texts(s, overrides);
  validate(s, source);
  return s;
}

}  // namespace schoolsim::config
