#pragma once
// The world: static data shared read-only by every run of a scenario or sweep (locations,
// phase, LA, disadvantage, places, same-phase neighbour lists). Built once per world seed.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/core/initial_overrides.hpp"
#include "sim/core/scenario.hpp"

namespace schoolsim {

/// Same-phase neighbours of every school within a radius, in compressed sparse row form,
/// each school's list sorted by (distance, id) so "within r" is a prefix of the list.
struct NeighbourLists {
  std::vector<std::int64_t> offset;   ///< size n+1; school i's entries are [offset[i], offset[i+1])
  std::vector<std::int32_t> index;    ///< neighbour id
  std::vector<double> distance;       ///< km
  std::vector<std::int32_t> reverse;  ///< position of the entry (j -> i) in j's list (32 bits: memory at 1 M schools)
  std::array<double, kPhases> radius{};  ///< lists hold every same-phase school within this radius

  std::int64_t begin(int i) const { return offset[i]; }
  std::int64_t end(int i) const { return offset[i + 1]; }
  /// One past the last entry of school i within distance r (r <= radius of i's phase).
  std::int64_t end_within(int i, double r) const;
};

/// Labels of a register world's schools and LAs, for outputs (not used by the model).
struct WorldLabels {
  std::vector<std::int32_t> urn;       ///< per school: unique reference number
  std::vector<std::string> name;       ///< per school (UTF-8)
  std::vector<std::int32_t> la_code;   ///< per LA index: the register's LA code
  std::vector<std::string> la_name;    ///< per LA index
  std::vector<std::string> la_region;  ///< per LA index: region (GOR), "" if unknown
};

struct World {
  int n = 0;
  int n_las = 0;
  double width_km = 0, height_km = 0;
  std::vector<std::int8_t> phase;  ///< 0 primary, 1 secondary
  std::vector<std::int32_t> la;
  std::vector<double> x, y;                                      ///< km
  std::vector<double> disadvantage;                              ///< FSM share
  std::vector<double> places;                                    ///< initial places
  std::array<std::vector<std::int32_t>, kPhases> phase_members;  ///< ids by phase, ascending
  double mean_disadvantage = 0;
  NeighbourLists neighbours;
  /// Register worlds only (sim/io/world_file.cpp): initial values known from the register, and labels.
  std::optional<InitialOverrides> initial;
  std::optional<WorldLabels> labels;

  double distance(int i, int j) const;
};

/// The radius each phase's neighbour lists must cover for this scenario's submodels.
std::array<double, kPhases> required_neighbour_radius(const Scenario& s);

/// Builds the synthetic England-like world of MODEL.md section 5 from `s.world` (deterministic
/// in world.seed), with neighbour lists covering `radius` per phase.
World build_synthetic_world(const WorldParams& p, const std::array<double, kPhases>& radius);

/// Builds neighbour lists for given locations and phases (uniform grid; parallel, deterministic).
NeighbourLists build_neighbour_lists(std::span<const double> x, std::span<const double> y,
                                     std::span<const std::int8_t> phase, const std::array<double, kPhases>& radius);

}  // namespace schoolsim
