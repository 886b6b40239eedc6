#include "sim/sweep/sweep_file.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "sim/config/scenario_yaml.hpp"
#include "sim/core/damaged_file_error.hpp"
#include "sim/core/version.hpp"
#include "sim/io/nc_reader.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/io/probe.hpp"
#include "sim/io/run_file.hpp"
#include "sim/sweep/sweep_error.hpp"

namespace schoolsim::sweep {
namespace {

using io::Attributes;
using io::NcWriter;

constexpr std::size_t kRunChunkBytes = std::size_t{64} << 10;    // system metrics: runs per chunk
constexpr std::size_t kEventChunk = 16384;                       // events per chunk
constexpr std::size_t kSchoolChunkBytes = std::size_t{1} << 20;  // per-school: one run, split by school

Attributes attrs(const std::string& units, const std::string& long_name) {
  return {{"units", units}, {"long_name", long_name}};
}

std::size_t element_bytes(ElementType t) {
  switch (t) {
    case ElementType::I8: return 1;
    case ElementType::I16: return 2;
    case ElementType::I32: return 4;
    case ElementType::F32: return 4;
    case ElementType::F64: return 8;
  }
  return 8;
}

std::vector<std::size_t> chunk_for(const NcWriter& f, const VariableSchema& v, std::size_t runs,
                                   const std::vector<std::string>& dims) {
  std::vector<std::size_t> shape;
  for (const auto& d : dims) shape.push_back(f.dimension_size(d));
  return sweep_chunk(shape, element_bytes(v.type), v.per_school, runs);
}

}  // namespace

std::vector<std::size_t> sweep_chunk(const std::vector<std::size_t>& shape, std::size_t element_bytes, bool per_school,
                                     std::size_t runs) {
  std::vector<std::size_t> chunk{1};
  std::size_t size = 1;
  for (const auto d : shape) chunk.push_back(std::max<std::size_t>(d, 1)), size *= d;
  const std::size_t run_bytes = std::max<std::size_t>(size, 1) * element_bytes;
  if (!per_school) {
    chunk[0] = std::clamp<std::size_t>(kRunChunkBytes / run_bytes, 1, std::max<std::size_t>(runs, 1));
    return chunk;
  }
  auto bytes = [&] {
    std::size_t b = element_bytes;
    for (std::size_t i = 1; i < chunk.size(); ++i) b *= chunk[i];
    return b;
  };
  while (bytes() > kSchoolChunkBytes) {
    auto largest = std::max_element(chunk.begin() + 1, chunk.end());
    if (*largest == 1) break;
    *largest = (*largest + 1) / 2;
  }
  return chunk;
}

namespace {

template <class T>
constexpr T integer_fill() {
  return std::numeric_limits<T>::min();
}

template <class T>
std::vector<T> fill_values(std::size_t n) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::vector<T>(n, std::numeric_limits<T>::quiet_NaN());
  } else {
    return std::vector<T>(n, integer_fill<T>());
  }
}

