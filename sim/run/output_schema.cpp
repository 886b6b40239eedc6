// Long file: the output schema is one table of every variable of run and sweep files (name,
// dimensions, type, attributes, condition, how it is computed); the point is to read it in one place.
#include "sim/run/output_schema.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "sim/core/la_table.hpp"

namespace schoolsim::output {
namespace {

Attributes attrs(const std::string& units, const std::string& long_name) {
  return {{"units", units}, {"long_name", long_name}};
}

Attributes flags(const std::string& long_name, const std::string& meanings) {
  return {{"units", "1"}, {"long_name", long_name}, {"flag_meanings", meanings}};
}

/// One value per (term, k) for k < width.
template <class Get>
std::vector<double> series(int terms, int width, Get get) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(terms) * static_cast<std::size_t>(width));
  for (int t = 0; t < terms; ++t)
    for (int k = 0; k < width; ++k) out.push_back(get(static_cast<std::size_t>(t), k));
  return out;
}

/// One value per event.
template <class T, class Get>
std::vector<T> per_event(const Source& s, Get get) {
  std::vector<T> out;
  out.reserve(s.events->size());
  for (const Event& e : *s.events) out.push_back(static_cast<T>(get(e)));
  return out;
}

template <class T, class Get>
std::vector<T> per_programme_event(const Source& s, Get get) {
  std::vector<T> out;
  for (const ProgrammeEvent& e : s.recorder->programmes.events) out.push_back(static_cast<T>(get(e)));
  return out;
}

/// docs/output_format.md's meaning of a scope metric, where it says more than the long name.
std::string metric_doc(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> docs = {
      {"attainment_sd", "between-school standard deviation (population)"},
      {"der_polarisation", "Duclos-Esteban-Ray, alpha 0.5, absolute form"},
      {"disadvantage_gap", "mean attainment of least minus most disadvantaged quintile (by d, within phase)"},
      {"attainment_disadvantaged",
       "mean attainment of disadvantaged (FSM) pupils: schools weighted by roll x `school_disadvantage`"},
      {"attainment_others",
       "mean attainment of the other pupils: schools weighted by roll x (1 - `school_disadvantage`)"},
      {"pupil_disadvantage_gap",
       "`attainment_others` - `attainment_disadvantaged` (positive: disadvantaged pupils behind)"},
  };
  for (const auto& [n, doc] : docs)
    if (n == name) return doc;
  return {};
}

