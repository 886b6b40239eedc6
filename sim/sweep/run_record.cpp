#include "sim/sweep/run_record.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/io/run_file.hpp"
#include "sim/sweep/sweep_error.hpp"

namespace schoolsim::sweep {

output::Layout sweep_layout(const RunSchema& schema) {
  output::Layout l;
  l.sweep = true;
  l.per_school = schema.per_school;
  l.events = schema.events;
  l.by_area = schema.n_las > 0;
  l.terms = schema.n_terms;
  l.schools = schema.n_schools;
  l.las = schema.n_las;
  l.regions = schema.regions;
  l.programmes = schema.programmes;
  return l;
}

RunSchema make_run_schema(int n_schools, int terms, bool per_school, bool events, int n_las,
                          std::vector<std::string> regions, std::vector<std::string> programmes) {
  RunSchema s;
  s.programmes = std::move(programmes);
  s.n_las = n_las;
  s.regions = n_las > 0 ? std::move(regions) : std::vector<std::string>{};
  s.n_schools = n_schools;
  s.n_terms = terms + 1;
  s.per_school = per_school;
  s.events = events;
  const output::Layout layout = sweep_layout(s);
  for (const auto& v : output::variables()) {
    if (v.part != output::Part::Run || !output::holds(v.condition, layout)) continue;
    const bool school = std::find(v.dims.begin(), v.dims.end(), "school") != v.dims.end();
    s.variables.push_back({v.name, v.dims, v.type, io::to_attributes(output::attributes_in(v, layout)),
                           output::values_per_row(v, layout), school, &v});
  }
  return s;
}

RunRecord record_run(const RunSchema& schema, std::int64_t run_id, const Recorder& r, const State& final_state) {
  if (r.observed_terms() != schema.n_terms)
    throw std::logic_error("record_run: the run observed a different number of terms");
  if (schema.n_las > 0 && !r.by_area()) throw std::logic_error("record_run: the run did not record metrics by area");
  const auto P = static_cast<int>(schema.programmes.size());
  if (P > 0 && r.programmes.programmes() != P)
    throw SweepInputError("a run of the sweep has " + std::to_string(r.programmes.programmes()) +
                          " programmes, the sweep's base scenario " + std::to_string(P) +
                          ": every run of a sweep needs the same programmes (change their settings, not their number)");
  if (schema.per_school && !r.per_school())
    throw std::logic_error("record_run: the run did not record per-school trajectories");
  RunRecord rec;
  rec.run_id = run_id;
  output::Source source;
  source.recorder = &r;
  for (const VariableSchema& v : schema.variables) rec.columns.push_back(v.variable->values(source));
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