template <class F>
void with_type(ElementType t, F&& f) {
  switch (t) {
    case ElementType::I8: return f(std::int8_t{});
    case ElementType::I16: return f(std::int16_t{});
    case ElementType::I32: return f(std::int32_t{});
    case ElementType::F32: return f(float{});
    case ElementType::F64: return f(double{});
  }
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

void write_run_variables(NcWriter& f, const SweepSpec& spec, const SweepPlan& plan, const std::vector<RunSummary>& runs,
                         const std::vector<std::int64_t>& ids) {
  const auto R = ids.size();
  std::vector<std::int32_t> point(R), replicate(R);
  std::vector<std::int64_t> seed(R);
  std::vector<std::int8_t> status(R);
  std::vector<std::string> error(R);
  for (std::size_t r = 0; r < R; ++r) {
    const RunPlan p = plan.run(ids[r]);
    point[r] = static_cast<std::int32_t>(p.point);
    replicate[r] = p.replicate;
    seed[r] = static_cast<std::int64_t>(p.seed);
    status[r] = runs[static_cast<std::size_t>(ids[r])].status;
    error[r] = runs[static_cast<std::size_t>(ids[r])].error;
  }
  f.write("replicate", {"run"}, replicate,
          attrs("1", "replicate: the same replicate uses the same random numbers at every design point"));
  f.write("seed", {"run"}, seed, attrs("1", "random seed of the run (run.seed)"));
  f.write("run_status", {"run"}, status,
          {{"units", "1"}, {"long_name", "run status (0 ok, 1 failed)"}, {"flag_meanings", "ok failed"}});
  f.write_strings("run_error", {"run"}, error, {{"long_name", "why the run failed (empty if it did not)"}});
  f.write("design_point", {"run"}, point, attrs("1", "design point of the run (its runs differ only by replicate)"));
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweptParameter& p = spec.parameters[i];
    Attributes a = {{"units", p.units.empty() ? std::string("1") : p.units},
                    {"long_name", p.doc.empty() ? p.key : p.doc},
                    {"sweep_parameter", p.key}};
    std::vector<double> values(R);
    for (std::size_t r = 0; r < R; ++r) values[r] = plan.value(plan.run(ids[r]).point, i);
    if (p.type == ValueType::Real) {
      a.push_back({"valid_min", p.min});
      a.push_back({"valid_max", p.max});
      f.write(p.variable, {"run"}, values, a);
    } else {
      a.push_back({"valid_min", static_cast<std::int64_t>(std::llround(p.min))});
      a.push_back({"valid_max", static_cast<std::int64_t>(std::llround(p.max))});
      if (p.type == ValueType::Int32) {
        std::vector<std::int32_t> v(values.begin(), values.end());
        f.write(p.variable, {"run"}, v, a);
      } else {
        std::vector<std::int64_t> v(R);
        std::transform(values.begin(), values.end(), v.begin(),
                       [](double x) { return static_cast<std::int64_t>(std::llround(x)); });
        f.write(p.variable, {"run"}, v, a);
      }
    }
  }
  const UnitDesign& meta = plan.metadata();
  const auto per_run = [&](const auto& per_point) {
    using T = typename std::decay_t<decltype(per_point)>::value_type;
    std::vector<T> out(R);
    for (std::size_t r = 0; r < R; ++r) out[r] = per_point[static_cast<std::size_t>(plan.run(ids[r]).point)];
    return out;
  };
  if (!meta.saltelli_block.empty()) {
    f.write("saltelli_block", {"run"}, per_run(meta.saltelli_block),
            {{"units", "1"}, {"long_name", "Saltelli block: 0 A, 1 B, 2+k AB_k (A with parameter k from B)"}});
    f.write("saltelli_index", {"run"}, per_run(meta.saltelli_index), attrs("1", "Saltelli base sample index"));
  }
  if (!meta.morris_trajectory.empty()) {
    f.write("morris_trajectory", {"run"}, per_run(meta.morris_trajectory), attrs("1", "Morris trajectory"));
    f.write("morris_step", {"run"}, per_run(meta.morris_step),
            attrs("1", "Morris step within its trajectory (step s moves one parameter from step s-1)"));
  }
}

/// The variables over `run` that describe a run (CF auxiliary coordinates: xarray shows
/// them as coordinates of every result variable).
std::string run_coordinates(const SweepSpec& spec, const SweepPlan& plan) {
  std::string out = "design_point replicate seed run_status";
  for (const auto& p : spec.parameters) out += " " + p.variable;
  if (!plan.metadata().saltelli_block.empty()) out += " saltelli_block saltelli_index";
  if (!plan.metadata().morris_trajectory.empty()) out += " morris_trajectory morris_step";
  return out;
}

/// Event variables (over `event`): name, type, attributes, as in sim/io/run_file.cpp.
struct EventVariable {
  const char* name;
  ElementType type;
  Attributes attrs;
};

std::vector<EventVariable> event_variables() {
  return {
      {"event_run", ElementType::I32, attrs("1", "run of the event")},
      {"event_term", ElementType::I32, attrs("term", "term of the event")},
      {"event_kind",
       ElementType::I8,
       {{"units", "1"}, {"long_name", "event kind"}, {"flag_meanings", "formed ended joined"}}},
      {"event_partnership", ElementType::I32, attrs("1", "partnership id")},
      {"event_type",
       ElementType::I8,
       {{"units", "1"}, {"long_name", "partnership type"}, {"flag_meanings", "pair network federation mat"}}},
      {"event_broker", ElementType::I32, attrs("1", "broker: LA index, -1 none, -2 national broker")},
      {"event_programme", ElementType::I16, attrs("1", "programme index, -1 none")},
      {"event_reason",
       ElementType::I8,
       {{"units", "1"},
        {"long_name", "reason a partnership ended"},
        {"flag_meanings", "not_ended funding_ended hazard graduated joined_mat"}}},
      {"event_size", ElementType::I8, attrs("1", "members named by the event")},
  };
}

