#include "sim/calibration/report.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "sim/io/nc_writer.hpp"
#include "sim/io/table_text.hpp"
#include "sim/core/version.hpp"

namespace schoolsim::calibration {
namespace {

std::string roles_text(const Roles& roles) {
  std::string s;
  for (const auto& [role, name] : roles) s += (s.empty() ? "" : ", ") + role + "=" + name;
  return s;
}

void accept_interval(const Criterion& c, double& lo, double& hi) {
  const double inf = std::numeric_limits<double>::infinity();
  switch (c.kind) {
    case Criterion::Kind::Near: lo = c.a - c.b, hi = c.a + c.b; break;
    case Criterion::Kind::AtLeast:
    case Criterion::Kind::Above: lo = c.a, hi = inf; break;
    case Criterion::Kind::AtMost:
    case Criterion::Kind::Below: lo = -inf, hi = c.a; break;
    case Criterion::Kind::Between: lo = c.a, hi = c.b; break;
  }
}

}  // namespace

std::string format_check(const CheckReport& report) {
  std::ostringstream out;
  out << "calibration check: " << report.targets_file.string() << " (" << report.results.size() << " targets, "
      << report.replicates << " replicates, scenarios from " << report.scenario_dir.string() << ")\n";
  if (!report.overrides.empty()) {
    out << "overrides:";
    for (const auto& o : report.overrides) out << " " << o;
    out << "\n";
  }
  out << "\n"
      << io::pad_right("target", 36) << io::pad_right("model", 11) << io::pad_right("SD", 9)
      << io::pad_right("90% interval", 21) << io::pad_right("target", 16) << "result\n";
  for (const auto& r : report.results) {
    out << io::pad_right(r.spec.id, 36) << io::pad_right(io::table_number(r.value), 11)
        << io::pad_right(io::table_number(r.sd, "%.3g"), 9) << io::pad_right(io::table_interval(r.p05, r.p95), 21)
        << io::pad_right(r.criterion.describe(), 16) << (r.pass ? "PASS" : "FAIL") << "\n";
    out << "    " << r.details << "\n";
    out << "    scenarios: " << roles_text(r.roles) << "; spread over " << r.replicates << " replicates\n";
  }
  out << "\n"
      << report.passed() << " of " << report.results.size() << " targets pass; runs took "
      << io::table_number(report.seconds, "%.1f") << " s\n";
  return out.str();
}

void write_check_report(const std::filesystem::path& path, bool overwrite, const CheckReport& report,
                        const std::string& history) {
  io::NcWriter f(path, overwrite);
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", std::string("schoolsim calibration check"));
  f.set_global("source", version_string());
  f.set_global("history", history);
  f.set_global("targets_file", report.targets_file.string());
  f.set_global("scenario_dir", report.scenario_dir.string());
  f.set_global("replicates", static_cast<std::int64_t>(report.replicates));
  std::string overrides;
  for (const auto& o : report.overrides) overrides += (overrides.empty() ? "" : "\n") + o;
  f.set_global("overrides", overrides);
  f.set_global("wall_time_seconds", report.seconds);

  std::vector<std::string> ids, rule, text, statistic, scenarios, details, source;
  std::vector<double> value, mean, sd, p05, p95, target_value, tolerance, lower, upper, discrepancy;
  std::vector<std::int32_t> replicates;
  std::vector<std::int8_t> pass;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& r : report.results) {
    ids.push_back(r.spec.id);
    rule.push_back(r.criterion.describe());
    text.push_back(r.spec.value_text);
    statistic.push_back(r.spec.statistic_text);
    scenarios.push_back(roles_text(r.roles));
    details.push_back(r.details);
    source.push_back(r.spec.source);
    value.push_back(r.value);
    mean.push_back(r.mean);
    sd.push_back(r.sd);
    p05.push_back(r.p05);
    p95.push_back(r.p95);
    replicates.push_back(r.replicates);
    target_value.push_back(r.criterion.kind == Criterion::Kind::Between ? nan : r.criterion.a);
    tolerance.push_back(r.criterion.kind == Criterion::Kind::Near ? r.criterion.b : nan);
    double lo = 0, hi = 0;
    accept_interval(r.criterion, lo, hi);
    lower.push_back(lo);
    upper.push_back(hi);
    pass.push_back(r.pass ? 1 : 0);
    discrepancy.push_back(r.discrepancy);
  }
  f.add_dimension("target", ids, {{"long_name", "calibration target id"}});
  auto attrs = [](const char* units, const char* long_name) {
    return io::Attributes{{"units", std::string(units)}, {"long_name", std::string(long_name)}};
  };
  f.write("model_value", {"target"}, value, attrs("1", "model value judged against the target"));
  f.write("model_mean", {"target"}, mean, attrs("1", "mean over replicates of the per-replicate statistic"));
  f.write("model_sd", {"target"}, sd,
          attrs("1", "standard deviation over replicates (binomial SE for shares of replicates)"));
  f.write("model_p05", {"target"}, p05,
          attrs("1", "5% quantile over replicates (Wilson bound for shares of replicates)"));
  f.write("model_p95", {"target"}, p95,
          attrs("1", "95% quantile over replicates (Wilson bound for shares of replicates)"));
  f.write("replicates", {"target"}, replicates, attrs("1", "replicates with a value"));
  f.write("target_value", {"target"}, target_value, attrs("1", "observed value or bound (NaN for an interval)"));
  f.write("tolerance", {"target"}, tolerance, attrs("1", "tolerance (NaN for bounds)"));
  f.write("accept_lower", {"target"}, lower, attrs("1", "lowest accepted model value"));
  f.write("accept_upper", {"target"}, upper, attrs("1", "highest accepted model value"));
  f.write("pass", {"target"}, pass,
          io::Attributes{{"units", std::string("1")},
                         {"long_name", std::string("1 if the target is met")},
                         {"flag_values", std::string("0 1")},
                         {"flag_meanings", std::string("fail pass")}});
  f.write("discrepancy", {"target"}, discrepancy, attrs("1", "standardised distance to the target (0 = met bound)"));
  f.write_strings("rule", {"target"}, rule, {{"long_name", std::string("pass rule")}});
  f.write_strings("target_text", {"target"}, text, {{"long_name", std::string("target value as written")}});
  f.write_strings("statistic", {"target"}, statistic,
                  {{"long_name", std::string("statistic as defined in the targets file")}});
  f.write_strings("scenarios", {"target"}, scenarios, {{"long_name", std::string("scenarios run, by role")}});
  f.write_strings("details", {"target"}, details, {{"long_name", std::string("parts of the statistic")}});
  f.write_strings("source", {"target"}, source, {{"long_name", std::string("evidence (seed file and line)")}});
  f.commit();
}

