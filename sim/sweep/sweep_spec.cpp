#include "sim/sweep/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "sim/config/input_text.hpp"
#include "sim/config/key_path.hpp"
#include "sim/config/param_table.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/config/yaml_parse_error.hpp"
#include "sim/config/bounded_read.hpp"
#include "sim/sweep/designs.hpp"
#include "sim/sweep/sobol.hpp"

namespace schoolsim::sweep {
namespace {

using config::ConfigError;
namespace fs = std::filesystem;

constexpr std::int64_t kMaxRuns = 2'000'000'000;  // run ids are int32 in the file
constexpr double kMaxSeed = 9.0e18;               // run.seed's range in the parameter table

/// Collects problems as "source:line:col: key: what".
class Problems {
 public:
  explicit Problems(std::string source) : source_(std::move(source)) {}
  void add(const YAML::Mark& mark, const std::string& key, const std::string& what) {
    if (list_.size() >= kMaxProblems) {  // a huge broken file: count the rest
      ++more_;
      return;
    }
    std::string where = source_;
    if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    list_.push_back(where + ": " + (key.empty() ? "" : key + ": ") + what);
  }
  void add_raw(const std::string& line) { list_.push_back(line); }
  bool empty() const { return list_.empty(); }
  void throw_if_any() const {
    if (list_.empty()) return;
    std::vector<std::string> out = list_;
    if (more_) out.push_back(source_ + ": ... and " + std::to_string(more_) + " more problems");
    throw ConfigError(out);
  }
  const std::string& source() const { return source_; }