std::vector<Variable> make_variables() {
  std::vector<Variable> v;
  auto add = [&](std::string name, std::vector<std::string> dims, Dtype type, Attributes a, Condition c, Part part,
                 std::string group, std::function<Column(const Source&)> values, std::string doc = {}) {
    v.push_back({std::move(name),
                 std::move(dims),
                 type,
                 std::move(a),
                 c,
                 part,
                 std::move(group),
                 std::move(doc),
                 std::move(values),
                 {}});
  };
  const std::string statics = "Static school table (over `school`)";
  add(
      "school_phase", {"school"}, Dtype::I8, flags("phase of education", "primary secondary"), Condition::Always,
      Part::World, statics, [](const Source& s) { return Column(s.world->phase); }, "0 primary, 1 secondary");
  add("school_la", {"school"}, Dtype::I32, attrs("1", "local authority index"), Condition::Always, Part::World, statics,
      [](const Source& s) { return Column(s.world->la); });
  add("school_x", {"school"}, Dtype::F64, attrs("km", "easting of the school"), Condition::Always, Part::World, statics,
      [](const Source& s) { return Column(s.world->x); });
  add("school_y", {"school"}, Dtype::F64, attrs("km", "northing of the school"), Condition::Always, Part::World,
      statics, [](const Source& s) { return Column(s.world->y); });
  add("school_disadvantage", {"school"}, Dtype::F64, attrs("1", "share of pupils eligible for free school meals"),
      Condition::Always, Part::World, statics, [](const Source& s) { return Column(s.world->disadvantage); });

  const std::string areas = "LA table (over `local_authority`) and regions";
  const auto la_column = [](auto get) {
    return [get](const Source& s) {
      using T = decltype(get(LaRow{}));
      std::vector<T> out;
      for (const LaRow& row : la_table(*s.world)) out.push_back(get(row));
      return Column(std::move(out));
    };
  };
  add("la_schools", {"local_authority"}, Dtype::I32, attrs("1", "schools in the LA"), Condition::ByArea, Part::World,
      areas, la_column([](const LaRow& r) { return r.schools; }));
  add("la_places", {"local_authority"}, Dtype::F64, attrs("pupils", "initial places in the LA's schools"),
      Condition::ByArea, Part::World, areas, la_column([](const LaRow& r) { return r.places; }));
  add("la_mean_disadvantage", {"local_authority"}, Dtype::F64, attrs("1", "mean FSM share of the LA's schools"),
      Condition::ByArea, Part::World, areas, la_column([](const LaRow& r) { return r.mean_disadvantage; }),
      "mean FSM share of the LA's schools (unweighted)");
  add("region_la", {"region", "local_authority"}, Dtype::I8, attrs("1", "1 if the LA belongs to the region"),
      Condition::Regions, Part::World, areas, [](const Source& s) {
        std::vector<std::int8_t> member;
        for (const auto& region : *s.regions)
          for (std::int32_t la = 0; la < s.world->n_las; ++la)
            member.push_back(std::binary_search(region.las.begin(), region.las.end(), la) ? 1 : 0);
        return Column(std::move(member));
      });

  const std::string metrics = "System metrics (over `term`; `_by_phase` over `term, phase`)";
  for (const auto& m : scope_metric_info()) {
    const auto field = m.field;
    const std::string doc = metric_doc(m.name);
    add(
        m.name, {"term"}, Dtype::F64, attrs(m.units, m.long_name), Condition::Always, Part::Run, metrics,
        [field](const Source& s) {
          const Recorder& r = *s.recorder;
          return Column(series(r.observed_terms(), 1, [&](std::size_t t, int) { return r.overall[t].*field; }));
        },
        doc);
    add(std::string(m.name) + "_by_phase", {"term", "phase"}, Dtype::F64,
        attrs(m.units, std::string(m.long_name) + ", by phase"), Condition::Always, Part::Run, metrics,
        [field](const Source& s) {
          const Recorder& r = *s.recorder;
          return Column(series(r.observed_terms(), kPhases, [&](std::size_t t, int ph) {
            return r.phases[t][static_cast<std::size_t>(ph)].*field;
          }));
        });
    add(std::string(m.name) + "_by_la", {"term", "local_authority"}, Dtype::F64,
        attrs(m.units, std::string(m.long_name) + ", by LA"), Condition::ByArea, Part::Run, metrics,
        [field](const Source& s) {
          const Recorder& r = *s.recorder;
          const std::size_t L =
              r.observed_terms() > 0 ? r.by_la.size() / static_cast<std::size_t>(r.observed_terms()) : 0;
          return Column(series(r.observed_terms(), static_cast<int>(L), [&](std::size_t t, int la) {
            return r.by_la[t * L + static_cast<std::size_t>(la)].*field;
          }));
        });
    add(std::string(m.name) + "_by_region", {"term", "region"}, Dtype::F64,
        attrs(m.units, std::string(m.long_name) + ", by region"), Condition::Regions, Part::Run, metrics,
        [field](const Source& s) {
          const Recorder& r = *s.recorder;
          const std::size_t G = r.regions().size();
          return Column(series(r.observed_terms(), static_cast<int>(G), [&](std::size_t t, int g) {
            return r.by_region[t * G + static_cast<std::size_t>(g)].*field;
          }));
        });
  }
  add("grade_share", {"term", "grade"}, Dtype::F64, attrs("1", "share of schools per inspection grade"),
      Condition::Always, Part::Run, metrics, [](const Source& s) {
        const Recorder& r = *s.recorder;
        return Column(series(r.observed_terms(), kGrades, [&](std::size_t t, int g) {
          return r.overall[t].grade_share[static_cast<std::size_t>(g)];
        }));
      });
  add("grade_share_by_phase", {"term", "phase", "grade"}, Dtype::F64,
      attrs("1", "share of schools per inspection grade, by phase"), Condition::Always, Part::Run, metrics,
      [](const Source& s) {
        const Recorder& r = *s.recorder;
        std::vector<double> out;
        for (const auto& phases : r.phases)
          for (const auto& p : phases)
            for (const double g : p.grade_share) out.push_back(g);
        return Column(std::move(out));
      });

  const std::string system = "System-only metrics (over `term`)";
  add("partnerships_active", {"term", "partnership_type"}, Dtype::F64, attrs("1", "active partnerships by type"),
      Condition::Always, Part::Run, system, [](const Source& s) {
        const Recorder& r = *s.recorder;
        return Column(series(r.observed_terms(), kPartnershipTypes, [&](std::size_t t, int k) {
          return r.system[t].partnerships_active[static_cast<std::size_t>(k)];
        }));
      });
  const auto system_scalar = [](double SystemMetrics::*field) {
    return [field](const Source& s) {
      const Recorder& r = *s.recorder;
      return Column(series(r.observed_terms(), 1, [&](std::size_t t, int) { return r.system[t].*field; }));
    };
  };
  add("cross_quartile_share", {"term"}, Dtype::F64,
      attrs("1", "share of active partnerships linking different attainment quartiles"), Condition::Always, Part::Run,
      system, system_scalar(&SystemMetrics::cross_quartile_share));
  add("mean_trust", {"term"}, Dtype::F64, attrs("1", "mean pair trust within active partnerships"), Condition::Always,
      Part::Run, system, system_scalar(&SystemMetrics::mean_trust),
      "mean pair trust over member pairs of active partnerships");
  add("pupils_moved", {"term"}, Dtype::F64, attrs("pupils", "pupils placed at a school other than their origin school"),
      Condition::Always, Part::Run, system, system_scalar(&SystemMetrics::pupils_moved),
      "pupils placed at a school other than their origin this term");
  add("money_spent", {"term"}, Dtype::F64, attrs("GBP", "programme money spent, cumulative"), Condition::Always,
      Part::Run, system, system_scalar(&SystemMetrics::money_spent));
  add("partnerships_brokered", {"term"}, Dtype::F64, attrs("1", "partnerships formed this term through a broker"),
      Condition::Always, Part::Run, system, system_scalar(&SystemMetrics::partnerships_brokered),
      "partnerships formed in this term through a broker (an LA, the national broker or a programme; not "
      "self-organised ones, 0 at term 0): what broker time is costed on (`costs.broker_time_per_partnership`, "
      "docs/compare.md)");

  const std::string programmes = "Programmes (over `programme`, `term, programme` and `programme_event`)";
  add(
      "programme_budget", {"programme"}, Dtype::F64, attrs("GBP", "programme budget"), Condition::Programmes, Part::Run,
      programmes, [](const Source& s) { return Column(s.recorder->programmes.budgets); }, "the programme's `budget`");
  add(
      "programme_spending", {"term", "programme"}, Dtype::F64, attrs("GBP", "programme money paid in the term"),
      Condition::Programmes, Part::Run, programmes,
      [](const Source& s) { return Column(s.recorder->programmes.spending); },
      "grants paid in the term (0 at term 0); summed over terms it is the programme's total spending, and summed "
      "over programmes too, the last `money_spent`");
  v.back().sweep_long_name = "programme grants paid in the term";
  add("programme_event_term", {"programme_event"}, Dtype::I32, attrs("term", "term of the programme event"),
      Condition::ProgrammeEvents, Part::ProgrammeEvents, programmes, [](const Source& s) {
        return Column(per_programme_event<std::int32_t>(s, [](const auto& e) { return e.term; }));
      });
  add(
      "programme_event_programme", {"programme_event"}, Dtype::I16, attrs("1", "programme index"),
      Condition::ProgrammeEvents, Part::ProgrammeEvents, programmes,
      [](const Source& s) {
        return Column(per_programme_event<std::int16_t>(s, [](const auto& e) { return e.programme; }));
      },
      "index into `programme`");
  add(
      "programme_event_kind", {"programme_event"}, Dtype::I8,
      flags("programme event kind", "budget_exhausted closed_early nothing_to_fund"), Condition::ProgrammeEvents,
      Part::ProgrammeEvents, programmes,
      [](const Source& s) {
        return Column(per_programme_event<std::int8_t>(s, [](const auto& e) { return static_cast<int>(e.kind); }));
      },
      "0 budget_exhausted, 1 closed_early, 2 nothing_to_fund");
  add(
      "programme_event_spent", {"programme_event"}, Dtype::F64, attrs("GBP", "programme money spent by the event"),
      Condition::ProgrammeEvents, Part::ProgrammeEvents, programmes,
      [](const Source& s) { return Column(per_programme_event<double>(s, [](const auto& e) { return e.spent; })); },
      "the programme's spending up to the event's term");
  add("programme_event_partnerships", {"programme_event"}, Dtype::I32,
      attrs("1", "funded partnerships of the programme losing (or, for nothing_to_fund, holding) their grants"),
      Condition::ProgrammeEvents, Part::ProgrammeEvents, programmes, [](const Source& s) {
        return Column(per_programme_event<std::int32_t>(s, [](const auto& e) { return e.partnerships; }));
      });

  const std::string schools =
      "Per-school trajectories (over `term, school`; omitted when `output.per_school` is false)";
  add("school_attainment", {"term", "school"}, Dtype::F32, attrs("pupil_sd", "measured school attainment"),
      Condition::PerSchool, Part::Run, schools, [](const Source& s) { return Column(s.recorder->school_attainment); });
  add("school_capacity", {"term", "school"}, Dtype::F32, attrs("1", "spare capacity for improvement work"),
      Condition::PerSchool, Part::Run, schools, [](const Source& s) { return Column(s.recorder->school_capacity); });
  add(
      "school_pupils", {"term", "school"}, Dtype::I32, attrs("pupils", "pupils on roll (rounded)"),
      Condition::PerSchool, Part::Run, schools, [](const Source& s) { return Column(s.recorder->school_pupils); },
      "pupils on roll (rounded from the model's real-valued rolls)");
  add("school_grade", {"term", "school"}, Dtype::I8, attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"),
      Condition::PerSchool, Part::Run, schools, [](const Source& s) { return Column(s.recorder->school_grade); });
  add("school_partnerships", {"term", "school"}, Dtype::I16, attrs("1", "active partnerships of the school"),
      Condition::PerSchool, Part::Run, schools,
      [](const Source& s) { return Column(s.recorder->school_partnerships); });
  add("school_expertise", {"term", "school", "domain"}, Dtype::F32, attrs("1", "expertise by domain"),
      Condition::PerSchool, Part::Run, schools, [](const Source& s) { return Column(s.recorder->school_expertise); });

  const std::string events = "Partnership events (over `event`; omitted when `output.events` is false)";
  add(
      "event_run", {"event"}, Dtype::I32, attrs("1", "run of the event"), Condition::SweepEvents, Part::Events, events,
      [](const Source& s) {
        return Column(std::vector<std::int32_t>(s.events->size(), static_cast<std::int32_t>(s.run)));
      },
      "run of the event (sweep files only)");
  add("event_term", {"event"}, Dtype::I32, attrs("term", "term of the event"), Condition::Events, Part::Events, events,
      [](const Source& s) { return Column(per_event<std::int32_t>(s, [](const Event& e) { return e.term; })); });
  add(
      "event_kind", {"event"}, Dtype::I8, flags("event kind", "formed ended joined"), Condition::Events, Part::Events,
      events, [](const Source& s) { return Column(per_event<std::int8_t>(s, [](const Event& e) { return e.kind; })); },
      "0 formed, 1 ended, 2 joined (a school joined an existing network or MAT; `event_members` holds it)");
  add(
      "event_partnership", {"event"}, Dtype::I32, attrs("1", "partnership id"), Condition::Events, Part::Events, events,
      [](const Source& s) { return Column(per_event<std::int32_t>(s, [](const Event& e) { return e.partnership; })); },
      "partnership id (stable within a run)");
  add(
      "event_type", {"event"}, Dtype::I8, flags("partnership type", "pair network federation mat"), Condition::Events,
      Part::Events, events,
      [](const Source& s) { return Column(per_event<std::int8_t>(s, [](const Event& e) { return e.type; })); },
      "index into `partnership_type`");
  add("event_broker", {"event"}, Dtype::I32, attrs("1", "broker: LA index, -1 none, -2 national broker"),
      Condition::Events, Part::Events, events,
      [](const Source& s) { return Column(per_event<std::int32_t>(s, [](const Event& e) { return e.broker; })); });
  add("event_programme", {"event"}, Dtype::I16, attrs("1", "programme index, -1 none"), Condition::Events, Part::Events,
      events,
      [](const Source& s) { return Column(per_event<std::int16_t>(s, [](const Event& e) { return e.programme; })); });
  add(
      "event_reason", {"event"}, Dtype::I8,
      flags("reason a partnership ended", "not_ended funding_ended hazard graduated joined_mat"), Condition::Events,
      Part::Events, events,
      [](const Source& s) { return Column(per_event<std::int8_t>(s, [](const Event& e) { return e.reason; })); },
      "for ended events: 1 funding_ended, 2 hazard, 3 graduated, 4 joined_mat, 0 not ended");
  add(
      "event_size", {"event"}, Dtype::I8, attrs("1", "members named by the event"), Condition::Events, Part::Events,
      events,
      [](const Source& s) {
        return Column(
            per_event<std::int8_t>(s, [](const Event& e) { return std::min<std::size_t>(e.members.size(), 127); }));
      },
      "number of schools named in `event_members`");
  add("event_members", {"event", "member"}, Dtype::I32, attrs("1", "member school ids, -1 padded"), Condition::Events,
      Part::Events, events, [](const Source& s) {
        std::vector<std::int32_t> out;
        out.reserve(s.events->size() * static_cast<std::size_t>(s.max_members));
        for (const Event& e : *s.events)
          for (int k = 0; k < s.max_members; ++k)
            out.push_back(k < static_cast<int>(e.members.size()) ? e.members[static_cast<std::size_t>(k)] : -1);
        return Column(std::move(out));
      });
  return v;
}

