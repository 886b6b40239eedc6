#pragma once
// Virtual evaluations: run a scenario and its counterfactual (no partnership formation) with
// common random numbers for a number of replicates, apply the evaluation designs to the
// scenario's panel, and compare each design's estimate with the true average effect on the
// treated (sim/evaluation/designs.hpp).
#include <array>
#include <string>
#include <vector>

#include "sim/experiment/runs.hpp"
#include "sim/evaluation/designs.hpp"
#include "sim/evaluation/panel.hpp"

namespace schoolsim::evaluation {

struct EvaluationOptions {
  DesignOptions design;
  Role role = Role::Any;
  int replicates = 20;
};

/// One replicate: the true effect and every design's estimate.
struct ReplicateEvaluation {
  int replicate = 0;
  double true_att = 0;
  int n_treated = 0;  ///< treated units (school, start) with a full window
  std::array<Estimate, kDesigns> estimates{};
};

/// A design's estimates across replicates.
struct DesignSummary {
  double mean_estimate = 0, sd_estimate = 0, p05 = 0, p95 = 0;  ///< spread of the estimates
  double mean_se = 0;
  double mean_bias = 0;  ///< mean of (estimate - true effect of the same replicate)
  double rmse = 0;
  double coverage = 0;  ///< share of replicates whose 95% interval holds the true effect
  int replicates = 0;   ///< replicates with an estimate
};

struct EvaluationResult {
  std::string scenario;
  EvaluationOptions options;
  std::vector<ReplicateEvaluation> replicates;
  double mean_true_att = 0, sd_true_att = 0;
  std::array<DesignSummary, kDesigns> designs{};
};

/// What the evaluation needs of the runs of a scenario with `terms` terms.
calibration::RunNeeds evaluation_needs(int terms);

/// Evaluates one replicate from the traces of the scenario and of its counterfactual.
ReplicateEvaluation evaluate_replicate(const calibration::Trace& scenario, const calibration::Trace& counterfactual,
                                       const EvaluationOptions& o);

/// Summaries across replicates (given in replicate order).
EvaluationResult summarise_evaluation(std::string scenario, const EvaluationOptions& o,
                                      std::vector<ReplicateEvaluation> replicates);

/// Runs scenario `name` (resolved by the library) and its counterfactual for o.replicates
/// replicates and evaluates every replicate.
EvaluationResult evaluate(calibration::ScenarioLibrary& library, calibration::WorldCache& worlds,
                          const std::string& name, const EvaluationOptions& o);

}  // namespace schoolsim::evaluation