std::string format_fit(const FitResult& result) {
  std::ostringstream out;
  const FitEvaluation& best = result.evaluations.at(result.best);
  out << "calibration fit: " << result.evaluations.size() << " evaluations in "
      << io::table_number(result.seconds, "%.1f") << " s; best J = " << io::table_number(best.objective) << " ("
      << best.passed << " of " << result.target_ids.size() << " targets met)\n\n";
  out << io::pad_right("parameter", 36) << io::pad_right("best", 12) << io::pad_right("range", 20)
      << io::pad_right("half-width", 12) << "good points' range\n";
  for (std::size_t k = 0; k < result.params.size(); ++k) {
    const auto& p = result.params[k];
    const auto& id = result.identification.at(k);
    out << io::pad_right(p.key, 36) << io::pad_right(io::table_number(best.x[k]), 12)
        << io::pad_right(io::table_interval(p.lo, p.hi), 20)
        << io::pad_right(
               std::isfinite(id.half_width) ? std::string("+-") + io::table_number(id.half_width, "%.3g") : "flat", 12)
        << "[" << io::table_number(id.good_lo) << ", " << io::table_number(id.good_hi) << "] (" << id.good_points
        << " points)\n";
  }
  out << "\n" << io::pad_right("target", 36) << io::pad_right("model", 12) << "z\n";
  for (std::size_t k = 0; k < result.target_ids.size(); ++k)
    out << io::pad_right(result.target_ids[k], 36) << io::pad_right(io::table_number(best.values[k]), 12)
        << io::table_number(best.discrepancy[k], "%.3g") << "\n";
  out << "\nhalf-width: the change of one parameter (others at the optimum) that raises J by 1, from the\n"
         "curvature of J at +-5% of its range; 'flat' means J does not rise there (not identified by\n"
         "these targets). Good points: every evaluated point with J <= J* + max(1, 0.1 J*).\n";
  return out.str();
}