 private:
  static constexpr std::size_t kMaxProblems = 50;
  std::string source_;
  std::vector<std::string> list_;
  std::size_t more_ = 0;
};

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return "'" + config::shortened(n.Scalar()) + "'";
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string format_real(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  // YAML 1.1 readers (PyYAML) take a real only with a dot: "2e+07" would read back as text.
  if (s.find_first_of(".n") == std::string::npos) {
    const auto e = s.find_first_of("eE");
    s.insert(e == std::string::npos ? s.size() : e, ".0");
  }
  return s;
}

bool read_real(const YAML::Node& n, double& out) {
  if (!n.IsScalar()) return false;
  try {
    out = n.as<double>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return std::isfinite(out);
}

bool read_integer(const YAML::Node& n, long long& out) {
  if (!n.IsScalar()) return false;
  try {
    out = n.as<long long>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return true;
}

bool read_bool(const YAML::Node& n, bool& out) { return n.IsScalar() && YAML::convert<bool>::decode(n, out); }

/// "did you mean" among `known` (the one rule of sim/config/key_path.hpp).
std::string suggestion(const std::string& key, const std::vector<std::string>& known) {
  return config::did_you_mean(key, known);
}

/// Reads an integer option within [lo, hi].
bool integer_option(const YAML::Node& n, const std::string& key, long long lo, long long hi, std::int64_t& out,
                    Problems& p) {
  long long v = 0;
  const bool too_long = !read_integer(n, v) && n.IsScalar() && config::is_integer_literal(n.Scalar());
  if (!too_long && !read_integer(n, v)) {
    p.add(n.Mark(), key, "expected an integer, got " + describe(n));
    return false;
  }
  if (too_long || v < lo || v > hi) {
    p.add(n.Mark(), key,
          "value " + config::shortened(n.Scalar()) + " is out of range [" + std::to_string(lo) + ", " +
              std::to_string(hi) + "]");
    return false;
  }
  out = v;
  return true;
}

/// Iterates a mapping, reporting non-scalar and duplicate keys and keys not in `known`.
template <class F>
void for_each_key(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& known, Problems& p,
                  F&& f) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      p.add(kv.first.Mark(), prefix, "keys must be plain names");
      continue;
    }
    const std::string name = kv.first.Scalar();
    const std::string shown = prefix.empty() ? name : prefix + "." + name;
    if (name == "<<") {
      p.add(kv.first.Mark(), shown, config::merge_key_problem());
      continue;
    }
    if (!seen.insert(name).second) {
      p.add(kv.first.Mark(), shown, "duplicate key");
      continue;
    }
    if (!known.empty() && std::find(known.begin(), known.end(), name) == known.end()) {
      p.add(kv.first.Mark(), shown, "unknown key" + suggestion(name, known));
      continue;
    }
    f(name, shown, kv.first, kv.second);
  }
}

// ------------------------------------------------------------------------------ set:

struct Assignment {
  std::string key;
  std::string value;  ///< YAML text
  YAML::Mark mark;
};

bool is_group(const std::string& prefix) {
  for (const auto& p : config::scenario_parameters())
    if (p.key.rfind(prefix + ".", 0) == 0) return true;
  return false;
}

void flatten(const YAML::Node& node, const std::string& prefix, std::vector<Assignment>& out, Problems& p) {
  if (node.IsMap() && (prefix.empty() || is_group(prefix))) {
    for_each_key(node, prefix.empty() ? "set" : "set." + prefix, {}, p,
                 [&](const std::string& name, const std::string&, const YAML::Node&, const YAML::Node& value) {
                   flatten(value, prefix.empty() ? name : prefix + "." + name, out, p);
                 });
    return;
  }
  YAML::Emitter e;
  e << YAML::Flow << node;
  out.push_back({prefix, node.IsNull() ? std::string("null") : std::string(e.c_str()), node.Mark()});
}

/// Whether a `set:` key names a list entry ("programmes[0].budget"), which only the base
/// scenario's lists can check.
bool names_entry(const Assignment& a) { return a.key.find('[') != std::string::npos; }

/// Checks one `set:` entry by applying it to `scratch` (unknown key, type, range, entry),
/// reporting any problem at the entry's position in the sweep file.
void check_assignment(const Assignment& a, Scenario& scratch, Problems& p) {
  const std::string assignment = a.key + "=" + a.value;
  try {
    config::apply_override(scratch, assignment);
  } catch (const ConfigError& e) {
    static const std::regex position(R"(^(:\d+:\d+)?: )");
    const std::string prefix = "--set '" + assignment + "'";
    for (const auto& problem : e.problems()) {
      std::string rest = problem.rfind(prefix, 0) == 0 ? problem.substr(prefix.size()) : problem;
      rest = std::regex_replace(rest, position, "", std::regex_constants::format_first_only);
      p.add(a.mark, "set", rest);
    }
  }
}

// ------------------------------------------------------------------------------ parameters

/// Keys that cannot be swept, and why.
std::string refusal(const std::string& key) {
  if (key.rfind("world.", 0) == 0)
    return "world parameters cannot be swept: a sweep builds one world and shares it across every run "
           "(run one sweep per world, setting the world under 'set:')";
  if (key.rfind("run.", 0) == 0)
    return "run parameters cannot be swept: seeds and replicates are set by the sweep ('seed:', "
           "'replicates:') and every run has the same number of terms";
  if (key.rfind("output.", 0) == 0) return "output settings cannot be swept (set them under 'set:' or 'output:')";
  return "";
}

template <class Root>
bool numeric(const config::Param<Root>& p, ValueType& type) {
  if (std::holds_alternative<config::Ref<Root, double>>(p.ref)) return type = ValueType::Real, true;
  if (std::holds_alternative<config::Ref<Root, int>>(p.ref)) return type = ValueType::Int32, true;
  if (std::holds_alternative<config::Ref<Root, std::int64_t>>(p.ref)) return type = ValueType::Int64, true;
  return false;
}

template <class Root>
void assign_value(const config::Param<Root>& p, Root& root, double v) {
  if (const auto* r = std::get_if<config::Ref<Root, double>>(&p.ref)) (*r)(root) = v;
  if (const auto* r = std::get_if<config::Ref<Root, int>>(&p.ref)) (*r)(root) = static_cast<int>(std::llround(v));
  if (const auto* r = std::get_if<config::Ref<Root, std::int64_t>>(&p.ref))
    (*r)(root) = static_cast<std::int64_t>(std::llround(v));
}

std::vector<std::string> sweepable_keys() {
  std::vector<std::string> keys;
  ValueType t;
  for (const auto& p : config::scenario_parameters())
    if (numeric(p, t) && refusal(p.key).empty()) keys.push_back(p.key);
  for (const auto& p : config::programme_parameters())
    if (numeric(p, t)) keys.push_back("programmes[0]." + p.key);
  for (const auto& p : config::funding_change_parameters())
    if (numeric(p, t)) keys.push_back("funding.changes[0]." + p.key);
  for (const auto& p : config::labour_change_parameters())
    if (numeric(p, t)) keys.push_back("practice.labour_changes[0]." + p.key);
  return keys;
}

/// Fills the type, table range, units, doc and setter of a numeric parameter; false with
/// `error` set for one that is not a number.
template <class Root, class Entry>
bool numeric_parameter(const config::Param<Root>& param, const std::string& key, Entry entry, SweptParameter& out,
                       std::string& error) {
  if (!numeric(param, out.type)) {
    error = "only real and integer parameters can be swept (" + key + " is " + config::type_name(param) + ")";
    return false;
  }
  out.min = param.min, out.max = param.max, out.units = param.units, out.doc = param.doc;
  out.assign = [param, entry](Scenario& s, double v) { assign_value(param, entry(s), v); };
  return true;
}

/// Resolves a parameter key against the scenario tables (list entries by index or name, with
/// sim/config/key_path.hpp): fills type, table range, units and the setter; returns false with
/// `error` set when the key cannot be swept. The output variable names entries by index.
bool resolve_parameter(const std::string& key, const Scenario& base, SweptParameter& out, std::string& error) {
  out.key = key;
  out.variable = variable_name(key);
  config::KeyPath path;
  if (error = config::parse_key_path(key, path); !error.empty()) return false;
  if (path.entry()) {
    config::EntryKey entry;
    if (error = config::resolve_entry(path, base, entry, "the base scenario (after 'set:')"); !error.empty())
      return false;
    out.variable = variable_name(entry.canonical);
    const std::size_t i = entry.index;
    return std::visit(
        [&](const auto* param) {
          using Item = typename std::decay_t<decltype(*param)>::RootType;
          const auto item = [i](Scenario& s) -> Item& {
            if constexpr (std::is_same_v<Item, Programme>)
              return s.programmes[i];
            else if constexpr (std::is_same_v<Item, FundingChange>)
              return s.funding.changes[i];
            else
              return s.practice.labour_changes[i];
          };
          return numeric_parameter(*param, key, item, out, error);
        },
        entry.param);
  }
  const auto& table = config::scenario_parameters();
  const auto found = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.key == key; });
  if (found == table.end()) {
    error = "unknown parameter" + suggestion(key, sweepable_keys());
    return false;
  }
  if (const std::string why = refusal(key); !why.empty()) {
    error = why;
    return false;
  }
  return numeric_parameter(
      *found, key, [](Scenario& s) -> Scenario& { return s; }, out, error);
}