std::vector<Dimension> make_dimensions() {
  return {
      {"run",
       DimValues::RunIds,
       {{"standard_name", "realization"}, {"long_name", "run"}, {"units", "1"}},
       Condition::Sweep,
       {},
       "R",
       {}},
      {"term",
       DimValues::Index,
       attrs("term", "school term (0 = initial state; 3 terms a year)"),
       Condition::Always,
       {},
       "T+1",
       {}},
      {"school", DimValues::Index, attrs("1", "school id"), Condition::Always, {}, "N", {}},
      {"phase",
       DimValues::Labels,
       {{"long_name", "phase of education"}},
       Condition::Always,
       {"primary", "secondary"},
       "2",
       {}},
      {"grade",
       DimValues::Grades,
       attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"),
       Condition::Always,
       {},
       "4",
       {}},
      {"partnership_type",
       DimValues::Labels,
       {{"long_name", "partnership type"}},
       Condition::Always,
       {"pair", "network", "federation", "mat"},
       "4",
       {}},
      {"domain",
       DimValues::Labels,
       {{"long_name", "expertise domain"}},
       Condition::Always,
       {"teaching", "leadership", "data"},
       "3",
       {}},
      {"member", DimValues::Index, attrs("1", "member position"), Condition::Always, {}, "max_size", {}},
      {"local_authority", DimValues::Index, attrs("1", "local authority index"), Condition::ByArea, {}, "L", {}},
      {"region",
       DimValues::RegionNames,
       {{"long_name", "region: world.regions entries, then programme_k_treated / programme_k_untreated"}},
       Condition::Regions,
       {},
       "G",
       {}},
      {"programme",
       DimValues::ProgrammeNames,
       {{"long_name", "programme name (scenario programmes, in order)"}},
       Condition::Programmes,
       {},
       "P",
       "programme (name, in scenario order)"},
      {"programme_event",
       DimValues::Index,
       attrs("1", "programme event index"),
       Condition::ProgrammeEvents,
       {},
       "Q",
       {}},
      {"event",
       DimValues::Index,
       attrs("1", "partnership event index"),
       Condition::Events,
       {},
       "E",
       "partnership event index (events of every run, in run order)"},
  };
}

