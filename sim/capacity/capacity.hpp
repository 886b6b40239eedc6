#pragma once
// The capacity analysis of seed 001 (NFER): for each school in need, the high-performing
// same-phase schools within a radius that could support it, summarised by LA, region and
// nationally (docs/register.md "Capacity analysis"). "High-performing" and "in need" are
// the brokers' rules (models/partnerships.hpp: can_support, in_need; docs/MODEL.md 7.5)
// applied to a state, normally the initial state.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::analysis {

struct CapacityOptions {
  /// Search radius per phase (km); must not exceed the world's neighbour-list radius.
  std::array<double, kPhases> radius{10.0, 10.0};
  /// Count only supporters in the same LA as the school in need (the LA brokers' candidate
  /// set without brokering.cross_border); false = any LA (NFER's radius search).
  bool same_la = true;
};

/// Counts for one group of schools (an LA, a region or the country; one phase or both).
struct CapacitySummary {
  std::int64_t schools = 0;
  std::int64_t high_performing = 0;    ///< can_support
  std::int64_t in_need = 0;            ///< in_need and not already receiving support
  std::int64_t without_supporter = 0;  ///< schools in need with no supporter within the radius
  double ratio = 0;                    ///< high_performing / in_need (NaN if none in need)
  double median_supporters = 0;        ///< over schools in need (NaN if none); numpy's median
};

/// Group summaries per phase: [0] primary, [1] secondary, [2] both phases.
using PhaseSummaries = std::array<CapacitySummary, kPhases + 1>;

struct SchoolInNeed {
  std::int32_t school = 0;
  std::vector<std::int32_t> supporters;  ///< nearest first (ties by id)
  std::vector<double> distance;          ///< km, aligned with supporters
};

struct CapacityResult {
  CapacityOptions options;
  std::vector<char> high_performing, in_need;  ///< per school
  std::vector<SchoolInNeed> schools_in_need;   ///< ascending school id
  std::vector<PhaseSummaries> by_la;           ///< per LA index
  std::vector<std::string> regions;            ///< region names (register worlds with GOR; else empty)
  std::vector<PhaseSummaries> by_region;       ///< aligned with regions
  PhaseSummaries national;
  std::int64_t pairs() const;
};

/// Runs the analysis on a state of the world (supporters and need by the brokers' rules,
/// with this state's need and support cut-offs). Throws std::invalid_argument if a radius
/// exceeds the world's neighbour-list radius of its phase.
CapacityResult analyse_capacity(const Scenario& s, const World& w, const State& st, const CapacityOptions& options);

}  // namespace schoolsim::analysis
