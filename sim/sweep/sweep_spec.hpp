#pragma once
// A sweep specification (scenarios/sweeps/*.yaml, docs/sweeps.md): a base scenario, optional
// overrides, the parameters to vary with their ranges, a design, replicates and a seed.
// Loading checks everything before anything runs; every problem is reported as
// "file:line:col: key: what" in one config::ConfigError (sim/config/problem.hpp; exit status 2
// in the CLI).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/config/assignment.hpp"
#include "sim/core/scenario.hpp"

namespace schoolsim::sweep {

enum class DesignType : std::int8_t { Grid, List, Lhs, Sobol, Morris };
const char* to_string(DesignType d);

/// How a swept value is stored: reals as float64, integers rounded and stored as int32
/// (scenario `int` parameters) or int64.
enum class ValueType : std::int8_t { Real, Int32, Int64 };

struct SweptParameter {
  std::string key;       ///< as written: "brokering.slots_per_term", "programmes[0].grant_per_term"
  std::string variable;  ///< output variable: '.' -> "__", "[i]" -> "__i" ("programmes__0__grant_per_term")
  ValueType type = ValueType::Real;
  double min = 0, max = 0;     ///< the swept range (for explicit values and list points: their extremes)
  int levels = 0;              ///< grid levels spanning [min, max]; 0 when `values` are explicit
  std::vector<double> values;  ///< explicit grid levels
  std::string units, doc;      ///< from the parameter table
  /// Sets this parameter of a scenario (integers already rounded by the plan).
  std::function<void(Scenario&, double)> assign;

  bool integer() const { return type != ValueType::Real; }
};

enum class PerSchool : std::int8_t { Auto, On, Off };

struct DesignSpec {
  DesignType type = DesignType::Grid;
  int levels = 0;                           ///< grid: default levels of a range (3); morris: p (4)
  std::int64_t n = 0;                       ///< lhs: points; sobol: base points
  std::int64_t trajectories = 0;            ///< morris: r
  bool scramble = true;                     ///< sobol
  bool saltelli = true;                     ///< sobol: Saltelli A, B, AB_k cross design
  std::vector<std::vector<double>> points;  ///< list: one value per parameter per point
};

struct SweepSpec {
  std::filesystem::path file;  ///< the sweep file ("" when loaded from text)
  std::string source;          ///< its name in messages
  std::string name, description;
  std::string base;                      ///< base scenario path as written
  std::filesystem::path base_path;       ///< resolved against the sweep file's folder
  std::vector<config::Assignment> sets;  ///< the file's `set:` entries, then --set (YAML nodes)
  Scenario base_scenario;                ///< base + sets, validated
  std::vector<SweptParameter> parameters;
  DesignSpec design;
  std::int64_t replicates = 1;
  std::uint64_t seed = 0;  ///< sweep seed (default: the base scenario's run.seed)
  PerSchool per_school = PerSchool::Auto;
  std::int64_t per_school_limit = 50'000'000;  ///< school-terms over all runs
  bool write_per_school = false;               ///< the decision: per-school trajectories in the sweep file
  std::vector<std::string> notes;              ///< warnings for the user (e.g. per-school output turned off)

  std::int64_t points() const;  ///< design points
  std::int64_t runs() const { return points() * replicates; }
};

/// Loads and validates a sweep file; `cli_sets` ("key=value", from --set) apply after the
/// file's `set:` entries. Throws config::ConfigError listing every problem.
SweepSpec load_sweep_file(const std::filesystem::path& path, const std::vector<std::string>& cli_sets = {});

/// The same for YAML text; `base:` is resolved against `folder`.
SweepSpec load_sweep_text(const std::string& text, const std::string& source, const std::filesystem::path& folder,
                          const std::vector<std::string>& cli_sets = {});

/// The sweep of `replicates` runs of one scenario file (what `schoolsim run SCEN.yaml
/// --replicates N` runs): base = the scenario, no parameters, `cli_sets` as --set, the seed
/// the scenario's run.seed, so replicate r of two scenarios with one run.seed is paired.
SweepSpec replicates_spec(const std::filesystem::path& scenario, const std::vector<std::string>& cli_sets,
                          std::int64_t replicates);

/// Decides whether the sweep file gets per-school trajectories (`write_per_school`) for a
/// world of `n_schools`, adding a note when they are left out; throws config::ConfigError
/// when `output.per_school: true` but they exceed the limit. Loading decides for synthetic
/// worlds; the runner decides again once a world file is loaded.
void decide_per_school(SweepSpec& spec, std::int64_t n_schools);

/// The specification with every default made explicit (the `sweep_yaml` attribute).
std::string resolved_sweep_yaml(const SweepSpec& spec);

/// The output variable name of a parameter key ("a.b[2].c" -> "a__b__2__c").
std::string variable_name(const std::string& key);

}  // namespace schoolsim::sweep