Attributes with_long_name(Attributes a, const std::string& long_name) {
  if (long_name.empty()) return a;
  for (auto& x : a)
    if (x.name == "long_name") x.value = long_name;
  return a;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\', out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_value(const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return json_string(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(v));
  return buf;
}

std::string json_attributes(const Attributes& a) {
  std::string out = "{";
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out += ", ";
    out += json_string(a[i].name) + ": " + json_value(a[i].value);
  }
  return out + "}";
}

std::string json_strings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += json_string(v[i]);
  }
  return out + "]";
}

std::string attribute_text(const Attributes& a, const std::string& name) {
  for (const auto& x : a) {
    if (x.name != name) continue;
    if (const auto* s = std::get_if<std::string>(&x.value)) return *s;
  }
  return {};
}

const char* part_name(Part p) {
  switch (p) {
    case Part::World: return "world";
    case Part::Run: return "run";
    case Part::Events: return "events";
    case Part::ProgrammeEvents: return "programme_events";
  }
  return "?";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

}  // namespace

const char* dtype_name(Dtype t) {
  switch (t) {
    case Dtype::I8: return "int8";
    case Dtype::I16: return "int16";
    case Dtype::I32: return "int32";
    case Dtype::F32: return "float32";
    case Dtype::F64: return "float64";
  }
  return "?";
}

