// The enrolment of MODEL.md 7.2 before its choice weights were split into a per-run distance
// weight (float) and one exp of attainment per school; see enrolment_reference.cpp.
#pragma once

#include "models/context.hpp"

namespace schoolsim::reference {

/// enrol_pupils (models/submodels.hpp) with every choice weight computed in full, in double.
void enrol_pupils(Context& c);

}  // namespace schoolsim::reference
