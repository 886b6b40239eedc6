#pragma once
// What every submodel sees: the scenario, the static world, the run's state, the term, and
// the random-number key of the run.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// Attainment cut-offs of the need and support rules (MODEL.md 7.5), per phase, this term.
struct NeedThresholds {
  std::array<double, kPhases> need{};     ///< in need below this attainment quantile
  std::array<double, kPhases> support{};  ///< may support at or above this quantile
};

/// The static part of the enrolment choice weights (MODEL.md 7.2, models/enrolment.cpp): derived
/// from the world and the scenario only, so the engine keeps one per run and enrolment builds it
/// at its first use (and again if the parameters it was built for change). Not state.
struct ChoiceWeights {
  double lambda_distance = 0;  ///< built for these parameters ...
  PerPhase<double> radius_km{};
  std::int64_t neighbour_entries = -1;    ///< ... and this world's lists (-1: not built yet)
  std::vector<std::int64_t> choice_end;   ///< [school] end of its choice-radius prefix
  std::vector<std::int64_t> flow_offset;  ///< [school + 1] prefixes stored one after another
  /// [flow_offset[i] + e - begin(i)]: exp(-lambda_distance d_ij / r_phase); float is enough for a weight
  std::vector<float> distance_weight;
};

struct Context {
  const Scenario& s;
  const World& w;
  State& st;
  int term = 0;
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;
  NeedThresholds thresholds{};
  /// The run's enrolment weights (Engine keeps them); without, enrolment builds them each time.
  ChoiceWeights* choice_weights = nullptr;

  Stream stream(Process p, std::uint32_t entity) const {
    return Stream(seed, replicate, static_cast<std::uint32_t>(term), p, entity);
  }
};

}  // namespace schoolsim