std::string range_text(double lo, double hi) {
  const auto f = [](double x) { return std::isinf(x) ? std::string(x < 0 ? "-inf" : "inf") : format_number(x); };
  return "[" + f(lo) + ", " + f(hi) + "]";
}

/// Reads one value of parameter `p` (table range in p.min/p.max), reporting problems.
bool parameter_value(const YAML::Node& n, const SweptParameter& p, double table_min, double table_max,
                     const std::string& key, Problems& problems, double& out) {
  if (p.integer()) {
    long long v = 0;
    if (!read_integer(n, v)) {
      problems.add(n.Mark(), key, "expected an integer (" + p.key + " is an integer parameter), got " + describe(n));
      return false;
    }
    out = static_cast<double>(v);
  } else if (!read_real(n, out)) {
    problems.add(n.Mark(), key, "expected a real number, got " + describe(n));
    return false;
  }
  if (out < table_min || out > table_max) {
    problems.add(n.Mark(), key,
                 "value " + config::shortened(n.Scalar()) + " is out of range " + range_text(table_min, table_max) +
                     " of " + p.key);
    return false;
  }
  return true;
}

/// Parses `parameters:` (every design but list).
void parse_parameters(const YAML::Node& node, const Scenario& base, DesignType design, SweepSpec& spec, Problems& p) {
  if (!node.IsMap())
    return p.add(node.Mark(), "parameters", "expected a mapping of parameter keys to ranges, got " + describe(node));
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      p.add(kv.first.Mark(), "parameters", "keys must be parameter names");
      continue;
    }
    const std::string key = kv.first.Scalar();
    const std::string shown = "parameters." + key;
    if (!seen.insert(key).second) {
      p.add(kv.first.Mark(), shown, "duplicate parameter");
      continue;
    }
    SweptParameter param;
    std::string error;
    if (!resolve_parameter(key, base, param, error)) {
      p.add(kv.first.Mark(), shown, error);
      continue;
    }
    if (const auto same = std::find_if(spec.parameters.begin(), spec.parameters.end(),
                                       [&](const SweptParameter& q) { return q.variable == param.variable; });
        same != spec.parameters.end()) {
      p.add(kv.first.Mark(), shown, "duplicate parameter (the same as parameters." + same->key + ")");
      continue;
    }
    const double table_min = param.min, table_max = param.max;
    const YAML::Node& range = kv.second;
    if (!range.IsMap()) {
      p.add(range.Mark(), shown,
            "expected a mapping such as {min: 1, max: 5} or {values: [1, 2, 4]}, got " + describe(range));
      continue;
    }
    bool has_min = false, has_max = false, ok = true;
    std::int64_t levels = 0;
    YAML::Mark levels_mark;
    for_each_key(range, shown, {"min", "max", "levels", "values"}, p,
                 [&](const std::string& name, const std::string& sub, const YAML::Node& k, const YAML::Node& v) {
                   if (name == "min")
                     ok &= has_min = parameter_value(v, param, table_min, table_max, sub, p, param.min);
                   if (name == "max")
                     ok &= has_max = parameter_value(v, param, table_min, table_max, sub, p, param.max);
                   if (name == "levels") {
                     levels_mark = k.Mark();
                     if (design != DesignType::Grid) {
                       p.add(k.Mark(), sub, "per-parameter levels are for grid designs (morris takes design.levels)");
                       ok = false;
                     } else {
                       ok &= integer_option(v, sub, 2, 100000, levels, p);
                     }
                   }
                   if (name == "values") {
                     if (design != DesignType::Grid) {
                       p.add(k.Mark(), sub,
                             "explicit values are for grid designs (use a list design for explicit points)");
                       ok = false;
                       return;
                     }
                     if (!v.IsSequence() || v.size() == 0) {
                       p.add(v.Mark(), sub, "expected a non-empty list of values, got " + describe(v));
                       ok = false;
                       return;
                     }
                     std::set<double> distinct;
                     for (const auto& item : v) {
                       double x = 0;
                       if (!parameter_value(item, param, table_min, table_max, sub, p, x)) {
                         ok = false;
                         continue;
                       }
                       if (!distinct.insert(x).second) {
                         p.add(item.Mark(), sub, "value " + item.Scalar() + " is listed twice");
                         ok = false;
                       }
                       param.values.push_back(x);
                     }
                   }
                 });
    if (!ok) continue;
    if (!param.values.empty()) {
      if (has_min || has_max || levels) {
        p.add(range.Mark(), shown, "give either values or min/max (with optional levels), not both");
        continue;
      }
      param.min = *std::min_element(param.values.begin(), param.values.end());
      param.max = *std::max_element(param.values.begin(), param.values.end());
      param.levels = 0;
    } else {
      if (!has_min || !has_max) {
        p.add(range.Mark(), shown,
              std::string("missing ") +
                  (has_min   ? "max"
                   : has_max ? "min"
                             : "min and max") +
                  (design == DesignType::Grid ? " (or give values)" : ""));
        continue;
      }
      if (!(param.min < param.max)) {
        p.add(range.Mark(), shown,
              "min (" + format_number(param.min) + ") must be below max (" + format_number(param.max) + ")");
        continue;
      }
      param.levels = static_cast<int>(levels);
      if (design == DesignType::Grid && param.levels == 0) param.levels = spec.design.levels;
      if (design == DesignType::Grid && param.integer()) {
        // Rounded levels must stay distinct.
        std::vector<double> rounded;
        for (int l = 0; l < param.levels; ++l)
          rounded.push_back(std::round(param.min + (param.max - param.min) * l / (param.levels - 1)));
        if (std::adjacent_find(rounded.begin(), rounded.end()) != rounded.end()) {
          p.add(levels ? levels_mark : range.Mark(), shown,
                std::to_string(param.levels) + " levels of an integer parameter over " +
                    range_text(param.min, param.max) + " repeat values after rounding; use at most " +
                    format_number(param.max - param.min + 1) + " levels or explicit values");
          continue;
        }
      }
      if (design == DesignType::Morris && param.integer() &&
          morris_delta(spec.design.levels) * (param.max - param.min) < 1.0) {
        p.add(range.Mark(), shown,
              "the Morris step (" + format_number(morris_delta(spec.design.levels)) +
                  " of the range) moves this integer parameter by less than 1; widen the range");
        continue;
      }
    }
    spec.parameters.push_back(std::move(param));
  }
}

