#include "sim/io/run_file.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "sim/config/scenario_yaml.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/core/la_table.hpp"
#include "sim/core/version.hpp"
#include "sim/io/programme_output.hpp"

namespace schoolsim::io {
namespace {

Attributes attrs(const std::string& units, const std::string& long_name) {
  return {{"units", units}, {"long_name", long_name}};
}

/// Copies one metric from every term (and optionally phase) into a flat buffer.
template <class Get>
std::vector<double> series(int terms, int width, Get get) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(terms) * width);
  for (int t = 0; t < terms; ++t)
    for (int k = 0; k < width; ++k) out.push_back(get(t, k));
  return out;
}

void write_static(NcWriter& f, const World& w) {
  f.write("school_phase", {"school"}, w.phase,
          {{"units", "1"}, {"long_name", "phase of education"}, {"flag_meanings", "primary secondary"}});
  f.write("school_la", {"school"}, w.la, attrs("1", "local authority index"));
  f.write("school_x", {"school"}, w.x, attrs("km", "easting of the school"));
  f.write("school_y", {"school"}, w.y, attrs("km", "northing of the school"));
  f.write("school_disadvantage", {"school"}, w.disadvantage,
          attrs("1", "share of pupils eligible for free school meals"));
}

void write_metrics(NcWriter& f, const Recorder& r, int n_las) {
  const int terms = r.observed_terms();
  const int n_regions = static_cast<int>(r.regions().size());
  for (const auto& m : scope_metric_info()) {
    f.write(m.name, {"term"}, series(terms, 1, [&](int t, int) { return r.overall[t].*m.field; }),
            attrs(m.units, m.long_name));
    f.write(std::string(m.name) + "_by_phase", {"term", "phase"},
            series(terms, kPhases, [&](int t, int ph) { return r.phases[t][ph].*m.field; }),
            attrs(m.units, std::string(m.long_name) + ", by phase"));
    if (!r.by_area()) continue;
    f.write(
        std::string(m.name) + "_by_la", {"term", "local_authority"},
        series(terms, n_las, [&](int t, int la) { return r.by_la[static_cast<std::size_t>(t * n_las + la)].*m.field; }),
        attrs(m.units, std::string(m.long_name) + ", by LA"));
    if (n_regions > 0)
      f.write(std::string(m.name) + "_by_region", {"term", "region"},
              series(terms, n_regions,
                     [&](int t, int g) { return r.by_region[static_cast<std::size_t>(t * n_regions + g)].*m.field; }),
              attrs(m.units, std::string(m.long_name) + ", by region"));
  }
  f.write("grade_share", {"term", "grade"},
          series(terms, kGrades, [&](int t, int g) { return r.overall[t].grade_share[g]; }),
          attrs("1", "share of schools per inspection grade"));
  std::vector<double> by_phase;
  for (int t = 0; t < terms; ++t)
    for (int ph = 0; ph < kPhases; ++ph)
      for (int g = 0; g < kGrades; ++g) by_phase.push_back(r.phases[t][ph].grade_share[g]);
  f.write("grade_share_by_phase", {"term", "phase", "grade"}, by_phase,
          attrs("1", "share of schools per inspection grade, by phase"));
  f.write("partnerships_active", {"term", "partnership_type"},
          series(terms, kPartnershipTypes, [&](int t, int k) { return r.system[t].partnerships_active[k]; }),
          attrs("1", "active partnerships by type"));
  f.write("cross_quartile_share", {"term"},
          series(terms, 1, [&](int t, int) { return r.system[t].cross_quartile_share; }),
          attrs("1", "share of active partnerships linking different attainment quartiles"));
  f.write("mean_trust", {"term"}, series(terms, 1, [&](int t, int) { return r.system[t].mean_trust; }),
          attrs("1", "mean pair trust within active partnerships"));
  f.write("pupils_moved", {"term"}, series(terms, 1, [&](int t, int) { return r.system[t].pupils_moved; }),
          attrs("pupils", "pupils placed at a school other than their origin school"));
  f.write("money_spent", {"term"}, series(terms, 1, [&](int t, int) { return r.system[t].money_spent; }),
          attrs("GBP", "programme money spent, cumulative"));
  f.write("partnerships_brokered", {"term"},
          series(terms, 1, [&](int t, int) { return r.system[t].partnerships_brokered; }),
          attrs("1", "partnerships formed this term through a broker"));
}

