#pragma once
// What every submodel sees: the scenario, the static world, the run's state, the term, and
// the random-number key of the run.
#include <array>
#include <cstdint>

#include "sim/core/rng.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// Attainment cut-offs of the need and support rules (MODEL.md 7.5), per phase, this term.
struct NeedThresholds {
  std::array<double, kPhases> need{};     ///< in need below this attainment quantile
  std::array<double, kPhases> support{};  ///< may support at or above this quantile
};

struct Context {
  const Scenario& s;
  const World& w;
  State& st;
  int term = 0;
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;
  NeedThresholds thresholds{};

  Stream stream(Process p, std::uint32_t entity) const {
    return Stream(seed, replicate, static_cast<std::uint32_t>(term), p, entity);
  }
};

}  // namespace schoolsim
