#pragma once
// The calibration report: a text table (model value with its spread over replicates, the
// target, the rule and PASS/FAIL, one line of details per target) and the same table as a
// netCDF-4 compatible HDF5 file over a dimension `target`.
#include <filesystem>
#include <string>

#include "sim/calibration/check.hpp"
#include "sim/calibration/search.hpp"

namespace schoolsim::calibration {

/// The report as text (what `schoolsim calibrate check` prints).
std::string format_check(const CheckReport& report);

/// Writes the report to `path` (under a temporary name, renamed when complete). Variables
/// over `target`: model_value, model_mean, model_sd, model_p05, model_p95, replicates,
/// target_value, tolerance, accept_lower, accept_upper, pass, discrepancy; strings: rule,
/// target_text, statistic, scenarios, details, source. Throws io::OutputError.
void write_check_report(const std::filesystem::path& path, bool overwrite, const CheckReport& report,
                        const std::string& history);

/// The fit as text: best parameters, J, the targets at the optimum, identification.
std::string format_fit(const FitResult& result);

/// Writes the fit as netCDF-4 compatible HDF5: dimensions `evaluation`, `parameter`,
/// `target`; the evaluated points, J and per-target values; the best point and the
/// identification of each parameter.
void write_fit_report(const std::filesystem::path& path, bool overwrite, const FitResult& result,
                      const std::string& history);

}  // namespace schoolsim::calibration
