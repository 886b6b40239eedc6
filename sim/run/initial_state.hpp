#pragma once
// The initial state of a run (MODEL.md section 5, "Initialisation order").
#include <cstdint>

#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// Draws the initial run state for (seed, replicate) on a world.
State initial_state(const Scenario& s, const World& w, std::uint64_t seed, std::uint32_t replicate);

}  // namespace schoolsim
