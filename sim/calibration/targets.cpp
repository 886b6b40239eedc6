#include "sim/calibration/targets.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "sim/calibration/statistics.hpp"
#include "sim/config/assignment.hpp"
#include "sim/config/did_you_mean.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/numbers.hpp"
#include "sim/config/yaml_reader.hpp"

namespace schoolsim::calibration {
namespace {

using config::YamlProblems;

/// A number of a target (false for text such as ">= 0.9", and for .inf and .nan).
bool as_number(const YAML::Node& n, double& out) { return config::read_real(n, out) && std::isfinite(out); }

std::string scalar_text(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

const std::vector<std::string>& entry_keys() {
  static const std::vector<std::string> keys = {"id",        "source", "scenario", "statistic", "value",
                                                "tolerance", "note",   "weight",   "scenarios"};
  return keys;
}

/// The `world:` section: checked here against the scenario parameters (so a typo names the
/// targets file, at the key or its value), kept as `--set` assignments for the runs.
void parse_world(const YAML::Node& world, TargetFile& file, YamlProblems& p) {
  if (!world.IsMap()) return p.add(world.Mark(), "world", "expected a mapping of world parameters");
  for (const auto& a : config::assignments_of_mapping(world, "world", "", p)) {
    Scenario s = default_scenario();
    const auto problems = config::assignment_problems(s, a);
    if (problems.empty())
      file.world_overrides.push_back(config::assignment_text(a));
    else
      p.add_all(problems);
  }
}

void parse_scenarios(const YAML::Node& sc, TargetSpec& t, const std::string& named, YamlProblems& p) {
  if (!sc.IsMap()) return p.add(sc.Mark(), named + ".scenarios", "expected a mapping of roles to scenario names");
  const auto roles = statistic_roles(t.id);
  for (const auto& kv : sc) {
    const std::string role = kv.first.Scalar();
    if (!roles.count(role)) {
      std::string known;
      for (const auto& [r, _] : roles) known += (known.empty() ? "" : ", ") + r;
      p.add(kv.first.Mark(), named + ".scenarios." + role, "unknown role (roles of " + t.id + ": " + known + ")");
    } else if (!kv.second.IsScalar() || kv.second.Scalar().empty()) {
      p.add(kv.second.Mark(), named + ".scenarios." + role, "expected a scenario name or .yaml path");
    } else {
      t.scenarios[role] = kv.second.Scalar();
    }
  }
}

/// One entry of `targets:`; false when it is left out (no id, an unknown id, no value).
bool parse_target(const YAML::Node& e, const std::string& prefix, std::set<std::string>& seen, TargetSpec& t,
                  YamlProblems& p) {
  if (!e.IsMap()) {
    p.add(e.Mark(), prefix, "expected a mapping with id, value, ...");
    return false;
  }
  t.where = config::location_of(p.source(), e.Mark());
  for_each_key(e, prefix, entry_keys(), p, [](const config::MapEntry&) {});
  const YAML::Node id = e["id"];
  if (!id || !id.IsScalar() || id.Scalar().empty()) {
    p.add(e.Mark(), prefix + ".id", "missing (every target needs an id)");
    return false;
  }
  t.id = id.Scalar();
  if (const std::string why = config::control_character_problem(t.id); !why.empty()) {
    p.add(id.Mark(), prefix + ".id", why);
    return false;
  }
  const std::string named = prefix + " (" + t.id + ")";
  if (!is_known_statistic(t.id)) {
    std::string known;
    for (const auto& k : known_statistics()) known += (known.empty() ? "" : ", ") + k;
    p.add(
        id.Mark(), prefix + ".id",
        "unknown target '" + t.id + "'" + config::did_you_mean(t.id, known_statistics()) + "; known targets: " + known);
    return false;
  }
  if (!seen.insert(t.id).second) p.add(id.Mark(), prefix + ".id", "duplicate target '" + t.id + "'");
  t.source = scalar_text(e["source"]);
  t.scenario_text = scalar_text(e["scenario"]);
  t.statistic_text = scalar_text(e["statistic"]);
  t.note = scalar_text(e["note"]);
  for (const char* key : {"source", "scenario", "statistic", "note"})
    if (const std::string why = config::control_character_problem(scalar_text(e[key]), std::string(key) == "note");
        !why.empty())
      p.add(e[key].Mark(), named + "." + key, why);
  const YAML::Node value = e["value"];
  if (!value || !value.IsScalar()) {
    p.add(value ? value.Mark() : e.Mark(), named + ".value", "missing (a number, or a rule such as \">= 0.9\")");
    return false;
  }
  t.value_text = value.Scalar();
  t.value_is_number = as_number(value, t.value);
  if (const YAML::Node tol = e["tolerance"]) {
    if (!as_number(tol, t.tolerance) || t.tolerance < 0)
      p.add(tol.Mark(), named + ".tolerance", "expected a number >= 0, got '" + scalar_text(tol) + "'");
    else
      t.has_tolerance = true;
  }
  if (const YAML::Node w = e["weight"]) {
    if (!as_number(w, t.weight) || t.weight < 0)
      p.add(w.Mark(), named + ".weight", "expected a number >= 0, got '" + scalar_text(w) + "'");
  }
  if (const YAML::Node sc = e["scenarios"]) parse_scenarios(sc, t, named, p);
  // Each statistic checks its own value forms now, so a bad value fails before any run; its
  // problem is moved to the value (where) and the entry (key), its message kept.
  try {
    check_criterion(t);
  } catch (const config::ConfigError& err) {
    for (const auto& problem : err.problems()) p.add(value.Mark(), named + ".value", problem.message);
  }
  return true;
}

TargetFile parse(const YAML::Node& doc, const std::string& source) {
  YamlProblems p(source);
  TargetFile file;
  file.path = source;
  if (!doc.IsMap()) {
    p.add(doc.Mark(), "", "expected a mapping with a 'targets' list");
    p.throw_if_any();
  }
  for_each_key(doc, "", {"world", "targets"}, p, [&](const config::MapEntry& e) {
    if (e.name == "world") parse_world(e.value, file, p);
  });
  const YAML::Node list = doc["targets"];
  if (!list) {
    p.add(doc.Mark(), "targets", "missing (a list of targets)");
    p.throw_if_any();
  }
  if (!list.IsSequence()) {
    p.add(list.Mark(), "targets", "expected a list");
    p.throw_if_any();
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    TargetSpec t;
    if (parse_target(list[i], "targets[" + std::to_string(i) + "]", seen, t, p)) file.targets.push_back(t);
  }
  p.throw_if_any();
  if (file.targets.empty()) throw config::ConfigError({config::Problem{{source}, "targets", "the list is empty", ""}});
  return file;
}

}  // namespace

bool Criterion::passes(double v) const {
  if (!std::isfinite(v)) return false;
  switch (kind) {
    case Kind::Near: return std::abs(v - a) <= b + 1e-12;
    case Kind::AtLeast: return v >= a;
    case Kind::AtMost: return v <= a;
    case Kind::Above: return v > a;
    case Kind::Below: return v < a;
    case Kind::Between: return strict ? (v > a && v < b) : (v >= a && v <= b);
  }
  return false;
}

double Criterion::discrepancy(double v, double scale) const {
  if (!std::isfinite(v)) return 10.0;  // a statistic that could not be computed counts as far off
  scale = scale > 0 ? scale : 0.1;
  switch (kind) {
    case Kind::Near: return (v - a) / (b > 0 ? b : scale);
    case Kind::AtLeast:
    case Kind::Above: return v >= a ? 0.0 : (v - a) / scale;
    case Kind::AtMost:
    case Kind::Below: return v <= a ? 0.0 : (v - a) / scale;
    case Kind::Between: return v < a ? (v - a) / scale : v > b ? (v - b) / scale : 0.0;
  }
  return 0.0;
}

std::string Criterion::describe() const {
  switch (kind) {
    case Kind::Near: return config::format_number(a) + " +- " + config::format_number(b);
    case Kind::AtLeast: return ">= " + config::format_number(a);
    case Kind::AtMost: return "<= " + config::format_number(a);
    case Kind::Above: return "> " + config::format_number(a);
    case Kind::Below: return "< " + config::format_number(a);
    case Kind::Between:
      return (strict ? "in (" : "in [") + config::format_number(a) + ", " + config::format_number(b) +
             (strict ? ")" : "]");
  }
  return "";
}

TargetFile load_targets(const std::filesystem::path& path) {
  // Regular files only, bounded: a missing file, a folder, a FIFO or a device is refused.
  TargetFile f = load_targets_text(config::read_yaml_file_text(path), path.string());
  f.path = path;
  return f;
}

TargetFile load_targets_text(const std::string& yaml, const std::string& source) {
  return parse(config::parse_yaml(yaml, source), source);
}

void select_targets(TargetFile& file, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::vector<std::string> problems;
  for (const auto& id : ids)
    if (std::none_of(file.targets.begin(), file.targets.end(), [&](const TargetSpec& t) { return t.id == id; }))
      problems.push_back("--only: target '" + id + "' is not in " + file.path.string());
  if (!problems.empty()) throw config::ConfigError(problems);
  std::erase_if(file.targets,
                [&](const TargetSpec& t) { return std::find(ids.begin(), ids.end(), t.id) == ids.end(); });
}

Criterion numeric_criterion(const TargetSpec& t) {
  Criterion c;
  if (t.value_is_number) {
    if (!t.has_tolerance)
      throw config::ConfigError({config::Problem{t.where, t.id, "a numeric value needs a tolerance", ""}});
    c.kind = Criterion::Kind::Near;
    c.a = t.value;
    c.b = t.tolerance;
    return c;
  }
  static const std::regex bound(R"(^\s*(>=|<=|>|<)\s*([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)\s*$)");
  std::smatch m;
  if (std::regex_match(t.value_text, m, bound)) {
    const std::string op = m[1];
    c.a = std::stod(m[2]);
    c.kind = op == ">="   ? Criterion::Kind::AtLeast
             : op == "<=" ? Criterion::Kind::AtMost
             : op == ">"  ? Criterion::Kind::Above
                          : Criterion::Kind::Below;
    return c;
  }
  double lo = 0, hi = 0;
  if (find_between(t.value_text, lo, hi)) {
    c.kind = Criterion::Kind::Between;
    c.a = lo;
    c.b = hi;
    c.strict = t.value_text.find("strictly") != std::string::npos;
    return c;
  }
  throw config::ConfigError({config::Problem{t.where, t.id,
                                             "expected a number with a tolerance, or \">= x\", \"<= x\", "
                                             "\"> x\", \"< x\" or \"between x and y\"; got '" +
                                                 t.value_text + "'",
                                             ""}});
}

double share_at_least(const std::string& text, double fallback) {
  static const std::regex pct(R"(at least\s+([0-9]*\.?[0-9]+)\s*(%|per ?cent)?)");
  std::smatch m;
  if (!std::regex_search(text, m, pct)) return fallback;
  const double v = std::stod(m[1]);
  return m[2].matched ? v / 100.0 : v;
}

bool find_between(const std::string& text, double& lo, double& hi) {
  static const std::regex between(R"(between\s+([-+]?[0-9]*\.?[0-9]+)\s+and\s+([-+]?[0-9]*\.?[0-9]+))");
  std::smatch m;
  if (!std::regex_search(text, m, between)) return false;
  lo = std::stod(m[1]);
  hi = std::stod(m[2]);
  return true;
}

}  // namespace schoolsim::calibration
