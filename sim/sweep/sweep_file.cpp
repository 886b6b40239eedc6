#include "sim/sweep/sweep_file.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <variant>

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

/// Writes the events of run `run` at `offset` along `event`: every event variable of the output schema.
void write_events(NcWriter& f, const output::Layout& layout, std::size_t offset, std::int64_t run,
                  const std::vector<Event>& ev) {
  const std::size_t n = ev.size();
  if (n == 0) return;
  output::Source source;
  source.events = &ev;
  source.max_members = layout.max_members;
  source.run = run;
  for (const auto& v : output::variables()) {
    if (v.part != output::Part::Events || !output::holds(v.condition, layout)) continue;
    std::vector<std::size_t> start{offset}, count{n};
    for (std::size_t k = 1; k < v.dims.size(); ++k)
      start.push_back(0), count.push_back(output::dimension_size(output::dimension(v.dims[k]), layout));
    std::visit([&](const auto& values) { f.write_slab(v.name, start, count, values); }, v.values(source));
  }
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

  output::Layout layout = sweep_layout(schema);
  layout.max_members = max_members;
  layout.n_events = n_events;
  layout.runs = ids;
  for (const auto& d : output::dimensions())
    if (output::holds(d.condition, layout) && d.name != "event") io::add_dimension(f, d, layout);
  const std::vector<OutputRegion> regions =
      schema.n_las > 0 ? output_regions(spec.base_scenario, world) : std::vector<OutputRegion>{};
  output::Source source;
  source.world = &world;
  source.regions = &regions;
  for (const auto& v : output::variables())
    if (v.part == output::Part::World && output::holds(v.condition, layout)) io::write_variable(f, v, layout, source);
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
    io::add_dimension(f, output::dimension("event"), layout);
    const std::size_t chunk = std::clamp<std::size_t>(static_cast<std::size_t>(n_events), 1, kEventChunk);
    for (const auto& v : output::variables()) {
      if (v.part != output::Part::Events || !output::holds(v.condition, layout)) continue;
      std::vector<std::size_t> shape{chunk};
      for (std::size_t k = 1; k < v.dims.size(); ++k)
        shape.push_back(output::dimension_size(output::dimension(v.dims[k]), layout));
      const Attributes a = io::to_attributes(output::attributes_in(v, layout));
      with_type(v.type, [&](auto zero) { f.define<decltype(zero)>(v.name, v.dims, a, shape); });
    }
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
      write_events(f, layout, event_offset, ids[r], rec.events);
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
