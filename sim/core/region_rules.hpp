#pragma once
// Regions defined by a rule (world.regions.NAME: {rule: ...}) evaluated on the world, so that
// "the ten LAs around LA 0" or "the most disadvantaged fifth of LAs" mean the same for every
// world seed and world file, unlike a literal LA list (docs/MODEL.md, "Regions").
#include <string>
#include <vector>

#include "sim/core/scenario.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// The LAs a rule selects in world w, sorted. `nearest`: the rule's `count` LAs whose centres
/// (mean school positions) are nearest LA `la`'s centre, ties by LA index. `most_disadvantaged`:
/// the round(n * (100 - percentile) / 100) LAs (at least one) of the n LAs with schools whose
/// mean disadvantage is highest, ties by LA index. LAs without schools are never selected.
std::vector<int> evaluate_region_rule(const RegionRule& rule, const World& w);

/// The scenario with every rule of `world.region_rules` evaluated on w into `world.regions`
/// (rules stay, for provenance): what the engine and the area outputs read.
Scenario with_region_rules_resolved(Scenario s, const World& w);

}  // namespace schoolsim