/// Parses `design.points` of a list design; the parameters are the keys of the points.
void parse_points(const YAML::Node& node, const Scenario& base, SweepSpec& spec, Problems& p) {
  if (!node.IsSequence() || node.size() == 0)
    return p.add(node.Mark(), "design.points",
                 "expected a non-empty list of points (mappings of parameter keys to values), got " + describe(node));
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node& point = node[i];
    const std::string shown = "design.points[" + std::to_string(i) + "]";
    if (!point.IsMap()) {
      p.add(point.Mark(), shown, "expected a mapping of parameter keys to values, got " + describe(point));
      continue;
    }
    std::vector<double> values(spec.parameters.size(), std::numeric_limits<double>::quiet_NaN());
    std::set<std::string> seen;
    for (const auto& kv : point) {
      const std::string key = kv.first.Scalar();
      const std::string sub = shown + "." + key;
      if (!seen.insert(key).second) {
        p.add(kv.first.Mark(), sub, "duplicate key");
        continue;
      }
      auto col = column.find(key);
      if (col == column.end()) {
        if (i > 0) {
          p.add(kv.first.Mark(), sub, "not in the first point: every point must set the same parameters");
          continue;
        }
        SweptParameter param;
        std::string error;
        if (!resolve_parameter(key, base, param, error)) {
          p.add(kv.first.Mark(), sub, error);
          continue;
        }
        if (std::any_of(spec.parameters.begin(), spec.parameters.end(),
                        [&](const SweptParameter& q) { return q.variable == param.variable; })) {
          p.add(kv.first.Mark(), sub, "the same parameter as another key of this point");
          continue;
        }
        col = column.emplace(key, spec.parameters.size()).first;
        spec.parameters.push_back(std::move(param));
        values.push_back(std::numeric_limits<double>::quiet_NaN());
      }
      SweptParameter& param = spec.parameters[col->second];
      double x = 0;
      // Table range: kept in min/max until the points are read.
      if (parameter_value(kv.second, param, param.min, param.max, sub, p, x)) values[col->second] = x;
    }
    for (const auto& [key, c] : column)
      if (!seen.count(key))
        p.add(point.Mark(), shown, "missing parameter " + key + " (every point sets the same parameters)");
    spec.design.points.push_back(values);
  }
  if (!p.empty()) return;
  for (std::size_t c = 0; c < spec.parameters.size(); ++c) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& v : spec.design.points) lo = std::min(lo, v[c]), hi = std::max(hi, v[c]);
    spec.parameters[c].min = lo, spec.parameters[c].max = hi;
  }
}

