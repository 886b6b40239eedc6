#pragma once
// Evaluation designs applied to a simulated panel, as researchers apply them to real data
// (docs/calibration.md, "Virtual evaluations"). All designs share one definition of the
// treated group and of the effect measured:
//
// - Treated: schools whose first partnership starts in term s with s - pre >= 0 and
//   s + horizon <= last term (a full pre-period and outcome window observed). Cohort = s.
//   With DesignOptions::sample, a random sample of that many treated schools (a study).
// - Clean controls for cohort s: schools of the same phase not treated up to s + horizon
//   (never partnered, or partnered only later).
// - Outcome: mean attainment over event times horizon - post_width + 1 .. horizon (terms
//   after the start; effects build up with a lag, MODEL.md P6). Pre-period: event times
//   -pre .. -1.
//
// Designs:
// - matched comparison (Chapman & Muijs 2014): each treated school is matched, with
//   replacement, to the nearest clean control of its cohort and phase on pre-period mean
//   attainment and disadvantage (each standardised by the controls' SD); the estimate is the
//   mean outcome difference of the pairs. Standard error after Abadie & Imbens (2006):
//   V = [sum_i (tau_i - tau)^2 + sum_j (K_j^2 - K_j) s2_j] / N1^2, K_j the times control j is
//   used, s2_j = (Y_j - Y_l(j))^2 / 2 with l(j) the control nearest to j.
// - difference in differences around the partnership start (stacked event-time design):
//   per cohort and phase, mean (outcome - pre-period mean) of the treated minus the same for
//   its clean controls, averaged over cells with weights n_treated / N_treated. Standard
//   error from the influence function clustered by school (a school appears in several
//   cohorts as a control).
// - naive comparison: per cohort and phase, mean outcome of the treated minus mean outcome of
//   the clean controls (no adjustment; shows selection bias). Same standard error rule.
// Intervals are estimate +- 1.96 SE (95%).
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/evaluation/panel.hpp"

namespace schoolsim::evaluation {

struct DesignOptions {
  int pre = 3;         ///< pre-period length (terms before the start)
  int horizon = 6;     ///< last event time of the outcome window
  int post_width = 3;  ///< outcome window length (ending at horizon)
  /// Study size: evaluate a random sample of this many treated schools (0 = all), as a real
  /// study observes a sample (Chapman & Muijs 2014: 264 federated schools). Treated schools
  /// left out of the sample are not controls either.
  int sample = 0;
  std::uint64_t sample_seed = 0;  ///< which sample (a replicate's own seed)
};

struct Estimate {
  double estimate = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  double lo = std::numeric_limits<double>::quiet_NaN();  ///< 95% interval
  double hi = std::numeric_limits<double>::quiet_NaN();
  int n_treated = 0;
  int n_controls = 0;  ///< distinct control schools used
};

enum class Design : int { Matched = 0, DiD = 1, Naive = 2 };
inline constexpr int kDesigns = 3;
const char* to_string(Design d);

struct TreatedUnit {
  int school;
  int start;
};
/// The treated group (school, start term) in school order (the sample, if one is asked for).
std::vector<TreatedUnit> treated_units(const Panel& p, const DesignOptions& o);
/// Whether school j is a clean control for cohort `start`.
bool clean_control(const Panel& p, int j, int start, const DesignOptions& o);
/// Mean attainment of school i over the pre-period / outcome window of cohort `start`.
double pre_mean(const Panel& p, int i, int start, const DesignOptions& o);
double post_mean(const Panel& p, int i, int start, const DesignOptions& o);

Estimate matched_comparison(const Panel& p, const DesignOptions& o);
Estimate event_time_did(const Panel& p, const DesignOptions& o);
Estimate naive_comparison(const Panel& p, const DesignOptions& o);
Estimate estimate(Design d, const Panel& p, const DesignOptions& o);

/// The true average effect on the treated: the mean over the treated group of `treated`
/// of (outcome in `treated` - outcome of the same school in `counterfactual`), the
/// counterfactual being the same world and random numbers without partnerships.
double true_att(const Panel& treated, const Panel& counterfactual, const DesignOptions& o);

/// Checks the options (positive lengths, post_width <= horizon); std::invalid_argument.
void check_options(const DesignOptions& o);

}  // namespace schoolsim::evaluation
