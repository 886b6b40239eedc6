// The swept parameters of a sweep specification: which keys can be swept (numbers of the
// scenario and of its list entries, by index or name; not world, run or output keys), their
// ranges, levels and explicit values under `parameters:`, and the points of a list design.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "sim/config/did_you_mean.hpp"
#include "sim/config/key_path.hpp"
#include "sim/config/numbers.hpp"
#include "sim/config/param_table.hpp"
#include "sim/sweep/designs.hpp"
#include "sim/sweep/sweep_spec_parts.hpp"

namespace schoolsim::sweep::detail {
namespace {

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
    error = "unknown parameter" + config::did_you_mean(key, sweepable_keys());
    return false;
  }
  if (const std::string why = refusal(key); !why.empty()) {
    error = why;
    return false;
  }
  return numeric_parameter(
      *found, key, [](Scenario& s) -> Scenario& { return s; }, out, error);
}

/// Reads one value of parameter `p` (table range in p.min/p.max), reporting problems.
bool parameter_value(const YAML::Node& n, const SweptParameter& p, double table_min, double table_max,
                     const std::string& key, config::YamlProblems& problems, double& out) {
  if (p.integer()) {
    long long v = 0;
    if (!config::read_integer(n, v)) {
      problems.add(n.Mark(), key,
                   "expected an integer (" + p.key + " is an integer parameter), got " + config::describe_node(n));
      return false;
    }
    out = static_cast<double>(v);
  } else if (!config::read_real(n, out)) {
    problems.add(n.Mark(), key, "expected a real number, got " + config::describe_node(n));
    return false;
  }
  if (!config::in_range(out, table_min, table_max)) {
    problems.add(n.Mark(), key, config::out_of_range(n.Scalar(), table_min, table_max) + " of " + p.key);
    return false;
  }
  return true;
}

/// Resolves `key` as a parameter not yet in `spec`: false with `error` set when it cannot be
/// swept, or with `same` set when it names a parameter already swept (by name or by index).
bool new_parameter(const std::string& key, const Scenario& base, const SweepSpec& spec, SweptParameter& param,
                   std::string& error, const SweptParameter*& same) {
  if (!resolve_parameter(key, base, param, error)) return false;
  const auto found = std::find_if(spec.parameters.begin(), spec.parameters.end(),
                                  [&](const SweptParameter& q) { return q.variable == param.variable; });
  if (found == spec.parameters.end()) return true;
  same = &*found;
  return false;
}