void write_events(NcWriter& f, std::size_t offset, std::int64_t run, const std::vector<Event>& ev, int max_members) {
  const std::size_t n = ev.size();
  if (n == 0) return;
  std::vector<std::int32_t> run_id(n, static_cast<std::int32_t>(run)), term(n), partnership(n), broker(n), members;
  std::vector<std::int8_t> kind(n), type(n), reason(n), size(n);
  std::vector<std::int16_t> programme(n);
  members.reserve(n * static_cast<std::size_t>(max_members));
  for (std::size_t i = 0; i < n; ++i) {
    const Event& e = ev[i];
    term[i] = e.term, kind[i] = e.kind, partnership[i] = e.partnership, type[i] = e.type, broker[i] = e.broker;
    programme[i] = e.programme, reason[i] = e.reason;
    size[i] = static_cast<std::int8_t>(std::min<std::size_t>(e.members.size(), 127));
    for (int k = 0; k < max_members; ++k)
      members.push_back(k < static_cast<int>(e.members.size()) ? e.members[static_cast<std::size_t>(k)] : -1);
  }
  const std::vector<std::size_t> start{offset}, count{n};
  f.write_slab("event_run", start, count, run_id);
  f.write_slab("event_term", start, count, term);
  f.write_slab("event_kind", start, count, kind);
  f.write_slab("event_partnership", start, count, partnership);
  f.write_slab("event_type", start, count, type);
  f.write_slab("event_broker", start, count, broker);
  f.write_slab("event_programme", start, count, programme);
  f.write_slab("event_reason", start, count, reason);
  f.write_slab("event_size", start, count, size);
  f.write_slab("event_members", {offset, 0}, {n, static_cast<std::size_t>(max_members)}, members);
}

}  // namespace

std::string fingerprint_text(std::uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, fingerprint);
  return buf;
}

