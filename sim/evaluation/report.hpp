#pragma once
// The virtual-evaluation report: text, and netCDF-4 compatible HDF5 over dimensions
// `replicate` and `design`.
#include <filesystem>
#include <string>

#include "sim/evaluation/evaluate.hpp"

namespace schoolsim::evaluation {

std::string format_evaluation(const EvaluationResult& r);

/// Variables: true_att[replicate], n_treated[replicate]; estimate, se, ci_lower, ci_upper,
/// n_treated_used, n_controls [design, replicate]; mean_estimate, sd_estimate,
/// estimate_p05, estimate_p95, mean_se, mean_bias, rmse, coverage [design].
void write_evaluation_report(const std::filesystem::path& path, bool overwrite, const EvaluationResult& r,
                             const std::string& history);

}  // namespace schoolsim::evaluation
