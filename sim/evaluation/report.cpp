#include "sim/evaluation/report.hpp"

#include <cmath>
#include <sstream>

#include "sim/io/nc_writer.hpp"
#include "sim/io/table_text.hpp"
#include "sim/core/version.hpp"

namespace schoolsim::evaluation {

std::string format_evaluation(const EvaluationResult& r) {
  const auto& o = r.options;
  std::ostringstream out;
  double treated = 0;
  for (const auto& rep : r.replicates) treated += rep.n_treated;
  treated /= std::max<std::size_t>(1, r.replicates.size());
  out << "virtual evaluation: " << r.scenario << ", " << r.replicates.size() << " replicates; treatment: first "
      << to_string(o.role) << " partnership; pre-period event times -" << o.design.pre << "..-1, outcome event times "
      << o.design.horizon - o.design.post_width + 1 << ".." << o.design.horizon;
  if (o.design.sample > 0) out << "; study sample of " << o.design.sample << " treated schools per replicate";
  out << "\n";
  out << "true average effect on the treated (vs the same run without partnerships): "
      << io::table_number(r.mean_true_att) << " pupil SD (SD over replicates "
      << io::table_number(r.sd_true_att, "%.3g") << "); " << io::table_number(treated, "%.0f")
      << " treated schools per replicate\n\n";
  out << io::pad_right("design", 22) << io::pad_right("mean est.", 11) << io::pad_right("SD", 9)
      << io::pad_right("90% of estimates", 22) << io::pad_right("mean SE", 9) << io::pad_right("bias", 10)
      << io::pad_right("RMSE", 9) << "95% CI coverage\n";
  for (int d = 0; d < kDesigns; ++d) {
    const auto& s = r.designs[d];
    out << io::pad_right(to_string(static_cast<Design>(d)), 22) << io::pad_right(io::table_number(s.mean_estimate), 11)
        << io::pad_right(io::table_number(s.sd_estimate, "%.3g"), 9)
        << io::pad_right(io::table_interval(s.p05, s.p95), 22) << io::pad_right(io::table_number(s.mean_se, "%.3g"), 9)
        << io::pad_right(io::table_number(s.mean_bias, "%.3g"), 10)
        << io::pad_right(io::table_number(s.rmse, "%.3g"), 9) << io::table_number(s.coverage, "%.2f") << " ("
        << s.replicates << " replicates)\n";
  }
  return out.str();
}

void write_evaluation_report(const std::filesystem::path& path, bool overwrite, const EvaluationResult& r,
                             const std::string& history) {
  io::NcWriter f(path, overwrite);
  const auto& o = r.options;
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", "schoolsim virtual evaluation: " + r.scenario);
  f.set_global("source", version_string());
  f.set_global("history", history);
  f.set_global("scenario_name", r.scenario);
  f.set_global("role", std::string(to_string(o.role)));
  f.set_global("pre", static_cast<std::int64_t>(o.design.pre));
  f.set_global("horizon", static_cast<std::int64_t>(o.design.horizon));
  f.set_global("post_width", static_cast<std::int64_t>(o.design.post_width));
  f.set_global("sample", static_cast<std::int64_t>(o.design.sample));
  f.set_global("true_effect_definition",
               std::string("mean over treated schools (first partnership at term s with a full window) of mean "
                           "attainment over terms s+horizon-post_width+1..s+horizon in the scenario minus the same in "
                           "its counterfactual without partnership formation, same world and random numbers"));
  const std::size_t nr = r.replicates.size();
  std::vector<std::int32_t> reps(nr);
  for (std::size_t k = 0; k < nr; ++k) reps[k] = r.replicates[k].replicate;
  std::vector<std::string> designs;
  for (int d = 0; d < kDesigns; ++d) designs.push_back(to_string(static_cast<Design>(d)));
  f.add_dimension(
      "replicate", reps,
      {{"long_name", std::string("engine replicate number")}, {"standard_name", std::string("realization")}});
  f.add_dimension("design", designs, {{"long_name", std::string("evaluation design")}});
  auto attrs = [](const char* units, const char* long_name) {
    return io::Attributes{{"units", std::string(units)}, {"long_name", std::string(long_name)}};
  };
  std::vector<double> truth(nr), est(kDesigns * nr), se(kDesigns * nr), lo(kDesigns * nr), hi(kDesigns * nr);
  std::vector<std::int32_t> n_treated(nr), n_used(kDesigns * nr), n_controls(kDesigns * nr);
  for (std::size_t k = 0; k < nr; ++k) {
    truth[k] = r.replicates[k].true_att;
    n_treated[k] = r.replicates[k].n_treated;
    for (int d = 0; d < kDesigns; ++d) {
      const auto& e = r.replicates[k].estimates[d];
      const std::size_t at = static_cast<std::size_t>(d) * nr + k;
      est[at] = e.estimate, se[at] = e.se, lo[at] = e.lo, hi[at] = e.hi;
      n_used[at] = e.n_treated, n_controls[at] = e.n_controls;
    }
  }
  f.write("true_att", {"replicate"}, truth, attrs("pupil_sd", "true average effect on the treated"));
  f.write("n_treated", {"replicate"}, n_treated, attrs("1", "treated schools with a full window"));
  f.write("estimate", {"design", "replicate"}, est, attrs("pupil_sd", "estimated average effect on the treated"));
  f.write("se", {"design", "replicate"}, se, attrs("pupil_sd", "standard error of the estimate"));
  f.write("ci_lower", {"design", "replicate"}, lo, attrs("pupil_sd", "lower end of the 95% interval"));
  f.write("ci_upper", {"design", "replicate"}, hi, attrs("pupil_sd", "upper end of the 95% interval"));
  f.write("n_treated_used", {"design", "replicate"}, n_used, attrs("1", "treated schools the design used"));
  f.write("n_controls", {"design", "replicate"}, n_controls, attrs("1", "distinct control schools the design used"));
  std::vector<double> mean(kDesigns), sd(kDesigns), p05(kDesigns), p95(kDesigns), mse(kDesigns), bias(kDesigns),
      rmse(kDesigns), coverage(kDesigns);
  for (int d = 0; d < kDesigns; ++d) {
    const auto& s = r.designs[d];
    mean[d] = s.mean_estimate, sd[d] = s.sd_estimate, p05[d] = s.p05, p95[d] = s.p95, mse[d] = s.mean_se;
    bias[d] = s.mean_bias, rmse[d] = s.rmse, coverage[d] = s.coverage;
  }
  f.write("mean_estimate", {"design"}, mean, attrs("pupil_sd", "mean estimate over replicates"));
  f.write("sd_estimate", {"design"}, sd, attrs("pupil_sd", "standard deviation of the estimates over replicates"));
  f.write("estimate_p05", {"design"}, p05, attrs("pupil_sd", "5% quantile of the estimates"));
  f.write("estimate_p95", {"design"}, p95, attrs("pupil_sd", "95% quantile of the estimates"));
  f.write("mean_se", {"design"}, mse, attrs("pupil_sd", "mean standard error"));
  f.write("mean_bias", {"design"}, bias, attrs("pupil_sd", "mean of estimate minus true effect"));
  f.write("rmse", {"design"}, rmse, attrs("pupil_sd", "root mean square error against the true effect"));
  f.write("coverage", {"design"}, coverage, attrs("1", "share of replicates whose 95% interval holds the true effect"));
  f.commit();
}

}  // namespace schoolsim::evaluation