void parse_design(const YAML::Node& node, SweepSpec& spec, Problems& p, YAML::Node& points) {
  static const std::map<std::string, DesignType> types = {{"grid", DesignType::Grid},
                                                          {"list", DesignType::List},
                                                          {"lhs", DesignType::Lhs},
                                                          {"sobol", DesignType::Sobol},
                                                          {"morris", DesignType::Morris}};
  std::vector<std::string> names;
  for (const auto& [name, t] : types) names.push_back(name);
  auto set_type = [&](const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar() || !types.count(n.Scalar())) {
      p.add(n.Mark(), key,
            "expected one of grid, list, lhs, sobol, morris, got " + describe(n) +
                (n.IsScalar() ? suggestion(n.Scalar(), names) : ""));
      return false;
    }
    spec.design.type = types.at(n.Scalar());
    return true;
  };
  YAML::Node options;
  if (node.IsScalar()) {
    if (!set_type(node, "design")) return;
  } else if (node.IsMap()) {
    if (!node["type"]) return p.add(node.Mark(), "design", "missing type (grid, list, lhs, sobol or morris)");
    if (!set_type(node["type"], "design.type")) return;
    options = node;
  } else {
    return p.add(node.Mark(), "design", "expected a design type or a mapping with a type, got " + describe(node));
  }
  const DesignType t = spec.design.type;
  spec.design.levels = t == DesignType::Morris ? 4 : t == DesignType::Grid ? 3 : 0;
  std::vector<std::string> known = {"type"};
  if (t == DesignType::Grid) known.insert(known.end(), {"levels"});
  if (t == DesignType::List) known.insert(known.end(), {"points"});
  if (t == DesignType::Lhs) known.insert(known.end(), {"n"});
  if (t == DesignType::Sobol) known.insert(known.end(), {"n", "scramble", "saltelli"});
  if (t == DesignType::Morris) known.insert(known.end(), {"trajectories", "levels"});
  bool has_n = false, has_r = false, has_points = false;
  if (options) {
    for_each_key(options, "design", known, p,
                 [&](const std::string& name, const std::string& key, const YAML::Node&, const YAML::Node& v) {
                   std::int64_t x = 0;
                   if (name == "levels" && integer_option(v, key, 2, 100000, x, p)) {
                     if (t == DesignType::Morris && x % 2 != 0)
                       p.add(v.Mark(), key, "Morris designs need an even number of levels");
                     spec.design.levels = static_cast<int>(x);
                   }
                   if (name == "n" && integer_option(v, key, 1, kMaxRuns, x, p)) spec.design.n = x, has_n = true;
                   if (name == "trajectories" && integer_option(v, key, 1, kMaxRuns, x, p))
                     spec.design.trajectories = x, has_r = true;
                   if (name == "scramble" && !read_bool(v, spec.design.scramble))
                     p.add(v.Mark(), key, "expected true or false, got " + describe(v));
                   if (name == "saltelli" && !read_bool(v, spec.design.saltelli))
                     p.add(v.Mark(), key, "expected true or false, got " + describe(v));
                   if (name == "points") points = v, has_points = true;
                 });
  }
  const YAML::Mark mark = node.Mark();
  if ((t == DesignType::Lhs || t == DesignType::Sobol) && !has_n && p.empty())
    p.add(mark, "design",
          std::string("a ") + to_string(t) + " design needs n (the number of " +
              (t == DesignType::Sobol ? "base points" : "points") + "), e.g. {type: " + to_string(t) + ", n: 64}");
  if (t == DesignType::Morris && !has_r && p.empty())
    p.add(mark, "design", "a morris design needs trajectories, e.g. {type: morris, trajectories: 10, levels: 4}");
  if (t == DesignType::List && !has_points && p.empty())
    p.add(mark, "design",
          "a list design needs points, e.g. points: [{brokering.slots_per_term: 2}, {brokering.slots_per_term: 5}]");
}

std::string read_text(const fs::path& path) {
  // Regular files only, bounded: a missing file, a folder, a FIFO or a device is refused.
  io::BoundedRead read = io::read_bounded(path, io::kMaxYamlBytes);
  if (!read.problem.empty()) throw ConfigError({path.string() + ": " + read.problem});
  std::string text = std::move(read.bytes);
  if (text.find('\0') != std::string::npos) throw ConfigError({path.string() + ": not a YAML text file (binary data)"});
  return text;
}

/// A value set (under `set:` or with --set) for a parameter the design varies would be
/// overwritten at every point, yet recorded in scenario_yaml/sweep_yaml as if it held.
void refuse_sets_of_swept_parameters(const SweepSpec& spec, const std::vector<Assignment>& assignments,
                                     const std::vector<std::string>& cli_sets, Problems& p) {
  const auto trimmed = [](std::string text) {
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  };
  const std::string where = spec.design.type == DesignType::List ? "design.points" : "parameters";
  // By name or by index, a key names the same entry: compare the variables (entries by index).
  const auto swept = [&](const std::string& key) {
    const std::string variable = variable_name(config::canonical_key(key, spec.base_scenario));
    return std::any_of(spec.parameters.begin(), spec.parameters.end(),
                       [&](const SweptParameter& q) { return q.variable == variable; });
  };
  for (const auto& a : assignments)
    if (swept(a.key))
      p.add(a.mark, "set." + a.key,
            "sets a parameter the sweep varies (" + where + "." + a.key +
                "); its value would be ignored: remove one of them");
  for (const auto& text : cli_sets) {
    const std::string key = trimmed(text.substr(0, text.find('=')));
    if (swept(key))
      p.add_raw("--set " + text + ": sets a parameter the sweep varies (" + where + "." + key + " in " + p.source() +
                "); its value would be ignored: remove the --set or the parameter");
  }
}

