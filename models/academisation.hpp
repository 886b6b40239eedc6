#pragma once
#include "models/context.hpp"

namespace schoolsim {
/// School i joins the nearest same-phase MAT with room, or a new MAT around a nearby
/// outstanding school with capacity; returns false if neither exists.
bool join_nearest_mat(Context& c, int i);
}  // namespace schoolsim
