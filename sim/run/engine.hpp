#pragma once
// The engine steps one run through the phases of MODEL.md section 3, timing each phase.
#include <array>
#include <cstdint>
#include <string>

#include "models/context.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

enum class StepPhase : int {
  Funding,
  Enrolment,
  Capacity,
  Lifecycle,
  Formation,
  Collaboration,
  Practice,
  Attainment,
  Inspection,
  Observation,
  Count
};
const char* to_string(StepPhase p);

/// Seconds spent in each phase so far (wall clock; for benchmarks and profiles only).
using PhaseProfile = std::array<double, static_cast<int>(StepPhase::Count)>;

class Engine {
 public:
  /// Initialises the run of scenario `s` (the engine keeps its own copy) for (seed, replicate);
  /// the world must outlive the engine. Runs are driven by run::drive (sim/run/driver.hpp).
  Engine(Scenario s, const World& w, std::uint64_t seed, std::uint32_t replicate);

  /// Advances one term: phases 1..8 of MODEL.md section 3, then increments the term.
  void step();

  int term() const { return state_.term; }
  const Scenario& scenario() const { return s_; }
  const State& state() const { return state_; }
  const PhaseProfile& profile() const { return profile_; }
  /// Hands the state over at the end of a run (the engine must not be stepped afterwards).
  State release_state() { return std::move(state_); }

 private:
  Scenario s_;
  const World& w_;
  std::uint64_t seed_;
  std::uint32_t replicate_;
  State state_;
  PhaseProfile profile_{};
  ChoiceWeights choice_weights_;  ///< enrolment's per-run weights (a cache, not state)
};

/// A 64-bit FNV-1a hash of the full run state (schools, partnerships, trust in key order):
/// the golden-hash regression tests compare it across thread counts.
std::uint64_t state_hash(const World& w, const State& st);

}  // namespace schoolsim