SweepSpec load(const std::string& text, const std::string& source, const fs::path& folder,
               const std::vector<std::string>& cli_sets) {
  SweepSpec spec;
  spec.source = source;
  Problems p(source);
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    p.add(e.mark, "", "malformed YAML: " + config::yaml_parse_problem(e));
    p.throw_if_any();
  }
  if (!doc.IsMap()) {
    p.add(doc.Mark(), "",
          "expected a mapping with base, parameters, design, replicates and seed, got " + describe(doc));
    p.throw_if_any();
  }
  // Present keys (a default YAML::Node converts to true, so presence is tracked apart).
  std::map<std::string, YAML::Node> given;
  for_each_key(doc, "", {"name", "description", "base", "set", "parameters", "design", "replicates", "seed", "output"},
               p, [&](const std::string& name, const std::string& key, const YAML::Node&, const YAML::Node& v) {
                 if (name == "name" || name == "description") {
                   if (!v.IsScalar()) return p.add(v.Mark(), key, "expected text, got " + describe(v));
                   const std::string why = config::control_character_problem(v.Scalar(), name == "description");
                   if (!why.empty()) return p.add(v.Mark(), key, why);
                   (name == "name" ? spec.name : spec.description) = v.Scalar();
                 }
                 if (name != "name" && name != "description") given.emplace(name, v);
               });
  const auto has = [&](const char* key) { return given.count(key) > 0; };
  const YAML::Node base = has("base") ? given.at("base") : YAML::Node();
  const YAML::Node set = has("set") ? given.at("set") : YAML::Node();
  const YAML::Node parameters = has("parameters") ? given.at("parameters") : YAML::Node();
  const YAML::Node design = has("design") ? given.at("design") : YAML::Node();
  const YAML::Node replicates = has("replicates") ? given.at("replicates") : YAML::Node();
  const YAML::Node seed = has("seed") ? given.at("seed") : YAML::Node();
  const YAML::Node output = has("output") ? given.at("output") : YAML::Node();
  if (!has("base")) p.add(doc.Mark(), "base", "missing: the base scenario file, e.g. base: ../la_brokered.yaml");
  // Without parameters a sweep is replicates of one scenario and needs no design (grid of one point).
  if (!has("design") && has("parameters"))
    p.add(doc.Mark(), "design", "missing: grid, lhs, sobol or morris (a sweep without parameters needs none)");
  if (has("base")) {
    if (!base.IsScalar() || base.Scalar().empty()) {
      p.add(base.Mark(), "base", "expected a scenario file path, got " + describe(base));
    } else if (const std::string why = config::control_character_problem(base.Scalar()); !why.empty()) {
      p.add(base.Mark(), "base", why);
    } else {
      spec.base = base.Scalar();
      spec.base_path = folder / spec.base;
      const std::string base_problem = io::regular_file_problem(spec.base_path);
      if (base_problem == "no such file")
        p.add(base.Mark(), "base",
              "scenario file '" + spec.base + "' not found (looked for " + spec.base_path.string() + ")");
      else if (!base_problem.empty())
        p.add(base.Mark(), "base", spec.base_path.string() + ": " + base_problem);
    }
  }
  std::vector<Assignment> assignments;
  if (has("set")) {
    if (!set.IsMap())
      p.add(set.Mark(), "set", "expected a mapping of scenario keys to values, got " + describe(set));
    else
      flatten(set, "", assignments, p);
    for (const auto& a : assignments) {
      Scenario scratch = default_scenario();
      if (!names_entry(a)) check_assignment(a, scratch, p);
    }
  }
  if (has("replicates")) integer_option(replicates, "replicates", 1, 1'000'000, spec.replicates, p);
  if (has("output")) {
    if (!output.IsMap()) {
      p.add(output.Mark(), "output", "expected a mapping (per_school, per_school_limit), got " + describe(output));
    } else {
      for_each_key(output, "output", {"per_school", "per_school_limit"}, p,
                   [&](const std::string& name, const std::string& key, const YAML::Node&, const YAML::Node& v) {
                     if (name == "per_school_limit") {
                       integer_option(v, key, 0, std::numeric_limits<std::int64_t>::max(), spec.per_school_limit, p);
                       return;
                     }
                     bool on = false;
                     if (v.IsScalar() && v.Scalar() == "auto")
                       spec.per_school = PerSchool::Auto;
                     else if (read_bool(v, on))
                       spec.per_school = on ? PerSchool::On : PerSchool::Off;
                     else
                       p.add(v.Mark(), key, "expected auto, true or false, got " + describe(v));
                   });
    }
  }
  YAML::Node points;  // design.points of a list design
  if (has("design")) parse_design(design, spec, p, points);
  p.throw_if_any();

  // Entries of lists exist only in the base scenario: check those keys in order over it.
  if (std::any_of(assignments.begin(), assignments.end(), names_entry)) {
    Scenario scratch = config::read_scenario_file(spec.base_path);
    for (const auto& a : assignments) check_assignment(a, scratch, p);
    p.throw_if_any();
  }
  // The base scenario with the overrides (its own errors name the base file or --set).
  for (const auto& a : assignments) spec.sets.push_back(a.key + "=" + a.value);
  spec.sets.insert(spec.sets.end(), cli_sets.begin(), cli_sets.end());
  spec.base_scenario = config::load_scenario_file(spec.base_path, spec.sets);
  if (spec.name.empty()) spec.name = spec.base_scenario.name;

  if (has("seed")) {
    std::int64_t s = 0;
    if (integer_option(seed, "seed", 0, static_cast<long long>(kMaxSeed), s, p))
      spec.seed = static_cast<std::uint64_t>(s);
  } else {
    spec.seed = static_cast<std::uint64_t>(spec.base_scenario.run.seed);
  }

  const DesignType t = spec.design.type;
  if (t == DesignType::List) {
    if (has("parameters"))
      p.add(parameters.Mark(), "parameters",
            "a list design takes its parameters from design.points; remove 'parameters'");
    else
      parse_points(points, spec.base_scenario, spec, p);
  } else if (has("parameters")) {
    parse_parameters(parameters, spec.base_scenario, t, spec, p);
  }
  p.throw_if_any();
  refuse_sets_of_swept_parameters(spec, assignments, cli_sets, p);
  p.throw_if_any();

  const std::size_t k = spec.parameters.size();
  const YAML::Mark where = design.Mark();
  if (k == 0 && t != DesignType::Grid && t != DesignType::List)
    p.add(has("parameters") ? parameters.Mark() : doc.Mark(), "parameters",
          std::string("a ") + to_string(t) + " design needs at least one parameter");
  if (t == DesignType::Sobol) {
    const std::size_t dims = spec.design.saltelli ? 2 * k : k;
    if (dims > static_cast<std::size_t>(SobolSequence::kMaxDimensions))
      p.add(where, "design",
            "Sobol points are available for up to " + std::to_string(SobolSequence::kMaxDimensions) + " dimensions; " +
                std::to_string(k) + " parameters need " + std::to_string(dims) +
                (spec.design.saltelli ? " (2 per parameter for the Saltelli design)" : ""));
    const std::int64_t n = spec.design.n;
    if ((n & (n - 1)) != 0)
      spec.notes.push_back("design.n = " + std::to_string(n) +
                           " is not a power of two: Sobol points are best balanced in powers of two");
  }
  p.throw_if_any();
  if (spec.points() > kMaxRuns || spec.runs() > kMaxRuns)
    p.add(where, "design",
          "the sweep would have " + std::to_string(spec.points()) + " points x " + std::to_string(spec.replicates) +
              " replicates, more than " + std::to_string(kMaxRuns) + " runs");
  p.throw_if_any();

  // Per-school trajectories: the base scenario asks for them; the sweep limits their size
  // (for a world file the runner decides again with the file's number of schools).
  const Scenario& b = spec.base_scenario;
  try {
    if (b.world.file.empty()) decide_per_school(spec, b.world.n_primary + b.world.n_secondary);
  } catch (const ConfigError& e) {
    for (const auto& problem : e.problems())
      p.add(has("output") ? output.Mark() : doc.Mark(), "output.per_school", problem);
  }
  p.throw_if_any();
  return spec;
}

}  // namespace

