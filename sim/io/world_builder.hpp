#pragma once
// One entry point for the world of a scenario: the synthetic generator (MODEL.md section 5)
// or a world file from a school register (`world: {file: WORLD.h5}`, section 6).
#include <array>
#include <filesystem>

#include "sim/core/scenario.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// The world file a scenario names: `world.file` as is if absolute, else relative to
/// `scenario_dir` (the folder of the scenario file). Empty if the scenario has none.
std::filesystem::path world_file_path(const Scenario& s, const std::filesystem::path& scenario_dir);

/// Builds the scenario's world with neighbour lists covering required_neighbour_radius(s),
/// widened per phase to `min_radius` (e.g. an analysis radius). A world file that cannot be
/// loaded, and LA indices in `brokering.las` or `world.regions` that the file's world does
/// not have, throw config::ConfigError (an input error naming the key and the file).
World build_world(const Scenario& s, const std::filesystem::path& scenario_dir,
                  const std::array<double, kPhases>& min_radius = {});

}  // namespace schoolsim
