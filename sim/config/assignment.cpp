#include "sim/config/assignment.hpp"

#include <sstream>

#include "sim/config/key_path.hpp"
#include "sim/config/param_table.hpp"
#include "sim/config/scenario_reader.hpp"

namespace schoolsim::config {
namespace {

std::vector<std::string> split_dots(const std::string& dotted) {
  std::vector<std::string> parts;
  std::stringstream ss(dotted);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  return parts;
}

/// {a: {b: {c: value}}} for "a.b.c", so an assignment is walked like a file and accepts
/// exactly what YAML does. Nodes are rebound with reset(): assigning to a node that shares
/// `value` would overwrite the assignment's own value.
YAML::Node nest(const std::string& dotted, const YAML::Node& value) {
  YAML::Node doc;
  doc.reset(value);
  const auto parts = split_dots(dotted);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    YAML::Node parent(YAML::NodeType::Map);
    parent[*it] = doc;
    doc.reset(parent);
  }
  return doc;
}

std::string joined(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

bool is_group(const std::string& prefix) {
  for (const auto& p : scenario_parameters())
    if (p.key.rfind(prefix + ".", 0) == 0) return true;
  return false;
}

void flatten(const YAML::Node& node, const std::string& prefix, const std::string& shown_prefix,
             const std::string& shown_group, std::vector<Assignment>& out, YamlProblems& p,
             const YAML::Mark& key_mark) {
  if (node.IsMap() && (prefix.empty() || is_group(prefix))) {
    for_each_key(node, joined(shown_prefix, shown_group), {}, p, [&](const MapEntry& e) {
      flatten(e.value, joined(prefix, e.name), shown_prefix, joined(shown_group, e.name), out, p, e.key_node.Mark());
    });
    return;
  }
  out.push_back({prefix, node, location_of(p.source(), key_mark), shown_prefix, true});
}

}  // namespace

Assignment parse_assignment(const std::string& text) {
  const std::string option = "--set '" + text + "'";
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError({Problem{{option}, "", "expected KEY.PATH=VALUE, e.g. brokering.slots_per_term=5", ""}});
  Assignment a;
  a.key = text.substr(0, eq);
  a.where = Location{option};
  KeyPath path;
  if (const std::string why = parse_key_path(a.key, path); !why.empty())
    throw ConfigError({Problem{a.where, "", why, ""}});
  a.value = parse_yaml(text.substr(eq + 1), option);
  return a;
}

std::vector<Assignment> parse_assignments(const std::vector<std::string>& texts) {
  std::vector<Assignment> out;
  std::vector<Problem> problems;
  for (const auto& t : texts) {
    try {
      out.push_back(parse_assignment(t));
    } catch (const ConfigError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
  return out;
}

std::vector<Assignment> assignments_of_mapping(const YAML::Node& map, const std::string& prefix,
                                               const std::string& shown_prefix, YamlProblems& p) {
  std::vector<Assignment> out;
  flatten(map, prefix, shown_prefix, prefix, out, p, map.Mark());
  return out;
}

std::vector<Problem> assignment_problems(Scenario& s, const Assignment& a) {
  ScenarioWalker w(a.where.file, a.in_file, a.where);
  KeyPath path;
  if (const std::string why = parse_key_path(a.key, path); !why.empty())
    return {Problem{a.where, joined(a.shown_prefix, a.key), why, ""}};
  if (!path.entry()) {
    walk_scenario(nest(a.key, a.value), s, w, a.shown_prefix);
    return w.problems().list();
  }
  // One field of one list entry: walked against the entry's table, named as written.
  EntryKey entry;
  if (const std::string why = resolve_entry(path, s, entry); !why.empty())
    return {Problem{a.where, joined(a.shown_prefix, a.key), why, ""}};
  walk_entry(nest(path.field, a.value), s, entry, w, joined(a.shown_prefix, path.list + "[" + path.selector + "]"));
  return w.problems().list();
}

void apply_assignment(Scenario& s, const Assignment& a) {
  const auto problems = assignment_problems(s, a);
  if (!problems.empty()) throw ConfigError(problems);
}

std::string assignment_text(const Assignment& a) {
  if (a.value.IsNull()) return a.key + "=null";
  YAML::Emitter e;
  e << YAML::Flow << a.value;
  return a.key + "=" + e.c_str();
}

}  // namespace schoolsim::config
