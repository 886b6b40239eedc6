// Reading a sweep specification (docs/sweeps.md): the file through the configuration
// front end (sim/config/yaml_reader.hpp), its keys, `base:` and `set:` (assignments applied as
// YAML nodes, sim/config/assignment.hpp), replicates, seed and output; the parameters and the
// design are read by sim/sweep/swept_parameters.cpp and sim/sweep/sweep_design_spec.cpp.
#include "sim/sweep/sweep_spec.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "sim/config/assignment.hpp"
#include "sim/config/bounded_read.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/key_path.hpp"
#include "sim/config/numbers.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/config/yaml_reader.hpp"
#include "sim/sweep/sobol.hpp"
#include "sim/sweep/sweep_spec_parts.hpp"

namespace schoolsim::sweep {
namespace {

using config::ConfigError;
using detail::kMaxRuns;
namespace fs = std::filesystem;

constexpr double kMaxSeed = 9.0e18;  // run.seed's range in the parameter table

/// Whether a `set:` key names a list entry ("programmes[0].budget"), which only the base
/// scenario's lists can check.
bool names_entry(const config::Assignment& a) { return a.key.find('[') != std::string::npos; }

/// A value set (under `set:` or with --set) for a parameter the design varies would be
/// overwritten at every point, yet recorded in scenario_yaml/sweep_yaml as if it held.
void refuse_sets_of_swept_parameters(const SweepSpec& spec, const std::vector<config::Assignment>& assignments,
                                     const std::vector<std::string>& cli_sets, config::YamlProblems& p) {
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
      p.add(a.where, "set." + a.key,
            "sets a parameter the sweep varies (" + where + "." + a.key +
                "); its value would be ignored: remove one of them");
  for (const auto& text : cli_sets) {
    const std::string key = trimmed(text.substr(0, text.find('=')));
    if (swept(key))
      p.add(config::Location{"--set " + text}, "",
            "sets a parameter the sweep varies (" + where + "." + key + " in " + p.source() +
                "); its value would be ignored: remove the --set or the parameter");
  }
}

SweepSpec load(const std::string& text, const std::string& source, const fs::path& folder,
               const std::vector<std::string>& cli_sets) {
  SweepSpec spec;
  spec.source = source;
  config::YamlProblems p(source);
  const YAML::Node doc = config::parse_yaml(text, source);
  if (!doc.IsMap()) {
    p.add(doc.Mark(), "",
          "expected a mapping with base, parameters, design, replicates and seed, got " + config::describe_node(doc));
    p.throw_if_any();
  }
  // Present keys (a default YAML::Node converts to true, so presence is tracked apart).
  std::map<std::string, YAML::Node> given;
  config::for_each_key(doc, "",
                       {"name", "description", "base", "set", "parameters", "design", "replicates", "seed", "output"},
                       p, [&](const config::MapEntry& e) {
                         const std::string& name = e.name;
                         const std::string& key = e.key;
                         const YAML::Node& v = e.value;

                         if (name == "name" || name == "description") {
                           if (!v.IsScalar())
                             return p.add(v.Mark(), key, "expected text, got " + config::describe_node(v));
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
      p.add(base.Mark(), "base", "expected a scenario file path, got " + config::describe_node(base));
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
  // `set:` entries stay YAML nodes (with their lines and columns) from here to the base scenario.
  std::vector<config::Assignment> assignments;
  if (has("set")) {
    if (!set.IsMap())
      p.add(set.Mark(), "set", "expected a mapping of scenario keys to values, got " + config::describe_node(set));
    else
      assignments = config::assignments_of_mapping(set, "", "set", p);
    for (const auto& a : assignments) {
      Scenario scratch = default_scenario();
      if (!names_entry(a)) p.add_all(config::assignment_problems(scratch, a));
    }
  }
  if (has("replicates")) config::read_integer_option(replicates, "replicates", 1, 1'000'000, spec.replicates, p);
  if (has("output")) {
    if (!output.IsMap()) {
      p.add(output.Mark(), "output",
            "expected a mapping (per_school, per_school_limit), got " + config::describe_node(output));
    } else {
      config::for_each_key(output, "output", {"per_school", "per_school_limit"}, p, [&](const config::MapEntry& e) {
        const std::string& name = e.name;
        const std::string& key = e.key;
        const YAML::Node& v = e.value;

        if (name == "per_school_limit") {
          config::read_integer_option(v, key, 0, std::numeric_limits<std::int64_t>::max(), spec.per_school_limit, p);
          return;
        }
        bool on = false;
        if (v.IsScalar() && v.Scalar() == "auto")
          spec.per_school = PerSchool::Auto;
        else if (config::read_bool(v, on))
          spec.per_school = on ? PerSchool::On : PerSchool::Off;
        else
          p.add(v.Mark(), key, "expected auto, true or false, got " + config::describe_node(v));
      });
    }
  }
  YAML::Node points;  // design.points of a list design
  if (has("design")) detail::parse_design(design, spec, p, points);
  p.throw_if_any();

  // Entries of lists exist only in the base scenario: check those keys in order over it.
  if (std::any_of(assignments.begin(), assignments.end(), names_entry)) {
    Scenario scratch = config::read_scenario_file(spec.base_path);
    for (const auto& a : assignments) p.add_all(config::assignment_problems(scratch, a));
    p.throw_if_any();
  }
  // The base scenario with the overrides (its own errors name the base file or --set).
  spec.sets = assignments;
  const auto parsed_cli_sets = config::parse_assignments(cli_sets);
  spec.sets.insert(spec.sets.end(), parsed_cli_sets.begin(), parsed_cli_sets.end());
  spec.base_scenario = config::load_scenario_file(spec.base_path, spec.sets);
  if (spec.name.empty()) spec.name = spec.base_scenario.name;

  if (has("seed")) {
    std::int64_t s = 0;
    if (config::read_integer_option(seed, "seed", 0, static_cast<long long>(kMaxSeed), s, p))
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
      detail::parse_points(points, spec.base_scenario, spec, p);
  } else if (has("parameters")) {
    detail::parse_parameters(parameters, spec.base_scenario, t, spec, p);
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
      p.add(has("output") ? output.Mark() : doc.Mark(), "output.per_school", problem.message);
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
  const std::string text = config::read_yaml_file_text(path);
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

}  // namespace schoolsim::sweep
