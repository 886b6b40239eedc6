// The sweep specification written back with every default made explicit (the `sweep_yaml`
// attribute of sweep files): it loads back to the same sweep.
#include <cmath>

#include "sim/config/numbers.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace schoolsim::sweep {

std::string resolved_sweep_yaml(const SweepSpec& spec) {
  YAML::Emitter out;
  const auto number = [](const SweptParameter& p, double v) {
    return p.integer() ? config::format_number(std::round(v)) : config::format_real(v);
  };
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  if (!spec.description.empty()) out << YAML::Key << "description" << YAML::Value << spec.description;
  out << YAML::Key << "base" << YAML::Value << spec.base;
  out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
  for (const auto& a : spec.sets) out << YAML::Key << a.key << YAML::Value << YAML::Flow << a.value << YAML::Block;
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