const char* to_string(DesignType d) {
  switch (d) {
    case DesignType::Grid: return "grid";
    case DesignType::List: return "list";
    case DesignType::Lhs: return "lhs";
    case DesignType::Sobol: return "sobol";
    case DesignType::Morris: return "morris";
  }
  return "unknown";
}

std::int64_t SweepSpec::points() const {
  const auto k = static_cast<std::int64_t>(parameters.size());
  switch (design.type) {
    case DesignType::Grid: {
      std::int64_t n = 1;
      for (const auto& p : parameters) {
        n *= p.values.empty() ? p.levels : static_cast<std::int64_t>(p.values.size());
        if (n > kMaxRuns) return n;
      }
      return n;
    }
    case DesignType::List: return static_cast<std::int64_t>(design.points.size());
    case DesignType::Lhs: return design.n;
    case DesignType::Sobol: return design.saltelli ? design.n * (k + 2) : design.n;
    case DesignType::Morris: return design.trajectories * (k + 1);
  }
  return 0;
}

void decide_per_school(SweepSpec& spec, std::int64_t n_schools) {
  const Scenario& b = spec.base_scenario;
  const std::int64_t school_terms = n_schools * (b.run.terms + 1) * spec.runs();
  const bool over = school_terms > spec.per_school_limit;
  spec.write_per_school = false;
  if (spec.per_school == PerSchool::Off || !b.output.per_school) return;
  if (over && spec.per_school == PerSchool::On)
    throw ConfigError({"per-school trajectories would hold " + std::to_string(school_terms) + " school-terms over " +
                       std::to_string(spec.runs()) + " runs, above output.per_school_limit = " +
                       std::to_string(spec.per_school_limit) + "; raise the limit or set per_school: false"});
  if (over) {
    spec.notes.push_back("per-school trajectories are off: " + std::to_string(school_terms) + " school-terms over " +
                         std::to_string(spec.runs()) +
                         " runs exceed the sweep's output.per_school_limit = " + std::to_string(spec.per_school_limit) +
                         " (set output: {per_school: true, per_school_limit: N} to keep them)");
    return;
  }
  spec.write_per_school = true;
}