/// Reads the range of a resolved parameter (`range`: {min, max, levels} or {values}) into
/// `param`, checked against the table range; false after reporting a problem.
bool parameter_range(const YAML::Node& range, const std::string& shown, DesignType design, const SweepSpec& spec,
                     SweptParameter& param, config::YamlProblems& p) {
  const double table_min = param.min, table_max = param.max;
  if (!range.IsMap()) {
    p.add(range.Mark(), shown,
          "expected a mapping such as {min: 1, max: 5} or {values: [1, 2, 4]}, got " + config::describe_node(range));
    return false;
  }
  bool has_min = false, has_max = false, ok = true;
  std::int64_t levels = 0;
  YAML::Mark levels_mark;
  config::for_each_key(range, shown, {"min", "max", "levels", "values"}, p, [&](const config::MapEntry& option) {
    const std::string& name = option.name;
    const std::string& sub = option.key;
    const YAML::Node& k = option.key_node;
    const YAML::Node& v = option.value;
    if (name == "min") ok &= has_min = parameter_value(v, param, table_min, table_max, sub, p, param.min);
    if (name == "max") ok &= has_max = parameter_value(v, param, table_min, table_max, sub, p, param.max);
    if (name == "levels") {
      levels_mark = k.Mark();
      if (design != DesignType::Grid) {
        p.add(k.Mark(), sub, "per-parameter levels are for grid designs (morris takes design.levels)");
        ok = false;
      } else {
        ok &= config::read_integer_option(v, sub, 2, 100000, levels, p);
      }
    }
    if (name == "values") {
      if (design != DesignType::Grid) {
        p.add(k.Mark(), sub, "explicit values are for grid designs (use a list design for explicit points)");
        ok = false;
        return;
      }
      if (!v.IsSequence() || v.size() == 0) {
        p.add(v.Mark(), sub, "expected a non-empty list of values, got " + config::describe_node(v));
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
  if (!ok) return false;
  if (!param.values.empty()) {
    if (has_min || has_max || levels) {
      p.add(range.Mark(), shown, "give either values or min/max (with optional levels), not both");
      return false;
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
      return false;
    }
    if (!(param.min < param.max)) {
      p.add(range.Mark(), shown,
            "min (" + config::format_number(param.min) + ") must be below max (" + config::format_number(param.max) +
                ")");
      return false;
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
                  config::range_text(param.min, param.max) + " repeat values after rounding; use at most " +
                  config::format_number(param.max - param.min + 1) + " levels or explicit values");
        return false;
      }
    }
    if (design == DesignType::Morris && param.integer() &&
        morris_delta(spec.design.levels) * (param.max - param.min) < 1.0) {
      p.add(range.Mark(), shown,
            "the Morris step (" + config::format_number(morris_delta(spec.design.levels)) +
                " of the range) moves this integer parameter by less than 1; widen the range");
      return false;
    }
  }
  return true;
}

}  // namespace

void parse_parameters(const YAML::Node& node, const Scenario& base, DesignType design, SweepSpec& spec,
                      config::YamlProblems& p) {
  if (!node.IsMap())
    return p.add(node.Mark(), "parameters",
                 "expected a mapping of parameter keys to ranges, got " + config::describe_node(node));
  config::for_each_key(node, "parameters", {}, p, [&](const config::MapEntry& e) {
    SweptParameter param;
    std::string error;
    const SweptParameter* same = nullptr;
    if (!new_parameter(e.name, base, spec, param, error, same))
      return p.add(e.key_node.Mark(), e.key,
                   same ? "duplicate parameter (the same as parameters." + same->key + ")" : error);
    if (parameter_range(e.value, e.key, design, spec, param, p)) spec.parameters.push_back(std::move(param));
  });
}

void parse_points(const YAML::Node& node, const Scenario& base, SweepSpec& spec, config::YamlProblems& p) {
  if (!node.IsSequence() || node.size() == 0)
    return p.add(node.Mark(), "design.points",
                 "expected a non-empty list of points (mappings of parameter keys to values), got " +
                     config::describe_node(node));
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node& point = node[i];
    const std::string shown = "design.points[" + std::to_string(i) + "]";
    if (!point.IsMap()) {
      p.add(point.Mark(), shown, "expected a mapping of parameter keys to values, got " + config::describe_node(point));
      continue;
    }
    std::vector<double> values(spec.parameters.size(), std::numeric_limits<double>::quiet_NaN());
    std::set<std::string> seen;
    config::for_each_key(point, shown, {}, p, [&](const config::MapEntry& e) {
      seen.insert(e.name);
      auto col = column.find(e.name);
      if (col == column.end()) {
        if (i > 0)
          return p.add(e.key_node.Mark(), e.key, "not in the first point: every point must set the same parameters");
        SweptParameter param;
        std::string error;
        const SweptParameter* same = nullptr;
        if (!new_parameter(e.name, base, spec, param, error, same))
          return p.add(e.key_node.Mark(), e.key, same ? "the same parameter as another key of this point" : error);
        col = column.emplace(e.name, spec.parameters.size()).first;
        spec.parameters.push_back(std::move(param));
        values.push_back(std::numeric_limits<double>::quiet_NaN());
      }
      SweptParameter& param = spec.parameters[col->second];
      double x = 0;
      // Table range: kept in min/max until the points are read.
      if (parameter_value(e.value, param, param.min, param.max, e.key, p, x)) values[col->second] = x;
    });
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

}  // namespace schoolsim::sweep::detail
