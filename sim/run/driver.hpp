#pragma once
// The one step loop of schoolsim: `run`, `sweep` (threads, MPI ranks, shards), calibration,
// evaluation and the benchmarks all drive runs through drive(); results leave only through
// reporters (sim/run/reporter.hpp).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "sim/run/engine.hpp"
#include "sim/run/reporter.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::run {

/// What one run is: its validated scenario (owned), seed and replicate. The random numbers are
/// keyed by (seed, replicate, ...), so two descriptions that differ only in the scenario's
/// parameters draw the same numbers (common random numbers).
struct RunDescription {
  Scenario scenario;
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;
};
/// A run of `s` with the seed and replicate of its `run:` section.
RunDescription describe(Scenario s);

struct RunOutcome {
  State final_state;
  PhaseProfile profile{};  ///< seconds per phase; Observation is the reporters' time
  bool stopped = false;    ///< `stop` returned true before the last term
};

/// Builds the engine for `run` on `world` (which must hold the neighbour lists the scenario
/// needs), reports term 0, then steps scenario.run.terms times, reporting after each step to
/// every reporter that wants that term. `stop` is asked before each step; when it says yes the
/// run ends there with stopped = true.
RunOutcome drive(const RunDescription& run, const World& world, const std::vector<Reporter*>& reporters,
                 const std::function<bool()>& stop = {});

}  // namespace schoolsim::run