std::string variable_name(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '.' || c == '[') {
      out += "__";
    } else if (c != ']') {
      out += c;
    }
  }
  return out;
}

SweepSpec load_sweep_file(const fs::path& path, const std::vector<std::string>& cli_sets) {
  const std::string text = read_text(path);
  SweepSpec spec = load(text, path.string(), path.has_parent_path() ? path.parent_path() : fs::path("."), cli_sets);
  spec.file = path;
  return spec;
}

SweepSpec load_sweep_text(const std::string& text, const std::string& source, const fs::path& folder,
                          const std::vector<std::string>& cli_sets) {
  return load(text, source, folder, cli_sets);
}

SweepSpec replicates_spec(const fs::path& scenario, const std::vector<std::string>& cli_sets, std::int64_t replicates) {
  // The sweep file a user would write (base + replicates, no parameters), so that
  // `run --replicates` and such a sweep are one code path and write identical files.
  YAML::Emitter text;
  text << YAML::BeginMap << YAML::Key << "base" << YAML::Value << scenario.filename().string() << YAML::Key
       << "replicates" << YAML::Value << replicates << YAML::EndMap;
  const fs::path folder = scenario.has_parent_path() ? scenario.parent_path() : fs::path(".");
  return load(std::string(text.c_str()) + "\n", scenario.string() + " --replicates", folder, cli_sets);
}

std::string resolved_sweep_yaml(const SweepSpec& spec) {
  YAML::Emitter out;
  const auto number = [](const SweptParameter& p, double v) {
    return p.integer() ? format_number(std::round(v)) : format_real(v);
  };
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  if (!spec.description.empty()) out << YAML::Key << "description" << YAML::Value << spec.description;
  out << YAML::Key << "base" << YAML::Value << spec.base;
  out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
  for (const auto& a : spec.sets) {
    const auto eq = a.find('=');
    YAML::Node value;
    try {
      value = YAML::Load(a.substr(eq + 1));
    } catch (const YAML::Exception&) {
      value = YAML::Node(a.substr(eq + 1));
    }
    out << YAML::Key << a.substr(0, eq) << YAML::Value << YAML::Flow << value << YAML::Block;
  }
  out << YAML::EndMap;
  if (spec.design.type != DesignType::List) {
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto& p : spec.parameters) {
      out << YAML::Key << p.key << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (!p.values.empty()) {
        out << YAML::Key << "values" << YAML::Value << YAML::BeginSeq;
        for (double v : p.values) out << number(p, v);
        out << YAML::EndSeq;
      } else {
        out << YAML::Key << "min" << YAML::Value << number(p, p.min) << YAML::Key << "max" << YAML::Value
            << number(p, p.max);
        if (spec.design.type == DesignType::Grid) out << YAML::Key << "levels" << YAML::Value << p.levels;
      }
      out << YAML::EndMap << YAML::Block;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "design" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << to_string(spec.design.type);
  switch (spec.design.type) {
    case DesignType::Grid: break;
    case DesignType::List:
      out << YAML::Key << "points" << YAML::Value << YAML::BeginSeq;
      for (const auto& point : spec.design.points) {
        out << YAML::Flow << YAML::BeginMap;
        for (std::size_t i = 0; i < point.size(); ++i)
          out << YAML::Key << spec.parameters[i].key << YAML::Value << number(spec.parameters[i], point[i]);
        out << YAML::EndMap << YAML::Block;
      }
      out << YAML::EndSeq;
      break;
    case DesignType::Lhs: out << YAML::Key << "n" << YAML::Value << spec.design.n; break;
    case DesignType::Sobol:
      out << YAML::Key << "n" << YAML::Value << spec.design.n << YAML::Key << "scramble" << YAML::Value
          << spec.design.scramble << YAML::Key << "saltelli" << YAML::Value << spec.design.saltelli;
      break;
    case DesignType::Morris:
      out << YAML::Key << "trajectories" << YAML::Value << spec.design.trajectories << YAML::Key << "levels"
          << YAML::Value << spec.design.levels;
      break;
  }
  out << YAML::EndMap;
  out << YAML::Key << "replicates" << YAML::Value << spec.replicates;
  out << YAML::Key << "seed" << YAML::Value << spec.seed;
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "per_school" << YAML::Value
      << (spec.per_school == PerSchool::Auto ? "auto"
          : spec.per_school == PerSchool::On ? "true"
                                             : "false");
  out << YAML::Key << "per_school_limit" << YAML::Value << spec.per_school_limit;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace schoolsim::sweep
