#pragma once
// The runs of a sweep: design points (parameter values) x replicates, in run order
// run_id = point * replicates + replicate, with the seed of each run.
//
// Common random numbers: replicate r of every design point uses the same run seed and the
// same replicate number, so two points differ only by their parameters, not by noise:
//   run.seed      = run_seed(sweep seed, r)
//   run.replicate = r
// run_seed is SplitMix64 (Steele, Lea & Flood 2014) output number r + 1 from state
// `sweep seed`, shifted right by 2 bits so it fits run.seed's range [0, 9e18]:
//   z = sweep_seed + (r + 1) * 0x9E3779B97F4A7C15              (mod 2^64)
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//   run_seed = (z ^ (z >> 31)) >> 2
#include <cstdint>
#include <vector>

#include "sim/core/scenario.hpp"
#include "sim/sweep/designs.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace schoolsim::sweep {

/// Seed of replicate r of a sweep (see above).
std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint32_t replicate);

struct RunPlan {
  std::int64_t run_id = 0;
  std::int64_t point = 0;
  std::int32_t replicate = 0;
  std::uint64_t seed = 0;
};

class SweepPlan {
 public:
  /// Generates the design of `spec` (which must outlive the plan).
  explicit SweepPlan(const SweepSpec& spec);

  std::int64_t points() const { return points_; }
  std::int64_t replicates() const { return spec_->replicates; }
  std::int64_t runs() const { return points_ * spec_->replicates; }
  std::size_t parameters() const { return spec_->parameters.size(); }
  /// Value of a parameter at a design point (parameter units; integers rounded).
  double value(std::int64_t point, std::size_t parameter) const {
    return values_[static_cast<std::size_t>(point) * parameters() + parameter];
  }
  /// Design metadata per point (empty unless the design has it).
  const UnitDesign& metadata() const { return metadata_; }

  RunPlan run(std::int64_t run_id) const;

  /// The base scenario with the parameters of a design point (not validated).
  Scenario point_scenario(std::int64_t point) const;
  /// The scenario of a run: its point's scenario with run.seed, run.replicate and the
  /// sweep's per-school decision (not validated).
  Scenario run_scenario(const RunPlan& run) const;

 private:
  const SweepSpec* spec_;
  std::int64_t points_ = 0;
  std::vector<double> values_;  ///< points x parameters, row-major
  UnitDesign metadata_;         ///< unit points cleared; Saltelli / Morris columns kept
};

}  // namespace schoolsim::sweep
