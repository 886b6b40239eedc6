// The `design:` of a sweep specification: its type (grid, list, lhs, sobol, morris) and
// the options each type takes, with their defaults.
#include <map>

#include "sim/config/did_you_mean.hpp"
#include "sim/config/numbers.hpp"
#include "sim/sweep/sweep_spec_parts.hpp"

namespace schoolsim::sweep::detail {

void parse_design(const YAML::Node& node, SweepSpec& spec, config::YamlProblems& p, YAML::Node& points) {
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
            "expected one of grid, list, lhs, sobol, morris, got " + config::describe_node(n) +
                (n.IsScalar() ? config::did_you_mean(n.Scalar(), names) : ""));
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
    return p.add(node.Mark(), "design",
                 "expected a design type or a mapping with a type, got " + config::describe_node(node));
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
    config::for_each_key(options, "design", known, p, [&](const config::MapEntry& e) {
      const std::string& name = e.name;
      const std::string& key = e.key;
      const YAML::Node& v = e.value;

      std::int64_t x = 0;
      if (name == "levels" && config::read_integer_option(v, key, 2, 100000, x, p)) {
        if (t == DesignType::Morris && x % 2 != 0) p.add(v.Mark(), key, "Morris designs need an even number of levels");
        spec.design.levels = static_cast<int>(x);
      }
      if (name == "n" && config::read_integer_option(v, key, 1, kMaxRuns, x, p)) spec.design.n = x, has_n = true;
      if (name == "trajectories" && config::read_integer_option(v, key, 1, kMaxRuns, x, p))
        spec.design.trajectories = x, has_r = true;
      if (name == "scramble" && !config::read_bool(v, spec.design.scramble))
        p.add(v.Mark(), key, "expected true or false, got " + config::describe_node(v));
      if (name == "saltelli" && !config::read_bool(v, spec.design.saltelli))
        p.add(v.Mark(), key, "expected true or false, got " + config::describe_node(v));
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

}  // namespace schoolsim::sweep::detail
