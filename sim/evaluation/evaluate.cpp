#include "sim/evaluation/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include "models/metrics.hpp"

namespace schoolsim::evaluation {

calibration::RunNeeds evaluation_needs(int terms) {
  calibration::RunNeeds n;
  n.terms = terms;
  n.every_term = true;
  return n;
}

ReplicateEvaluation evaluate_replicate(const calibration::Trace& scenario, const calibration::Trace& counterfactual,
                                       const EvaluationOptions& o) {
  const Panel treated = panel_from_trace(scenario, o.role);
  const Panel cf = panel_from_trace(counterfactual, o.role);
  DesignOptions design = o.design;
  // Each replicate is a different study: its own sample of treated schools.
  design.sample_seed = static_cast<std::uint64_t>(scenario.scenario->run.seed) * 1000003ull + scenario.replicate;
  ReplicateEvaluation r;
  r.replicate = static_cast<int>(scenario.replicate);
  r.n_treated = static_cast<int>(treated_units(treated, design).size());
  r.true_att = true_att(treated, cf, design);
  for (int d = 0; d < kDesigns; ++d) r.estimates[d] = estimate(static_cast<Design>(d), treated, design);
  return r;
}

EvaluationResult summarise_evaluation(std::string scenario, const EvaluationOptions& o,
                                      std::vector<ReplicateEvaluation> replicates) {
  EvaluationResult res;
  res.scenario = std::move(scenario);
  res.options = o;
  res.replicates = std::move(replicates);
  std::vector<double> truth;
  for (const auto& r : res.replicates)
    if (std::isfinite(r.true_att)) truth.push_back(r.true_att);
  res.mean_true_att = truth.empty() ? NAN : metrics::mean(truth);
  res.sd_true_att = truth.size() > 1 ? metrics::sd(truth) * std::sqrt(truth.size() / (truth.size() - 1.0)) : 0.0;
  for (int d = 0; d < kDesigns; ++d) {
    DesignSummary& s = res.designs[d];
    std::vector<double> est, se, bias;
    int covered = 0;
    for (const auto& r : res.replicates) {
      const Estimate& e = r.estimates[d];
      if (!std::isfinite(e.estimate) || !std::isfinite(r.true_att)) continue;
      est.push_back(e.estimate);
      se.push_back(e.se);
      bias.push_back(e.estimate - r.true_att);
      covered += (e.lo <= r.true_att && r.true_att <= e.hi) ? 1 : 0;
    }
    s.replicates = static_cast<int>(est.size());
    if (est.empty()) {
      s.mean_estimate = s.sd_estimate = s.p05 = s.p95 = s.mean_se = s.mean_bias = s.rmse = s.coverage = NAN;
      continue;
    }
    const double n = static_cast<double>(est.size());
    s.mean_estimate = metrics::mean(est);
    s.sd_estimate = est.size() > 1 ? metrics::sd(est) * std::sqrt(n / (n - 1.0)) : 0.0;
    s.p05 = metrics::quantile(est, 0.05);
    s.p95 = metrics::quantile(est, 0.95);
    s.mean_se = metrics::mean(se);
    s.mean_bias = metrics::mean(bias);
    double sq = 0;
    for (double b : bias) sq += b * b;
    s.rmse = std::sqrt(sq / n);
    s.coverage = covered / n;
  }
  return res;
}

EvaluationResult evaluate(calibration::ScenarioLibrary& library, calibration::WorldCache& worlds,
                          const std::string& name, const EvaluationOptions& o) {
  check_options(o.design);
  const auto s = library.get(name);
  const std::string cf_name = name + calibration::kCounterfactualSuffix;
  calibration::RunPlan plan;
  plan.need(name, evaluation_needs(s->run.terms));
  plan.need(cf_name, evaluation_needs(s->run.terms));
  std::vector<ReplicateEvaluation> reps(static_cast<std::size_t>(o.replicates));
  plan.run(library, worlds, o.replicates, [&](int r, const calibration::TraceSet& traces) {
    reps[r] = evaluate_replicate(*traces.at(name), *traces.at(cf_name), o);
  });
  return summarise_evaluation(s->name, o, std::move(reps));
}

}  // namespace schoolsim::evaluation
