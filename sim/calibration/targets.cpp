#include "sim/calibration/targets.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sim/calibration/statistics.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/config/yaml_parse_error.hpp"
#include "sim/config/bounded_read.hpp"

namespace schoolsim::calibration {
namespace {

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string where(const std::string& source, const YAML::Mark& m) {
  if (m.line < 0) return source;
  return source + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

/// Parses a YAML scalar as a real number (false for text such as ">= 0.9").
bool as_number(const YAML::Node& n, double& out) {
  if (!n.IsScalar()) return false;
  try {
    out = n.as<double>();
    return std::isfinite(out);
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::string scalar_text(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

const std::vector<std::string>& entry_keys() {
  static const std::vector<std::string> keys = {"id",        "source", "scenario", "statistic", "value",
                                                "tolerance", "note",   "weight",   "scenarios"};
  return keys;
}

std::string did_you_mean(const std::string& key, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, key.size() / 4) + 1;
  for (const auto& k : known) {
    const std::size_t d = config::edit_distance(key, k);
    if (d < best_d) best_d = d, best = k;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

TargetFile parse(const YAML::Node& doc, const std::string& source) {
  std::vector<std::string> problems;
  auto problem = [&](const YAML::Mark& m, const std::string& key, const std::string& what) {
    problems.push_back(where(source, m) + ": " + (key.empty() ? "" : key + ": ") + what);
  };
  TargetFile file;
  file.path = source;
  if (!doc.IsMap()) {
    problem(doc.Mark(), "", "expected a mapping with a 'targets' list");
    throw config::ConfigError(problems);
  }
  for (const auto& kv : doc) {
    const std::string key = kv.first.Scalar();
    if (key == "world") {
      if (!kv.second.IsMap()) {
        problem(kv.second.Mark(), "world", "expected a mapping of world parameters");
        continue;
      }
      for (const auto& w : kv.second) {
        const std::string assignment = "world." + w.first.Scalar() + "=" + YAML::Dump(w.second);
        // Checked here against the scenario parameters, so a typo names the targets file.
        try {
          auto s = default_scenario();
          config::apply_override(s, assignment);
          file.world_overrides.push_back(assignment);
        } catch (const config::ConfigError& e) {
          // "--set 'world.x=1': world.x: what" -> "file:line:col: world.x: what"
          for (const auto& p : e.problems()) {
            const auto cut = p.find("': ");
            problems.push_back(where(source, w.first.Mark()) + ": " +
                               (cut == std::string::npos ? p : p.substr(cut + 3)));
          }
        }
      }
    } else if (key != "targets") {
      problem(kv.first.Mark(), key, "unknown key" + did_you_mean(key, {"world", "targets"}));
    }
  }
  const YAML::Node list = doc["targets"];
  if (!list) {
    problem(doc.Mark(), "targets", "missing (a list of targets)");
    throw config::ConfigError(problems);
  }
  if (!list.IsSequence()) {
    problem(list.Mark(), "targets", "expected a list");
    throw config::ConfigError(problems);
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node e = list[i];
    const std::string prefix = "targets[" + std::to_string(i) + "]";
    if (!e.IsMap()) {
      problem(e.Mark(), prefix, "expected a mapping with id, value, ...");
      continue;
    }
    TargetSpec t;
    t.where = where(source, e.Mark());
    for (const auto& kv : e) {
      const std::string key = kv.first.Scalar();
      if (std::find(entry_keys().begin(), entry_keys().end(), key) == entry_keys().end())
        problem(kv.first.Mark(), prefix + "." + key, "unknown key" + did_you_mean(key, entry_keys()));
    }
    const YAML::Node id = e["id"];
    if (!id || !id.IsScalar() || id.Scalar().empty()) {
      problem(e.Mark(), prefix + ".id", "missing (every target needs an id)");
      continue;
    }
    t.id = id.Scalar();
    if (const std::string why = config::control_character_problem(t.id); !why.empty()) {
      problem(id.Mark(), prefix + ".id", why);
      continue;
    }
    const std::string named = prefix + " (" + t.id + ")";
    if (!is_known_statistic(t.id)) {
      std::string known;
      for (const auto& k : known_statistics()) known += (known.empty() ? "" : ", ") + k;
      problem(id.Mark(), prefix + ".id",
              "unknown target '" + t.id + "'" + did_you_mean(t.id, known_statistics()) + "; known targets: " + known);
      continue;
    }
    if (!seen.insert(t.id).second) problem(id.Mark(), prefix + ".id", "duplicate target '" + t.id + "'");
    t.source = scalar_text(e["source"]);
    t.scenario_text = scalar_text(e["scenario"]);
    t.statistic_text = scalar_text(e["statistic"]);
    t.note = scalar_text(e["note"]);
    for (const char* key : {"source", "scenario", "statistic", "note"})
      if (const std::string why = config::control_character_problem(scalar_text(e[key]), std::string(key) == "note");
          !why.empty())
        problem(e[key].Mark(), named + "." + key, why);
    const YAML::Node value = e["value"];
    if (!value || !value.IsScalar()) {
      problem(value ? value.Mark() : e.Mark(), named + ".value", "missing (a number, or a rule such as \">= 0.9\")");
      continue;
    }
    t.value_text = value.Scalar();
    t.value_is_number = as_number(value, t.value);
    if (const YAML::Node tol = e["tolerance"]) {
      if (!as_number(tol, t.tolerance) || t.tolerance < 0)
        problem(tol.Mark(), named + ".tolerance", "expected a number >= 0, got '" + scalar_text(tol) + "'");
      else
        t.has_tolerance = true;
    }
    if (const YAML::Node w = e["weight"]) {
      if (!as_number(w, t.weight) || t.weight < 0)
        problem(w.Mark(), named + ".weight", "expected a number >= 0, got '" + scalar_text(w) + "'");
    }
    if (const YAML::Node sc = e["scenarios"]) {
      if (!sc.IsMap()) {
        problem(sc.Mark(), named + ".scenarios", "expected a mapping of roles to scenario names");
      } else {
        const auto roles = statistic_roles(t.id);
        for (const auto& kv : sc) {
          const std::string role = kv.first.Scalar();
          if (!roles.count(role)) {
            std::string known;
            for (const auto& [r, _] : roles) known += (known.empty() ? "" : ", ") + r;
            problem(kv.first.Mark(), named + ".scenarios." + role,
                    "unknown role (roles of " + t.id + ": " + known + ")");
          } else if (!kv.second.IsScalar() || kv.second.Scalar().empty()) {
            problem(kv.second.Mark(), named + ".scenarios." + role, "expected a scenario name or .yaml path");
          } else {
            t.scenarios[role] = kv.second.Scalar();
          }
        }
      }
    }
    // Each statistic checks its own value forms now, so a bad value fails before any run.
    try {
      check_criterion(t);
    } catch (const config::ConfigError& err) {
      problem(value.Mark(), named + ".value", err.problems().empty() ? err.what() : err.problems().front());
    }
    file.targets.push_back(t);
  }
  if (!problems.empty()) throw config::ConfigError(problems);
  if (file.targets.empty()) throw config::ConfigError({source + ": targets: the list is empty"});
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
    case Kind::Near: return format_number(a) + " +- " + format_number(b);
    case Kind::AtLeast: return ">= " + format_number(a);
    case Kind::AtMost: return "<= " + format_number(a);
    case Kind::Above: return "> " + format_number(a);
    case Kind::Below: return "< " + format_number(a);
    case Kind::Between:
      return (strict ? "in (" : "in [") + format_number(a) + ", " + format_number(b) + (strict ? ")" : "]");
  }
  return "";
}

TargetFile load_targets(const std::filesystem::path& path) {
  // Regular files only, bounded: a missing file, a folder, a FIFO or a device is refused.
  io::BoundedRead read = io::read_bounded(path, io::kMaxYamlBytes);
  if (!read.problem.empty()) throw config::ConfigError({path.string() + ": " + read.problem});
  TargetFile f = load_targets_text(read.bytes, path.string());
  f.path = path;
  return f;
}

TargetFile load_targets_text(const std::string& yaml, const std::string& source) {
  YAML::Node doc;
  try {
    doc = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw config::ConfigError({where(source, e.mark) + ": malformed YAML: " + config::yaml_parse_problem(e)});
  }
  return parse(doc, source);
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
    if (!t.has_tolerance) throw config::ConfigError({t.where + ": " + t.id + ": a numeric value needs a tolerance"});
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
  throw config::ConfigError({t.where + ": " + t.id +
                             ": expected a number with a tolerance, or \">= x\", \"<= x\", "
                             "\"> x\", \"< x\" or \"between x and y\"; got '" +
                             t.value_text + "'"});
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
