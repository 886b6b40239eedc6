#pragma once
// The initial state of a run (MODEL.md section 5, "Initialisation order").
#include <cstdint>

#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// Sets the need and support cut-offs (MODEL.md 7.5) to the `need_quantile` and
/// (1 - `support_quantile`) quantiles of each phase's current attainment. Called once by
/// initial_state: the cut-offs are a fixed standard from then on.
void set_need_cutoffs(const Scenario& s, const World& w, State& st);

/// Draws the initial run state for (seed, replicate) on a world.
State initial_state(const Scenario& s, const World& w, std::uint64_t seed, std::uint32_t replicate);

}  // namespace schoolsim
