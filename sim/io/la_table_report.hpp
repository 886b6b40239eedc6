#pragma once
// The LA table of a world under a scenario (`schoolsim world describe`): each LA's schools,
// places, mean disadvantage and centre, and which of the scenario's regions (lists and rules
// evaluated on this world) it belongs to. What researchers choose treated LAs from.
#include <string>

#include "sim/core/scenario.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::io {

/// CSV, one row per LA: la,code,name,schools,primary,secondary,places,mean_disadvantage,
/// centre_x_km,centre_y_km,regions (the scenario's region names, ';'-separated).
std::string la_table_csv(const Scenario& s, const World& w);

/// The same as an aligned text table, followed by one line per region of the scenario with
/// its definition (list or rule), LAs and school count.
std::string la_table_text(const Scenario& s, const World& w);

}  // namespace schoolsim::io
