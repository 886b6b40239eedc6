#pragma once
// Helpers for the calibration and evaluation tests: a reduced world given as overrides, a
// scenario library over the shipped scenarios, and targets files written as text.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/experiment/runs.hpp"
#include "sim/calibration/targets.hpp"

namespace schoolsim::test::calibration {

inline std::filesystem::path source_dir() { return std::filesystem::path(SCHOOLSIM_SOURCE_DIR); }
inline std::filesystem::path scenario_dir() { return source_dir() / "scenarios"; }

/// A few hundred schools in 4 LAs on a 60 x 40 km plane (dense enough for choice and broker
/// radii), with the city-challenge region replaced by LA 0.
inline std::vector<std::string> reduced_world() {
  return {"world.n_primary=400", "world.n_secondary=100", "world.n_las=4",
          "world.width_km=60",   "world.height_km=40",    "world.regions.greater_manchester=[0]"};
}

inline std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

inline schoolsim::calibration::ScenarioLibrary library(const std::vector<std::string>& overrides) {
  return schoolsim::calibration::ScenarioLibrary(scenario_dir(), scenario_dir() / "targets", overrides);
}

/// The shipped targets file restricted to `ids` (all when empty).
inline schoolsim::calibration::TargetFile shipped_targets(const std::vector<std::string>& ids = {}) {
  auto f = schoolsim::calibration::load_targets(scenario_dir() / "targets" / "stylised_facts.yaml");
  schoolsim::calibration::select_targets(f, ids);
  f.world_overrides.clear();  // the England world of the file is replaced by the reduced world
  return f;
}

}  // namespace schoolsim::test::calibration