const char* condition_name(Condition c) {
  switch (c) {
    case Condition::Always: return "always";
    case Condition::ByArea: return "by_area";
    case Condition::Regions: return "regions";
    case Condition::Programmes: return "programmes";
    case Condition::ProgrammeEvents: return "programme_events";
    case Condition::PerSchool: return "per_school";
    case Condition::Events: return "events";
    case Condition::SweepEvents: return "sweep_events";
    case Condition::Sweep: return "sweep";
  }
  return "?";
}

const std::vector<Dimension>& dimensions() {
  static const std::vector<Dimension> d = make_dimensions();
  return d;
}

const std::vector<Variable>& variables() {
  static const std::vector<Variable> v = make_variables();
  return v;
}

const Dimension& dimension(const std::string& name) {
  for (const auto& d : dimensions())
    if (d.name == name) return d;
  throw std::invalid_argument("output schema: no dimension " + name);
}

bool holds(Condition c, const Layout& l) {
  switch (c) {
    case Condition::Always: return true;
    case Condition::ByArea: return l.by_area;
    case Condition::Regions: return l.by_area && !l.regions.empty();
    case Condition::Programmes: return !l.sweep || !l.programmes.empty();
    case Condition::ProgrammeEvents: return !l.sweep;
    case Condition::PerSchool: return l.per_school;
    case Condition::Events: return l.events;
    case Condition::SweepEvents: return l.sweep && l.events;
    case Condition::Sweep: return l.sweep;
  }
  return false;
}

