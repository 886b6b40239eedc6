#pragma once
// The statistics of the calibration targets (shared/targets/stylised_facts.yaml), one per
// target id, each computed exactly as the targets file defines it (the definitions, with the
// choices the text leaves open, are in docs/calibration.md). A statistic names the scenarios
// it needs by role (e.g. treatment = la_brokered, control = market; a targets file may
// rename them with `scenarios:`), adds its runs to a RunPlan, turns the traces of one
// replicate into a row of numbers, and summarises the rows of all replicates into a result.
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/experiment/runs.hpp"
#include "sim/calibration/targets.hpp"

namespace schoolsim::calibration {

/// Role -> scenario name.
using Roles = std::map<std::string, std::string>;

struct TargetResult {
  TargetSpec spec;
  Roles roles;
  Criterion criterion;
  double value = std::numeric_limits<double>::quiet_NaN();  ///< the model value the criterion judges
  /// Spread over replicates of the per-replicate statistic (what "value" summarises).
  double mean = std::numeric_limits<double>::quiet_NaN(), sd = 0, p05 = 0, p95 = 0;
  int replicates = 0;
  bool pass = false;
  double discrepancy = 0;  ///< standardised distance to the criterion (calibration search)
  std::string details;     ///< the parts of the statistic, in words
};

class Statistic {
 public:
  virtual ~Statistic() = default;
  /// Adds the runs this statistic needs (the scenarios of `roles`) to `plan`.
  virtual void plan(const Roles& roles, ScenarioLibrary& library, RunPlan& plan) = 0;
  /// The numbers of one replicate.
  virtual std::vector<double> replicate(const Roles& roles, const TraceSet& traces) const = 0;
  /// Fills value, spread and details from the rows of every replicate.
  virtual void summarise(const std::vector<std::vector<double>>& rows, TargetResult& out) = 0;
  /// Conditions of PASS besides the criterion on the value (after summarise), e.g. "higher
  /// where trust is higher" of funding_cliff.
  virtual bool conditions_hold() const { return true; }
};

bool is_known_statistic(const std::string& id);
std::vector<std::string> known_statistics();
/// The roles of a statistic with their default scenario names.
Roles statistic_roles(const std::string& id);
/// The roles of a target: the defaults, replaced by the target's `scenarios:` entries.
Roles target_roles(const TargetSpec& t);
/// The pass rule of a target (its value parsed as the statistic understands it); throws
/// config::ConfigError when the value has a form the statistic does not understand.
Criterion target_criterion(const TargetSpec& t);
/// Throws config::ConfigError if target_criterion would.
void check_criterion(const TargetSpec& t);
/// The statistic of a target id (std::invalid_argument for an unknown id).
std::unique_ptr<Statistic> make_statistic(const TargetSpec& t);

/// Summary of one number over replicates: mean, sample SD, 5% and 95% quantiles.
struct Spread {
  double mean = std::numeric_limits<double>::quiet_NaN(), sd = 0, p05 = 0, p95 = 0;
  int n = 0;
};
/// Over the finite values only.
Spread spread(const std::vector<double>& values);

}  // namespace schoolsim::calibration