void write_fit_report(const std::filesystem::path& path, bool overwrite, const FitResult& result,
                      const std::string& history) {
  io::NcWriter f(path, overwrite);
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", std::string("schoolsim calibration fit"));
  f.set_global("source", version_string());
  f.set_global("history", history);
  f.set_global("method",
               std::string("method of simulated moments: Latin hypercube, Nelder-Mead, curvature at the optimum"));
  f.set_global("wall_time_seconds", result.seconds);
  f.set_global("best_evaluation", static_cast<std::int64_t>(result.best));
  const std::size_t ne = result.evaluations.size(), np = result.params.size(), nt = result.target_ids.size();
  std::vector<std::int32_t> evals(ne);
  for (std::size_t k = 0; k < ne; ++k) evals[k] = static_cast<std::int32_t>(k);
  std::vector<std::string> keys;
  for (const auto& p : result.params) keys.push_back(p.key);
  f.add_dimension("evaluation", evals, {{"long_name", std::string("evaluation of the objective, in order")}});
  f.add_dimension("parameter", keys, {{"long_name", std::string("fitted parameter")}});
  f.add_dimension("target", result.target_ids, {{"long_name", std::string("calibration target id")}});
  std::vector<double> x(ne * np), value(ne * nt), z(ne * nt), objective(ne);
  std::vector<std::string> stage(ne);
  for (std::size_t e = 0; e < ne; ++e) {
    const auto& ev = result.evaluations[e];
    objective[e] = ev.objective;
    stage[e] = ev.stage;
    for (std::size_t k = 0; k < np; ++k) x[e * np + k] = ev.x[k];
    for (std::size_t k = 0; k < nt; ++k) value[e * nt + k] = ev.values[k], z[e * nt + k] = ev.discrepancy[k];
  }
  auto attrs = [](const char* long_name) {
    return io::Attributes{{"units", std::string("1")}, {"long_name", std::string(long_name)}};
  };
  f.write("x", {"evaluation", "parameter"}, x, attrs("parameter values"));
  f.write("objective", {"evaluation"}, objective, attrs("J = sum weight * z^2"));
  f.write("model_value", {"evaluation", "target"}, value, attrs("model value of each target"));
  f.write("discrepancy", {"evaluation", "target"}, z, attrs("standardised discrepancy z"));
  f.write_strings("stage", {"evaluation"}, stage, {{"long_name", std::string("search stage")}});
  std::vector<double> lo, hi, best, curvature, half, good_lo, good_hi;
  for (std::size_t k = 0; k < np; ++k) {
    const auto& id = result.identification.at(k);
    lo.push_back(result.params[k].lo);
    hi.push_back(result.params[k].hi);
    best.push_back(result.evaluations[result.best].x[k]);
    curvature.push_back(id.curvature);
    half.push_back(id.half_width);
    good_lo.push_back(id.good_lo);
    good_hi.push_back(id.good_hi);
  }
  f.write("lower_bound", {"parameter"}, lo, attrs("search lower bound"));
  f.write("upper_bound", {"parameter"}, hi, attrs("search upper bound"));
  f.write("best", {"parameter"}, best, attrs("parameter value at the lowest J"));
  f.write("curvature", {"parameter"}, curvature, attrs("second derivative of J at the optimum"));
  f.write("half_width", {"parameter"}, half, attrs("change that raises J by 1: sqrt(2 / curvature)"));
  f.write("good_lower", {"parameter"}, good_lo, attrs("lowest value among points with J <= J* + max(1, 0.1 J*)"));
  f.write("good_upper", {"parameter"}, good_hi, attrs("highest value among points with J <= J* + max(1, 0.1 J*)"));
  f.commit();
}

}  // namespace schoolsim::calibration
