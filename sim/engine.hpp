#pragma once
// The engine steps one run through the phases of MODEL.md section 3, timing each phase.
#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "sim/observation.hpp"
#include "sim/scenario.hpp"
#include "sim/state.hpp"
#include "sim/world.hpp"

namespace schoolsim {

enum class StepPhase : int {
  Funding, Enrolment, Capacity, Lifecycle, Formation, Collaboration, Practice, Attainment, Inspection, Observation, Count
};
const char* to_string(StepPhase p);

/// Seconds spent in each phase so far (wall clock; for benchmarks and profiles only).
using PhaseProfile = std::array<double, static_cast<int>(StepPhase::Count)>;

class Engine {
 public:
  /// Initialises the run for (seed, replicate); the world must outlive the engine.
  Engine(const Scenario& s, const World& w, std::uint64_t seed, std::uint32_t replicate);

  /// Advances one term: phases 1..9 of MODEL.md section 3, then increments the term.
  void step();
  /// Records the current state (call once at term 0, then after every step).
  void observe(Recorder& r);

  int term() const { return state_.term; }
  const State& state() const { return state_; }
  const PhaseProfile& profile() const { return profile_; }

 private:
  const Scenario& s_;
  const World& w_;
  std::uint64_t seed_;
  std::uint32_t replicate_;
  State state_;
  PhaseProfile profile_{};
};

/// Runs a whole scenario: term 0 observation, then `terms` steps with an observation after
/// each. `progress(term)` is called after each term when given.
Recorder run_scenario(const Scenario& s, const World& w, const std::function<void(int)>& progress = {});

/// A 64-bit FNV-1a hash of the full run state (schools, partnerships, trust in key order):
/// the golden-hash regression tests compare it across thread counts.
std::uint64_t state_hash(const World& w, const State& st);

}  // namespace schoolsim