void write_per_school(NcWriter& f, const Recorder& r) {
  if (!r.per_school()) return;
  f.write("school_attainment", {"term", "school"}, r.school_attainment,
          attrs("pupil_sd", "measured school attainment"));
  f.write("school_capacity", {"term", "school"}, r.school_capacity, attrs("1", "spare capacity for improvement work"));
  f.write("school_pupils", {"term", "school"}, r.school_pupils, attrs("pupils", "pupils on roll (rounded)"));
  f.write("school_grade", {"term", "school"}, r.school_grade,
          attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"));
  f.write("school_partnerships", {"term", "school"}, r.school_partnerships,
          attrs("1", "active partnerships of the school"));
  f.write("school_expertise", {"term", "school", "domain"}, r.school_expertise, attrs("1", "expertise by domain"));
}

void write_events(NcWriter& f, const State& st, int max_members) {
  const auto& ev = st.events;
  std::vector<std::int32_t> ids(ev.size());
  std::iota(ids.begin(), ids.end(), 0);
  f.add_dimension("event", ids, attrs("1", "partnership event index"));
  std::vector<std::int32_t> term, partnership, broker, members;
  std::vector<std::int8_t> kind, type, reason, size;
  std::vector<std::int16_t> programme;
  for (const auto& e : ev) {
    term.push_back(e.term), kind.push_back(e.kind), partnership.push_back(e.partnership), type.push_back(e.type);
    broker.push_back(e.broker), programme.push_back(e.programme), reason.push_back(e.reason);
    size.push_back(static_cast<std::int8_t>(std::min<std::size_t>(e.members.size(), 127)));
    for (int k = 0; k < max_members; ++k) members.push_back(k < static_cast<int>(e.members.size()) ? e.members[k] : -1);
  }
  f.write("event_term", {"event"}, term, attrs("term", "term of the event"));
  f.write("event_kind", {"event"}, kind,
          {{"units", "1"}, {"long_name", "event kind"}, {"flag_meanings", "formed ended joined"}});
  f.write("event_partnership", {"event"}, partnership, attrs("1", "partnership id"));
  f.write("event_type", {"event"}, type,
          {{"units", "1"}, {"long_name", "partnership type"}, {"flag_meanings", "pair network federation mat"}});
  f.write("event_broker", {"event"}, broker, attrs("1", "broker: LA index, -1 none, -2 national broker"));
  f.write("event_programme", {"event"}, programme, attrs("1", "programme index, -1 none"));
  f.write("event_reason", {"event"}, reason,
          {{"units", "1"},
           {"long_name", "reason a partnership ended"},
           {"flag_meanings", "not_ended funding_ended hazard graduated joined_mat"}});
  f.write("event_size", {"event"}, size, attrs("1", "members named by the event"));
  f.write("event_members", {"event", "member"}, members, attrs("1", "member school ids, -1 padded"));
}

}  // namespace

void write_area_table(NcWriter& f, const World& w, const std::vector<OutputRegion>& regions) {
  std::vector<std::int32_t> las(static_cast<std::size_t>(w.n_las)), schools;
  std::iota(las.begin(), las.end(), 0);
  f.add_dimension("local_authority", las, attrs("1", "local authority index"));
  std::vector<double> places, disadvantage;
  for (const LaRow& row : la_table(w))
    schools.push_back(row.schools), places.push_back(row.places), disadvantage.push_back(row.mean_disadvantage);
  f.write("la_schools", {"local_authority"}, schools, attrs("1", "schools in the LA"));
  f.write("la_places", {"local_authority"}, places, attrs("pupils", "initial places in the LA's schools"));
  f.write("la_mean_disadvantage", {"local_authority"}, disadvantage, attrs("1", "mean FSM share of the LA's schools"));
  if (regions.empty()) return;
  std::vector<std::string> names;
  std::vector<std::int8_t> member;
  for (const auto& region : regions) {
    names.push_back(region.name);
    for (std::size_t la = 0; la < las.size(); ++la)
      member.push_back(std::binary_search(region.las.begin(), region.las.end(), static_cast<std::int32_t>(la)) ? 1 : 0);
  }
  f.add_dimension("region", names,
                  {{"long_name", "region: world.regions entries, then programme_k_treated / programme_k_untreated"}});
  f.write("region_la", {"region", "local_authority"}, member, attrs("1", "1 if the LA belongs to the region"));
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

  std::vector<std::int32_t> terms(r.observed_terms()), schools(w.n);
  std::iota(terms.begin(), terms.end(), 0);
  std::iota(schools.begin(), schools.end(), 0);
  f.add_dimension("term", terms, {{"units", "term"}, {"long_name", "school term (0 = initial state; 3 terms a year)"}});
  f.add_dimension("school", schools, attrs("1", "school id"));
  f.add_dimension("phase", std::vector<std::string>{"primary", "secondary"}, {{"long_name", "phase of education"}});
  const std::vector<std::int8_t> grades = {1, 2, 3, 4};
  f.add_dimension("grade", grades, attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"));
  f.add_dimension("partnership_type", std::vector<std::string>{"pair", "network", "federation", "mat"},
                  {{"long_name", "partnership type"}});
  f.add_dimension("domain", std::vector<std::string>{"teaching", "leadership", "data"},
                  {{"long_name", "expertise domain"}});
  int max_members = 2;
  for (const auto& e : final_state.events) max_members = std::max(max_members, static_cast<int>(e.members.size()));
  std::vector<std::int32_t> member_ids(max_members);
  std::iota(member_ids.begin(), member_ids.end(), 0);
  f.add_dimension("member", member_ids, attrs("1", "member position"));

  // Without commit() the writer deletes its temporary file.
  write_static(f, w);
  if (r.by_area()) write_area_table(f, w, r.regions());
  if (stopped()) return false;
  write_metrics(f, r, w.n_las);
  write_programme_accounts(f, r.programmes);
  if (stopped()) return false;
  write_per_school(f, r);
  if (stopped()) return false;
  if (s.output.events) write_events(f, final_state, max_members);
  if (stopped()) return false;
  f.commit();
  return true;
}

}  // namespace schoolsim::io
