#pragma once
// The counterfactual of a scenario for virtual evaluations: the same scenario, world and
// random numbers with every way of forming a partnership switched off (LA, programme and
// national brokers, mandated support, self-organised networks, families, MATs). Run with
// the same run.seed and replicate (common random numbers), it gives each school's attainment
// without any partnership, so the true effect of partnerships on a school is the difference
// between its attainment in the two runs (docs/calibration.md, "Virtual evaluations").
#include "sim/core/scenario.hpp"

namespace schoolsim::evaluation {

/// `s` with partnership formation switched off; named "<name>~counterfactual".
Scenario counterfactual_scenario(const Scenario& s);

}  // namespace schoolsim::evaluation