bool write_sweep_file(const std::filesystem::path& path, bool overwrite, const SweepSpec& spec, const SweepPlan& plan,
                      const World& world, const RunSchema& schema, const std::vector<RunSummary>& runs,
                      const std::function<RunRecord(std::int64_t)>& read, const std::function<bool()>& keep_going,
                      const SweepFileInfo& info) {
  std::vector<std::int64_t> ids = info.run_ids;
  if (ids.empty() && !info.shard) {
    ids.resize(static_cast<std::size_t>(plan.runs()));
    std::iota(ids.begin(), ids.end(), std::int64_t{0});
  }
  const auto R = ids.size();
  std::int64_t failed = 0, n_events = 0;
  int max_members = 2;
  for (const std::int64_t id : ids) {
    const RunSummary& r = runs[static_cast<std::size_t>(id)];
    failed += r.status != 0;
    n_events += r.n_events;
    max_members = std::max(max_members, static_cast<int>(r.max_members));
  }

  NcWriter f(path, overwrite);
  f.set_global("Conventions", std::string("CF-1.8"));
  f.set_global("title", "schoolsim sweep: " + spec.name);
  f.set_global("source", version_string());
  f.set_global("history", info.history);
  f.set_global("scenario_name", spec.base_scenario.name);
  f.set_global("scenario_yaml", config::to_yaml(spec.base_scenario));
  f.set_global("sweep_yaml", resolved_sweep_yaml(spec));
  f.set_global("seed", static_cast<std::int64_t>(spec.seed));
  // "replicates": replicates of one scenario, no parameter variables (analysis/README.md).
  f.set_global("sweep_design",
               spec.parameters.empty() ? std::string("replicates") : std::string(to_string(spec.design.type)));
  f.set_global("sweep_seed", static_cast<std::int64_t>(spec.seed));
  f.set_global("sweep_replicates", spec.replicates);
  f.set_global("sweep_points", plan.points());
  f.set_global("sweep_runs", plan.runs());
  f.set_global("sweep_failed_runs", failed);
  f.set_global("sweep_fingerprint", fingerprint_text(info.fingerprint));
  if (info.shard) {
    // A shard: its own runs (global run ids in `run`), failures and events; `schoolsim merge`
    // or the MPI driver joins the shards (docs/cluster.md).
    f.set_global("shard_index", static_cast<std::int64_t>(info.shard->index));
    f.set_global("shard_count", static_cast<std::int64_t>(info.shard->count));
  }
  f.set_global("run_seed_rule",
               std::string("seed = SplitMix64 output number replicate + 1 from state sweep_seed, shifted right by 2 "
                           "bits; every design point uses the same seed for the same replicate (docs/sweeps.md)"));

  std::vector<std::int32_t> run_ids(ids.begin(), ids.end()), terms(static_cast<std::size_t>(schema.n_terms)),
      schools(static_cast<std::size_t>(world.n)), member_ids(static_cast<std::size_t>(max_members));
  std::iota(terms.begin(), terms.end(), 0);
  std::iota(schools.begin(), schools.end(), 0);
  std::iota(member_ids.begin(), member_ids.end(), 0);
  f.add_dimension("run", run_ids, {{"standard_name", "realization"}, {"long_name", "run"}, {"units", "1"}});
  f.add_dimension("term", terms, {{"units", "term"}, {"long_name", "school term (0 = initial state; 3 terms a year)"}});
  f.add_dimension("school", schools, attrs("1", "school id"));
  f.add_dimension("phase", std::vector<std::string>{"primary", "secondary"}, {{"long_name", "phase of education"}});
  const std::vector<std::int8_t> grades = {1, 2, 3, 4};
  f.add_dimension("grade", grades, attrs("1", "inspection grade (1 outstanding .. 4 inadequate)"));
  f.add_dimension("partnership_type", std::vector<std::string>{"pair", "network", "federation", "mat"},
                  {{"long_name", "partnership type"}});
  f.add_dimension("domain", std::vector<std::string>{"teaching", "leadership", "data"},
                  {{"long_name", "expertise domain"}});
  f.add_dimension("member", member_ids, attrs("1", "member position"));
  if (!schema.programmes.empty())
    f.add_dimension("programme", schema.programmes, {{"long_name", "programme (name, in scenario order)"}});

  write_static(f, world);
  if (schema.n_las > 0) io::write_area_table(f, world, output_regions(spec.base_scenario, world));
  write_run_variables(f, spec, plan, runs, ids);

  const std::string coordinates = run_coordinates(spec, plan);
  for (const auto& v : schema.variables) {
    std::vector<std::string> dims{"run"};
    dims.insert(dims.end(), v.dims.begin(), v.dims.end());
    Attributes a = v.attrs;
    a.push_back({"coordinates", coordinates});
    with_type(v.type, [&](auto zero) {
      using T = decltype(zero);
      if constexpr (!std::is_floating_point_v<T>) {
        if (failed > 0) a.push_back({"_FillValue", static_cast<std::int64_t>(integer_fill<T>())});
      }
      f.define<T>(v.name, dims, a, chunk_for(f, v, R, v.dims));
    });
  }
  if (schema.events) {
    std::vector<std::int32_t> event_ids(static_cast<std::size_t>(n_events));
    std::iota(event_ids.begin(), event_ids.end(), 0);
    f.add_dimension("event", event_ids, attrs("1", "partnership event index (events of every run, in run order)"));
    const std::size_t chunk = std::clamp<std::size_t>(static_cast<std::size_t>(n_events), 1, kEventChunk);
    for (const auto& e : event_variables())
      with_type(e.type, [&](auto zero) { f.define<decltype(zero)>(e.name, {"event"}, e.attrs, {chunk}); });
    f.define<std::int32_t>("event_members", {"event", "member"}, attrs("1", "member school ids, -1 padded"),
                           {chunk, static_cast<std::size_t>(max_members)});
  }

  std::size_t event_offset = 0;
  for (std::size_t r = 0; r < R; ++r) {
    if (!keep_going()) return false;
    const RunRecord rec = read(ids[r]);
    for (std::size_t i = 0; i < schema.variables.size(); ++i) {
      const VariableSchema& v = schema.variables[i];
      std::vector<std::size_t> start{r}, count{1};
      for (const auto& d : v.dims) start.push_back(0), count.push_back(f.dimension_size(d));
      with_type(v.type, [&](auto zero) {
        using T = decltype(zero);
        if (rec.status == 0) {
          f.write_slab<T>(v.name, start, count, std::get<std::vector<T>>(rec.columns[i]));
        } else {
          f.write_slab<T>(v.name, start, count, fill_values<T>(v.size));
        }
      });
    }
    if (schema.events) {
      write_events(f, event_offset, ids[r], rec.events, max_members);
      event_offset += rec.events.size();
    }
  }
  f.commit();
  return true;
}

std::optional<std::string> read_sweep_fingerprint(const std::filesystem::path& path) {
  // Through the one reader (io/nc_reader.hpp): it probes the file in a child first, as damaged
  // metadata can crash HDF5 (docs/hardening.md).
  std::optional<io::NcReader> file;
  try {
    file.emplace(path);
  } catch (const DamagedFileError& e) {
    throw DamagedFileError(e.file(), e.problem() + "; use --force to replace it");
  } catch (const io::InputFileError&) {
    return std::nullopt;  // missing, not HDF5 or unreadable: not a sweep file of ours
  }
  const auto value = file->global("sweep_fingerprint");
  if (!value || !std::holds_alternative<std::string>(*value)) return std::nullopt;
  return std::get<std::string>(*value);
}

}  // namespace schoolsim::sweep
