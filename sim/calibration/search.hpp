#pragma once
// Calibration search by the method of simulated moments: minimise the weighted distance
//   J(theta) = sum_k weight_k * z_k(theta)^2
// between the model's target statistics and the targets, where z_k is the standardised
// discrepancy of target k (model - value) / tolerance, or the distance beyond a violated
// bound (sim/calibration/targets.hpp, Criterion::discrepancy). Every evaluation of J runs
// the same seeds and replicates (common random numbers), so J is a deterministic function
// of theta and differences between parameter sets are not swamped by simulation noise.
//
// The search: a Latin hypercube over the parameter box (about half the budget, at least
// 2d + 2 points), then Nelder-Mead from the best point in the unit cube (coordinates
// clamped to the box), then an identification step: J at theta* +- 5% of each range gives
// the curvature H_i = d2J/dtheta_i2 and the half-width sqrt(2 / H_i) of the region where
// J rises by at most 1 (one tolerance unit on one target); the spread of every evaluated
// point with J <= J* + max(1, 0.1 J*) is reported too (a sample-based check, like the
// accepted sample of ABC rejection).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/calibration/check.hpp"

namespace schoolsim::calibration {

struct ParamRange {
  std::string key;
  double lo = 0, hi = 0;
  bool integer = false;  ///< an integer parameter (values are rounded)
};

/// Parses "brokering.w_gap=0:3" and checks the key and both bounds against the scenario
/// parameters (config::ConfigError naming the argument).
ParamRange parse_param_range(const std::string& text);

struct FitOptions {
  int budget = 60;         ///< evaluations of J in all (Latin hypercube + Nelder-Mead + identification)
  int replicates = 4;      ///< replicates per evaluation
  std::uint64_t seed = 1;  ///< Latin hypercube draws (the runs use the scenarios' own seeds)
};

struct FitEvaluation {
  std::vector<double> x;            ///< parameter values
  double objective = 0;             ///< J
  std::vector<double> values;       ///< model value per target
  std::vector<double> discrepancy;  ///< z per target
  int passed = 0;                   ///< targets met
  std::string stage;                ///< "hypercube", "nelder-mead" or "identification"
};

struct Identification {
  double curvature = 0;             ///< d2J/dtheta2 at the optimum (finite difference)
  double half_width = 0;            ///< sqrt(2 / curvature): change of theta that raises J by 1 (inf if flat)
  double step = 0;                  ///< finite-difference step
  double j_minus = 0, j_plus = 0;   ///< J at theta* - step and theta* + step
  double good_lo = 0, good_hi = 0;  ///< range of theta over evaluated points with J <= J* + max(1, 0.1 J*)
  int good_points = 0;
};

struct FitResult {
  std::vector<ParamRange> params;
  std::vector<std::string> target_ids;
  std::vector<FitEvaluation> evaluations;
  std::size_t best = 0;
  std::vector<Identification> identification;  ///< per parameter
  double seconds = 0;
};

/// Everything a fit evaluates J with: the targets, the scenario folder, the fixed overrides
/// (applied before the parameters), the world cache.
struct FitProblem {
  TargetFile targets;
  std::filesystem::path scenario_dir, relative_to;
  std::vector<std::string> base_overrides;
};

/// Runs the search; `progress(evaluation)` is called after each evaluation when given.
FitResult fit(const FitProblem& problem, const std::vector<ParamRange>& params, const FitOptions& options,
              WorldCache& worlds, const std::function<void(const FitEvaluation&)>& progress = {});

/// J and the per-target values at one parameter set.
FitEvaluation evaluate_objective(const FitProblem& problem, const std::vector<ParamRange>& params,
                                 const std::vector<double>& x, int replicates, WorldCache& worlds);

}  // namespace schoolsim::calibration
