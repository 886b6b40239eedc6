#include "sim/io/run_file.hpp"

#include <algorithm>
#include <variant>

#include "sim/config/scenario_yaml.hpp"
#include "sim/core/version.hpp"
#include "sim/io/nc_writer.hpp"

namespace schoolsim::io {

Attributes to_attributes(const output::Attributes& a) {
  Attributes out;
  out.reserve(a.size());
  for (const auto& x : a) out.push_back({x.name, x.value});
  return out;
}

void add_dimension(NcWriter& f, const output::Dimension& d, const output::Layout& layout) {
  const Attributes a = to_attributes(output::attributes_in(d, layout));
  std::visit([&](const auto& values) { f.add_dimension(d.name, values, a); }, output::dimension_values(d, layout));
}

void write_variable(NcWriter& f, const output::Variable& v, const output::Layout& layout,
                    const output::Source& source) {
  const Attributes a = to_attributes(output::attributes_in(v, layout));
  std::visit([&](const auto& values) { f.write(v.name, v.dims, values, a); }, v.values(source));
}

output::Layout run_layout(const Scenario& s, const World& w, const Recorder& r, const State& final_state) {
  output::Layout l;
  l.per_school = r.per_school();
  l.events = s.output.events;
  l.by_area = r.by_area();
  l.terms = r.observed_terms();
  l.schools = w.n;
  l.las = w.n_las;
  for (const auto& e : final_state.events) l.max_members = std::max(l.max_members, static_cast<int>(e.members.size()));
  l.n_events = static_cast<std::int64_t>(final_state.events.size());
  l.n_programme_events = static_cast<std::int64_t>(r.programmes.events.size());
  for (const auto& region : r.regions()) l.regions.push_back(region.name);
  l.programmes = r.programmes.names;
  return l;
}

bool write_run_file(const std::filesystem::path& path, bool overwrite, const Scenario& s, const World& w,
                    const Recorder& r, const State& final_state, const Provenance& provenance,
                    const std::function<bool()>& keep_going) {
  const auto stopped = [&] { return keep_going && !keep_going(); };
  NcWriter f(path, overwrite);
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", "schoolsim run: " + s.name);
  f.set_global("source", version_string());
  f.set_global("history", provenance.command_line);
  f.set_global("scenario_name", s.name);
  f.set_global("scenario_yaml", config::to_yaml(s));
  f.set_global("seed", static_cast<std::int64_t>(s.run.seed));
  f.set_global("replicate", static_cast<std::int64_t>(s.run.replicate));

  // Every variable of the output schema this run holds (sim/run/output_schema.cpp).
  const output::Layout layout = run_layout(s, w, r, final_state);
  const output::Source source{&w, &r.regions(), &r, &final_state.events, layout.max_members, 0};
  for (const auto& d : output::dimensions())
    if (output::holds(d.condition, layout)) add_dimension(f, d, layout);
  // Without commit() the writer deletes its temporary file.
  for (const auto& v : output::variables()) {
    if (!output::holds(v.condition, layout)) continue;
    if (stopped()) return false;
    write_variable(f, v, layout, source);
  }
  if (stopped()) return false;
  f.commit();
  return true;
}

}  // namespace schoolsim::io
