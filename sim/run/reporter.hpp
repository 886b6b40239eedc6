#pragma once
// Reporters: the only way results leave a run (OpenMM's Simulation + reporters). The run driver
// (sim/run/driver.hpp) hands each reporter one read-only snapshot per term it asked for;
// reporters never change the state, so any number of them see the same run.
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::run {

/// The run at one term, read-only. `term` is 0 for the initial state, then 1..terms.
struct Snapshot {
  const Scenario& scenario;
  const World& world;
  const State& state;
  int term;
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  /// Whether this reporter wants the snapshot of `term` (default: every term, 0 included).
  virtual bool wants(int term) const {
    (void)term;
    return true;
  }
  virtual void report(const Snapshot& snapshot) = 0;
};

}  // namespace schoolsim::run