std::size_t dimension_size(const Dimension& d, const Layout& l) {
  switch (d.values) {
    case DimValues::Labels: return d.labels.size();
    case DimValues::Grades: return kGrades;
    case DimValues::RegionNames: return l.regions.size();
    case DimValues::ProgrammeNames: return l.programmes.size();
    case DimValues::RunIds: return l.runs.size();
    case DimValues::Index: break;
  }
  if (d.name == "term") return static_cast<std::size_t>(l.terms);
  if (d.name == "school") return static_cast<std::size_t>(l.schools);
  if (d.name == "member") return static_cast<std::size_t>(l.max_members);
  if (d.name == "local_authority") return static_cast<std::size_t>(l.las);
  if (d.name == "event") return static_cast<std::size_t>(l.n_events);
  if (d.name == "programme_event") return static_cast<std::size_t>(l.n_programme_events);
  throw std::logic_error("output schema: no size for dimension " + d.name);
}

std::size_t values_per_row(const Variable& v, const Layout& l) {
  std::size_t n = 1;
  for (const auto& d : v.dims)
    if (!(v.part == Part::Events && d == "event") && !(v.part == Part::ProgrammeEvents && d == "programme_event"))
      n *= dimension_size(dimension(d), l);
  return n;
}

DimensionValues dimension_values(const Dimension& d, const Layout& l) {
  switch (d.values) {
    case DimValues::Labels: return d.labels;
    case DimValues::Grades: return std::vector<std::int8_t>{1, 2, 3, 4};
    case DimValues::RegionNames: return l.regions;
    case DimValues::ProgrammeNames: return l.programmes;
    case DimValues::RunIds: return std::vector<std::int32_t>(l.runs.begin(), l.runs.end());
    case DimValues::Index: break;
  }
  std::vector<std::int32_t> ids(dimension_size(d, l));
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

Attributes attributes_in(const Variable& v, const Layout& l) {
  return l.sweep ? with_long_name(v.attrs, v.sweep_long_name) : v.attrs;
}

Attributes attributes_in(const Dimension& d, const Layout& l) {
  return l.sweep ? with_long_name(d.attrs, d.sweep_long_name) : d.attrs;
}

std::string to_json() {
  std::string out = "{\n  \"dimensions\": [\n";
  const auto& dims = dimensions();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const Dimension& d = dims[i];
    const bool text =
        d.values == DimValues::Labels || d.values == DimValues::RegionNames || d.values == DimValues::ProgrammeNames;
    out += "    {\"name\": " + json_string(d.name) + ", \"size\": " + json_string(d.size) +
           ", \"dtype\": " + json_string(text ? "str" : (d.values == DimValues::Grades ? "int8" : "int32")) +
           ", \"attributes\": " + json_attributes(d.attrs);
    if (!d.sweep_long_name.empty())
      out += ", \"sweep_attributes\": " + json_attributes(with_long_name(d.attrs, d.sweep_long_name));
    if (d.values == DimValues::Labels) out += ", \"labels\": " + json_strings(d.labels);
    out += ", \"condition\": " + json_string(condition_name(d.condition)) + "}";
    out += i + 1 < dims.size() ? ",\n" : "\n";
  }
  out += "  ],\n  \"variables\": [\n";
  const auto& vars = variables();
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const Variable& v = vars[i];
    out += "    {\"name\": " + json_string(v.name) + ", \"dims\": " + json_strings(v.dims) +
           ", \"dtype\": " + json_string(dtype_name(v.type)) + ", \"attributes\": " + json_attributes(v.attrs);
    if (!v.sweep_long_name.empty())
      out += ", \"sweep_attributes\": " + json_attributes(with_long_name(v.attrs, v.sweep_long_name));
    out += ", \"condition\": " + json_string(condition_name(v.condition)) +
           ", \"part\": " + json_string(part_name(v.part)) + ", \"group\": " + json_string(v.group) + "}";
    out += i + 1 < vars.size() ? ",\n" : "\n";
  }
  return out + "  ]\n}\n";
}

