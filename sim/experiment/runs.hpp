#pragma once
// Runs for calibration and evaluation: scenarios are resolved by name from a scenario
// folder (with the same overrides for every scenario), run for a set of replicates with
// common random numbers (replicate r of every scenario uses the scenario's run.seed and
// run.replicate + r, so paired scenarios share their random numbers), and each run leaves a
// Trace: the system metrics of every term, supply and demand at term 0, governance shares,
// per-school and per-partnership snapshots at the terms asked for, and the final
// partnership table and events. Runs are independent TBB tasks; results do not depend on
// the number of threads.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sim/run/observation.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::calibration {

/// What a statistic needs from the runs of one scenario.
struct RunNeeds {
  int terms = 0;            ///< terms to run (the run stops there)
  std::set<int> snapshots;  ///< terms whose per-school and per-partnership state is kept
  bool every_term = false;  ///< keep a snapshot of every term (a panel, for evaluations)
  void merge(const RunNeeds& other);
};

/// Per-school and per-partnership state at the end of one term.
struct Snapshot {
  int term = 0;
  std::vector<double> attainment;
  std::vector<std::int8_t> grade;
  std::vector<std::int16_t> n_partnerships;
  std::vector<std::int8_t> governance;
  std::vector<std::int32_t> mat;
  // Indexed by partnership id (partnerships formed so far).
  std::vector<char> active, funded;
  std::vector<double> trust;  ///< mean member-pair trust
};

/// Supply and demand for support at term 0, with the brokers' rules (models/partnerships.hpp).
struct SupplyDemand {
  std::array<int, kPhases> supporters{}, in_need{};
  /// For each secondary school in need: same-phase supporters in the broker's candidate set
  /// (within brokering.broker_radius_km, same LA unless brokering.cross_border).
  std::vector<int> secondary_supporters_nearby;
};

struct Trace {
  std::shared_ptr<const Scenario> scenario;
  std::shared_ptr<const World> world;
  std::uint32_t replicate = 0;                            ///< the engine's replicate number
  int terms = 0;                                          ///< last term run
  std::vector<ScopeMetrics> overall;                      ///< [term]
  std::vector<std::array<ScopeMetrics, kPhases>> phases;  ///< [term][phase]
  std::vector<SystemMetrics> system;                      ///< [term]
  std::vector<double> academy_share;                      ///< [term] academies (incl. MAT members) / schools
  std::vector<double> mat_share;                          ///< [term] academies in a MAT of >= 2 schools / academies
  /// [term][phase] share of the intake placed at its origin school (NaN without enrolment).
  std::vector<std::array<double, kPhases>> own_school_share;
  SupplyDemand term0;
  std::map<int, Snapshot> snapshots;
  std::vector<Partnership> partnerships;  ///< at the last term
  std::vector<Event> events;

  /// The snapshot of `term`; throws std::logic_error if it was not asked for.
  const Snapshot& at(int term) const;
};

/// Counts supply and demand in a state with the brokers' rules.
SupplyDemand supply_demand(const Scenario& s, const World& w, const State& st);

/// Runs one scenario (engine replicate `replicate`) for needs.terms terms and traces it.
Trace trace_run(std::shared_ptr<const Scenario> s, std::shared_ptr<const World> w, std::uint32_t replicate,
                const RunNeeds& needs);

/// The name suffix of a derived counterfactual scenario: "la_brokered~counterfactual" is
/// la_brokered with every partnership formation switched off (sim/experiment/counterfactual.hpp).
inline constexpr const char* kCounterfactualSuffix = "~counterfactual";

/// Resolves scenario names to loaded scenarios: NAME -> DIR/NAME.yaml; a name ending in
/// .yaml is a path (relative names against `relative_to`); NAME~counterfactual derives the
/// counterfactual of NAME. Every scenario gets the same overrides (`--set` syntax), in order.
class ScenarioLibrary {
 public:
  ScenarioLibrary(std::filesystem::path dir, std::filesystem::path relative_to, std::vector<std::string> overrides);
  /// Loads (once) and returns the scenario; throws config::ConfigError for a missing or bad file.
  std::shared_ptr<const Scenario> get(const std::string& name);
  /// The folder of the scenario's file (world files are relative to it); get(name) first.
  std::filesystem::path folder(const std::string& name) const;
  const std::vector<std::string>& overrides() const { return overrides_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_, relative_to_;
  std::vector<std::string> overrides_;
  std::map<std::string, std::shared_ptr<const Scenario>> loaded_;
  std::map<std::string, std::filesystem::path> folders_;
};

/// Worlds by (world parameters, world file, neighbour radius), built once (sim/io/world_builder.hpp)
/// and shared read-only.
class WorldCache {
 public:
  /// The world of scenario `s` whose file lies in `scenario_folder`.
  std::shared_ptr<const World> get(const Scenario& s, const std::filesystem::path& scenario_folder = {});
  void clear() { worlds_.clear(); }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const World>> worlds_;
};

/// Traces of one replicate by scenario name.
using TraceSet = std::map<std::string, const Trace*>;

/// A set of runs: named scenarios with what is needed of each.
class RunPlan {
 public:
  /// Adds (or merges) the needs of scenario `name`.
  void need(const std::string& name, const RunNeeds& needs);
  const std::map<std::string, RunNeeds>& needs() const { return needs_; }

  /// Runs every scenario for replicates 0..replicates-1 and calls `reduce(r, traces)` once per
  /// replicate, possibly from several threads at once (each call gets its own r). Scenarios
  /// that resolve to identical parameters (apart from name and description) run once.
  void run(ScenarioLibrary& library, WorldCache& worlds, int replicates,
           const std::function<void(int, const TraceSet&)>& reduce) const;

 private:
  std::map<std::string, RunNeeds> needs_;
};

}  // namespace schoolsim::calibration
