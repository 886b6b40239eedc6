#include "sim/sweep/run_record.hpp"

#include <stdexcept>
#include <string>

#include "sim/sweep/sweep_error.hpp"

namespace schoolsim::sweep {
namespace {

io::Attributes attrs(const std::string& units, const std::string& long_name) {
  return {{"units", units}, {"long_name", long_name}};
}

template <class Get>
std::vector<double> series(int terms, int width, Get get) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(terms) * static_cast<std::size_t>(width));
  for (int t = 0; t < terms; ++t)
    for (int k = 0; k < width; ++k) out.push_back(get(t, k));
  return out;
}

}  // namespace

RunSchema make_run_schema(int n_schools, int terms, bool per_school, bool events, int n_las,
                          std::vector<std::string> regions, std::vector<std::string> programmes) {
  RunSchema s;
  s.programmes = std::move(programmes);
  const std::size_t P = s.programmes.size();
  s.n_las = n_las;
  s.regions = n_las > 0 ? std::move(regions) : std::vector<std::string>{};
  const auto L = static_cast<std::size_t>(n_las);
  const std::size_t G = s.regions.size();
  s.n_schools = n_schools;
  s.n_terms = terms + 1;
  s.per_school = per_school;
  s.events = events;
  const auto T = static_cast<std::size_t>(s.n_terms);
  const auto N = static_cast<std::size_t>(n_schools);
  auto add = [&](std::string name, std::vector<std::string> dims, ElementType type, io::Attributes a, std::size_t size,
                 bool school = false) {
    s.variables.push_back({std::move(name), std::move(dims), type, std::move(a), size, school});
  };
  // Same order, names and attributes as sim/io/run_file.cpp.
  for (const auto& m : scope_metric_info()) {
    add(m.name, {"term"}, ElementType::F64, attrs(m.units, m.long_name), T);
    add(std::string(m.name) + "_by_phase", {"term", "phase"}, ElementType::F64,
        attrs(m.units, std::string(m.long_name) + ", by phase"), T * kPhases);
    if (L == 0) continue;
    add(std::string(m.name) + "_by_la", {"term", "local_authority"}, ElementType::F64,
        attrs(m.units, std::string(m.long_name) + ", by LA"), T * L);
    if (G > 0)
      add(std::string(m.name) + "_by_region", {"term", "region"}, ElementType::F64,
          attrs(m.units, std::string(m.long_name) + ", by region"), T * G);
  }
  add("grade_share", {"term", "grade"}, ElementType::F64, attrs("1", "share of schools per inspection grade"),
      T * kGrades);
  add("grade_share_by_phase", {"term", "phase", "grade"}, ElementType::F64,
      attrs("1", "share of schools per inspection grade, by phase"), T * kPhases * kGrades);
  add("partnerships_active", {"term", "partnership_type"}, ElementType::F64, attrs("1", "active partnerships by type"),
      T * kPartnershipTypes);
  add("cross_quartile_share", {"term"}, ElementType::F64,
      attrs("1", "share of active partnerships linking different attainment quartiles"), T);
  add("mean_trust", {"term"}, ElementType::F64, attrs("1", "mean pair trust within active partnerships"), T);
  add("pupils_moved", {"term"}, ElementType::F64,
      attrs("pupils", "pupils placed at a school other than their origin school"), T);
  add("money_spent", {"term"}, ElementType::F64, attrs("GBP", "programme money spent, cumulative"), T);
  add("partnerships_brokered", {"term"}, ElementType::F64, attrs("1", "partnerships formed this term through a broker"),
      T);
  if (P > 0) {
    add("programme_budget", {"programme"}, ElementType::F64, attrs("GBP", "programme budget"), P);
    add("programme_spending", {"term", "programme"}, ElementType::F64,
        attrs("GBP", "programme grants paid in the term"), T * P);
  }
  if (per_school) {
    add("school_attainment", {"term", "school"}, ElementType::F32, attrs("pupil_sd", "measured school attainment"),
        T * N, true);
    add("school_capacity", {"term", "school"}, ElementType::F32, attrs("1", "spare capacity for improvement work"),
        T * N, true);
    add("school_pupils", {"term", "school"}, ElementType::I32, attrs("pupils", "pupils on roll (rounded)"), T * N,
        true);
    add("school_grade", {"term", "school"}, ElementType::I8,
        attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"), T * N, true);
    add("school_partnerships", {"term", "school"}, ElementType::I16, attrs("1", "active partnerships of the school"),
        T * N, true);
    add("school_expertise", {"term", "school", "domain"}, ElementType::F32, attrs("1", "expertise by domain"),
        T * N * kDomains, true);
  }
  return s;
}

RunRecord record_run(const RunSchema& schema, std::int64_t run_id, const Recorder& r, const State& final_state) {
  if (r.observed_terms() != schema.n_terms)
    throw std::logic_error("record_run: the run observed a different number of terms");
  RunRecord rec;
  rec.run_id = run_id;
  const int T = schema.n_terms;
  for (const auto& m : scope_metric_info()) {
    rec.columns.emplace_back(series(T, 1, [&](int t, int) { return r.overall[static_cast<std::size_t>(t)].*m.field; }));
    rec.columns.emplace_back(series(T, kPhases, [&](int t, int ph) {
      return r.phases[static_cast<std::size_t>(t)][static_cast<std::size_t>(ph)].*m.field;
    }));
    if (schema.n_las == 0) continue;
    if (!r.by_area()) throw std::logic_error("record_run: the run did not record metrics by area");
    const int L = schema.n_las, G = static_cast<int>(schema.regions.size());
    rec.columns.emplace_back(
        series(T, L, [&](int t, int la) { return r.by_la[static_cast<std::size_t>(t * L + la)].*m.field; }));
    if (G > 0)
      rec.columns.emplace_back(
          series(T, G, [&](int t, int g) { return r.by_region[static_cast<std::size_t>(t * G + g)].*m.field; }));
  }
  rec.columns.emplace_back(series(T, kGrades, [&](int t, int g) {
    return r.overall[static_cast<std::size_t>(t)].grade_share[static_cast<std::size_t>(g)];
  }));
  std::vector<double> by_phase;
  for (int t = 0; t < T; ++t)
    for (int ph = 0; ph < kPhases; ++ph)
      for (int g = 0; g < kGrades; ++g)
        by_phase.push_back(r.phases[static_cast<std::size_t>(t)][static_cast<std::size_t>(ph)]
                               .grade_share[static_cast<std::size_t>(g)]);
  rec.columns.emplace_back(std::move(by_phase));
  rec.columns.emplace_back(series(T, kPartnershipTypes, [&](int t, int k) {
    return r.system[static_cast<std::size_t>(t)].partnerships_active[static_cast<std::size_t>(k)];
  }));
  rec.columns.emplace_back(
      series(T, 1, [&](int t, int) { return r.system[static_cast<std::size_t>(t)].cross_quartile_share; }));
  rec.columns.emplace_back(series(T, 1, [&](int t, int) { return r.system[static_cast<std::size_t>(t)].mean_trust; }));
  rec.columns.emplace_back(
      series(T, 1, [&](int t, int) { return r.system[static_cast<std::size_t>(t)].pupils_moved; }));
  rec.columns.emplace_back(series(T, 1, [&](int t, int) { return r.system[static_cast<std::size_t>(t)].money_spent; }));
  rec.columns.emplace_back(
      series(T, 1, [&](int t, int) { return r.system[static_cast<std::size_t>(t)].partnerships_brokered; }));
  if (!schema.programmes.empty()) {
    const int P = static_cast<int>(schema.programmes.size());
    if (r.programmes.programmes() != P)
      throw SweepInputError(
          "a run of the sweep has " + std::to_string(r.programmes.programmes()) +
          " programmes, the sweep's base scenario " + std::to_string(P) +
          ": every run of a sweep needs the same programmes (change their settings, not their number)");
    rec.columns.emplace_back(r.programmes.budgets);
    rec.columns.emplace_back(series(T, P, [&](int t, int k) { return r.programmes.spent_in(t, k); }));
  }
  if (schema.per_school) {
    if (!r.per_school()) throw std::logic_error("record_run: the run did not record per-school trajectories");
    rec.columns.emplace_back(r.school_attainment);
    rec.columns.emplace_back(r.school_capacity);
    rec.columns.emplace_back(r.school_pupils);
    rec.columns.emplace_back(r.school_grade);
    rec.columns.emplace_back(r.school_partnerships);
    rec.columns.emplace_back(r.school_expertise);
  }
  if (rec.columns.size() != schema.variables.size()) throw std::logic_error("record_run: schema and record differ");
  for (std::size_t i = 0; i < rec.columns.size(); ++i) {
    const std::size_t n = std::visit([](const auto& v) { return v.size(); }, rec.columns[i]);
    if (n != schema.variables[i].size)
      throw std::logic_error("record_run: variable " + schema.variables[i].name + " has " + std::to_string(n) +
                             " values, expected " + std::to_string(schema.variables[i].size));
  }
  if (schema.events) rec.events = final_state.events;
  return rec;
}

RunRecord failed_run(std::int64_t run_id, std::string error) {
  RunRecord rec;
  rec.run_id = run_id;
  rec.status = 1;
  rec.error = std::move(error);
  return rec;
}

}  // namespace schoolsim::sweep