std::string to_markdown() {
  std::string out;
  out += "### Dimensions (coordinate variables)\n";
  out += "| dimension | size | type | long name | when |\n|---|---|---|---|---|\n";
  for (const Dimension& d : dimensions()) {
    const bool text =
        d.values == DimValues::Labels || d.values == DimValues::RegionNames || d.values == DimValues::ProgrammeNames;
    std::string size = d.size;
    if (d.values == DimValues::Labels) size += " (" + join(d.labels, ", ") + ")";
    out += "| `" + d.name + "` | " + size + " | " +
           (text ? "string" : (d.values == DimValues::Grades ? "int8" : "int32")) + " | " +
           attribute_text(d.attrs, "long_name") + " | " + condition_name(d.condition) + " |\n";
  }
  std::string group;
  for (const Variable& v : variables()) {
    if (v.name.ends_with("_by_phase") || v.name.ends_with("_by_la") || v.name.ends_with("_by_region")) {
      // a scope metric's forms share the row of its plain form (below), except the grade shares
      if (v.name != "grade_share_by_phase") continue;
    }
    if (v.group != group) {
      group = v.group;
      out += "\n### " + group + "\n";
      out += "| variable | dims | type | units | when | meaning |\n|---|---|---|---|---|---|\n";
    }
    std::string name = "`" + v.name + "`";
    std::string dims = join(v.dims, ", ");
    bool metric = false;
    for (const auto& m : scope_metric_info()) metric = metric || v.name == m.name;
    if (metric) {
      name += " (+ `_by_phase`, `_by_la`, `_by_region`)";
      dims += "; `_by_phase`: term, phase; `_by_la`: term, local_authority; `_by_region`: term, region";
    }
    std::string meaning = v.doc.empty() ? attribute_text(v.attrs, "long_name") : v.doc;
    if (const std::string f = attribute_text(v.attrs, "flag_meanings"); !f.empty())
      meaning += " (`flag_meanings`: " + f + ")";
    out += "| " + name + " | " + dims + " | " + dtype_name(v.type) + " | " + attribute_text(v.attrs, "units") + " | " +
           condition_name(v.condition) + (metric ? " (`_by_la`: by_area, `_by_region`: regions)" : "") + " | " +
           meaning + " |\n";
  }
  return out;
}

std::string to_text() {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-36s %-34s %-8s %-9s %s\n", "variable", "dims", "dtype", "units", "when");
  out += line;
  for (const Variable& v : variables()) {
    std::snprintf(line, sizeof line, "%-36s %-34s %-8s %-9s %s\n", v.name.c_str(), join(v.dims, ",").c_str(),
                  dtype_name(v.type), attribute_text(v.attrs, "units").c_str(), condition_name(v.condition));
    out += line;
  }
  return out;
}

}  // namespace schoolsim::output
