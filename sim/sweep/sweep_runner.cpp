#include "sim/sweep/sweep_runner.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <chrono>
#include <map>
#include <system_error>
#include <thread>

#include "sim/config/scenario_yaml.hpp"
#include "sim/run/driver.hpp"
#include "sim/io/nc_reader.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/sweep/hash.hpp"
#include "sim/sweep/run_journal.hpp"
#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/run_record.hpp"
#include "sim/sweep/sweep_error.hpp"
#include "sim/sweep/sweep_file.hpp"
#include "sim/core/version.hpp"
#include "sim/core/world.hpp"
#include "sim/io/world_builder.hpp"

namespace schoolsim::sweep {
namespace {

namespace fs = std::filesystem;

RunSchema schema_of(const SweepSpec& spec, const World& world) {
  const Scenario& b = spec.base_scenario;
  std::vector<std::string> regions;
  for (const auto& r : output_regions(b, world)) regions.push_back(r.name);
  std::vector<std::string> programmes;
  for (const auto& p : b.programmes) programmes.push_back(p.name);
  return make_run_schema(world.n, b.run.terms, spec.write_per_school, b.output.events, world.n_las, regions,
                         programmes);
}

/// The journal of a shard: its own fingerprint, so a journal of another part is refused.
std::uint64_t shard_journal_fingerprint(std::uint64_t fingerprint, const ShardSpec& shard) {
  Fnv1a h;
  h.text("schoolsim shard journal 1");
  h.value(fingerprint), h.value(shard.index), h.value(shard.count);
  return h.digest();
}

}  // namespace

void check_sweep_output(const fs::path& out) {
  if (out.empty()) throw SweepInputError("no output file given (use -o OUT.h5)");
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw SweepInputError(out.string() + ": the folder " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw SweepInputError(out.string() + ": the folder " + dir.string() + " is not writable");
  if (fs::is_directory(out, ec)) throw SweepInputError(out.string() + ": is a folder, not a file name");
  // "<out>.parts" and "<out>.tmp-<pid>" must fit in a file name (else 'File name too long',
  // exit 1, after the runs); a device, pipe or socket is never replaced, even with --force.
  if (out.filename().string().size() + 16 > NAME_MAX)
    throw SweepInputError(out.string() + ": the file name is too long (" +
                          std::to_string(out.filename().string().size()) + " bytes; at most " +
                          std::to_string(NAME_MAX - 16) + ")");
  const fs::file_status status = fs::symlink_status(out, ec);
  if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_symlink(status))
    throw SweepInputError(out.string() + ": is not a regular file (a device, pipe or socket); choose a file name");
}

RunSummary summarise(const RunRecord& rec) {
  RunSummary s;
  s.done = true;
  s.status = rec.status;
  s.error = rec.error;
  s.n_events = static_cast<std::int64_t>(rec.events.size());
  for (const auto& e : rec.events) s.max_members = std::max(s.max_members, static_cast<std::int32_t>(e.members.size()));
  return s;
}

bool holds_sweep(const fs::path& path, std::uint64_t fingerprint, const std::optional<ShardSpec>& shard) {
  if (read_sweep_fingerprint(path) != fingerprint_text(fingerprint)) return false;
  try {
    const io::NcReader file(path);
    const auto integer = [&](const char* name) -> std::optional<std::int64_t> {
      const auto v = file.global(name);
      if (!v || !std::holds_alternative<std::int64_t>(*v)) return std::nullopt;
      return std::get<std::int64_t>(*v);
    };
    if (!shard) return !integer("shard_index");  // a sweep file or the master of a sharded sweep
    return integer("shard_index") == shard->index && integer("shard_count") == shard->count;
  } catch (const std::exception&) {
    return false;
  }
}

PreparedSweep::PreparedSweep(const SweepSpec& spec, const std::function<void(const std::string&)>& note_fn)
    : spec_(spec), plan_(std::make_unique<SweepPlan>(spec_)) {
  const auto note = [&](const std::string& text) {
    if (note_fn) note_fn(text);
  };
  const SweepPlan& plan = *plan_;
  // Check every design point; the world's neighbour lists cover the largest radius any
  // valid point needs.
  auto radius = required_neighbour_radius(spec_.base_scenario);
  for (std::int64_t p = 0; p < plan.points(); ++p) {
    const Scenario s = plan.point_scenario(p);
    try {
      config::validate(s, "design point " + std::to_string(p));
    } catch (const config::ConfigError& e) {
      point_errors_[p] = e.what();
      continue;
    }
    const auto r = required_neighbour_radius(s);
    for (int ph = 0; ph < kPhases; ++ph)
      radius[static_cast<std::size_t>(ph)] =
          std::max(radius[static_cast<std::size_t>(ph)], r[static_cast<std::size_t>(ph)]);
  }
  if (!point_errors_.empty())
    note(std::to_string(point_errors_.size()) + " of " + std::to_string(plan.points()) +
         " design points are invalid; their runs are recorded as failed (first: " + point_errors_.begin()->second +
         ")");
  world_ = build_world(spec_.base_scenario, spec_.base_path.parent_path(), radius);
  if (!spec_.base_scenario.world.file.empty()) {
    const std::size_t known = spec_.notes.size();
    decide_per_school(spec_, world_.n);
    for (std::size_t i = known; i < spec_.notes.size(); ++i) note(spec_.notes[i]);
  }
  schema_ = schema_of(spec_, world_);
  world_digest_ = digest_world(world_, world_file_path(spec_.base_scenario, spec_.base_path.parent_path()).string());
  fingerprint_ = sweep_fingerprint(spec_, world_);
}

std::optional<RunRecord> PreparedSweep::run(std::int64_t id, const std::function<bool()>& stopping) const {
  const RunPlan run = plan_->run(id);
  if (const auto bad = point_errors_.find(run.point); bad != point_errors_.end()) return failed_run(id, bad->second);
  try {
    const run::RunDescription description{plan_->run_scenario(run), run.seed,
                                          static_cast<std::uint32_t>(run.replicate)};
    // Regions come from the base scenario: text and lists are never swept.
    Recorder recorder(world_, description.scenario.run.terms, description.scenario.output.per_school, true,
                      output_regions(spec_.base_scenario, world_));
    const run::RunOutcome outcome = run::drive(description, world_, {&recorder}, stopping);
    if (outcome.stopped) return std::nullopt;
    return record_run(schema_, id, recorder, outcome.final_state);
  } catch (const std::exception& e) {
    return failed_run(id, std::string("run ") + std::to_string(id) + " (design point " + std::to_string(run.point) +
                              ", replicate " + std::to_string(run.replicate) + "): " + e.what());
  }
}

std::uint64_t sweep_fingerprint(const SweepSpec& spec, const World& world) {
  const SweepPlan plan(spec);
  const RunSchema schema = schema_of(spec, world);
  Fnv1a h;
  h.text("schoolsim sweep fingerprint 3");
  // The whole world (a world file may change between an interruption and --resume): every
  // variable that enters a run or the sweep file, the register's initial values included.
  h.value(world.n), h.value(world.n_las);
  h.value(digest_world(world, {}).combined());
  h.text(version_string());
  h.text(resolved_sweep_yaml(spec));
  h.text(config::to_yaml(spec.base_scenario));
  h.value(schema.n_schools), h.value(schema.n_terms), h.value(schema.per_school), h.value(schema.events);
  for (const auto& v : schema.variables) h.text(v.name);  // a journal of a build with other outputs is not reused
  h.value(plan.points()), h.value(plan.runs());
  for (std::int64_t p = 0; p < plan.points(); ++p)
    for (std::size_t i = 0; i < plan.parameters(); ++i) h.value(plan.value(p, i));
  return h.digest();
}

SweepOutcome run_sweep(const SweepSpec& spec_in, const SweepOptions& options, SweepCounters& counters) {
  const auto note = [&](const std::string& text) {
    if (options.note) options.note(text);
  };
  const auto stopping = [&] { return options.stop != nullptr && options.stop->load(std::memory_order_relaxed); };
  SweepOutcome outcome;
  const auto R = spec_in.runs();
  const RunBlock block = options.shard ? shard_block(options.shard->index, options.shard->count, R) : RunBlock{0, R};
  outcome.runs = block.size();
  counters.total = block.size();

  // Output and parts folder: every refusal before any work.
  const fs::path& out = options.output;
  check_sweep_output(out);
  const fs::path parts_path = RunJournal::folder_for(out);
  outcome.parts = parts_path;
  std::error_code ec;
  const bool out_exists = fs::exists(fs::symlink_status(out, ec));
  const bool parts_exist = fs::exists(fs::symlink_status(parts_path, ec));
  if (options.force) {
    if (parts_exist) {
      const auto held = RunJournal::lock_for_removal(parts_path);  // a running sweep's folder is never removed
      fs::remove_all(parts_path, ec);
      if (ec) throw io::OutputError("cannot remove '" + parts_path.string() + "': " + ec.message());
    }
  } else if (out_exists && !options.resume) {
    throw SweepInputError(out.string() + ": exists already (use --force to replace it)");
  }
  if (parts_exist && !options.resume && !options.force)
    throw SweepInputError(parts_path.string() +
                          " exists (an interrupted sweep?): use --resume to continue it or --force to start over");
  if (parts_exist && !options.force && fs::exists(parts_path / "rank-0", ec))
    throw SweepInputError(
        parts_path.string() +
        " holds the journals of an MPI sweep: continue it under mpirun (docs/cluster.md), or use --force");

  const PreparedSweep prepared(spec_in, note);
  const SweepSpec& spec = prepared.spec();
  const SweepPlan& plan = prepared.plan();
  const RunSchema& schema = prepared.schema();
  const std::uint64_t fingerprint = prepared.fingerprint();
  const std::uint64_t journal_fingerprint =
      options.shard ? shard_journal_fingerprint(fingerprint, *options.shard) : fingerprint;

  if (out_exists && !options.force) {
    if (holds_sweep(out, fingerprint, options.shard)) {
      if (parts_exist) fs::remove_all(parts_path, ec);  // left over if the merge was stopped after the rename
      outcome.result = SweepOutcome::Result::AlreadyComplete;
      counters.stage = 3;
      return outcome;
    }
    throw SweepInputError(out.string() + ": exists already (use --force to replace it)");
  }
  RunJournal journal(parts_path, parts_exist && !options.force ? RunJournal::Mode::Resume : RunJournal::Mode::Create,
                     journal_fingerprint, R, prepared.world_digest());

  // Reuse the valid records of an interrupted sweep.
  std::vector<RunSummary> summary(static_cast<std::size_t>(R));
  journal.scan(
      schema,
      [&](const RunRecord& rec) {
        if (rec.run_id >= block.begin && rec.run_id < block.end)
          summary[static_cast<std::size_t>(rec.run_id)] = summarise(rec);
      },
      [&](const std::string& problem) {
        note(problem);
        ++outcome.invalid_parts;
      });
  for (const auto& s : summary) {
    outcome.reused += s.done;
    counters.failed += s.done && s.status != 0;
  }
  counters.reused = outcome.reused;
  std::vector<std::int64_t> pending, ids;
  for (std::int64_t id = block.begin; id < block.end; ++id) {
    ids.push_back(id);
    if (!summary[static_cast<std::size_t>(id)].done) pending.push_back(id);
  }

  // Run what is missing: one task per run, isolated so that a thread waiting inside a run's
  // parallel loops never starts another run (which bounds the runs in flight by the threads).
  const auto t0 = std::chrono::steady_clock::now();
  counters.started_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
  counters.stage = 1;
  const auto run_one = [&](std::int64_t id) {
    std::optional<RunRecord> done = prepared.run(id, stopping);
    if (!done) return;
    const RunRecord& rec = *done;
    journal.append(schema, rec);
    summary[static_cast<std::size_t>(id)] = summarise(rec);
    if (rec.status != 0) ++counters.failed;
    ++counters.ran;
    // Test hook (tests/slurm/): while the file named by SCHOOLSIM_TEST_HOLD_FILE exists, each
    // journalled run waits until it is removed or the sweep is stopped, so a test can cancel
    // or requeue a batch job at a known point (some runs journalled, the rest not).
    static const char* const hold_file = std::getenv("SCHOOLSIM_TEST_HOLD_FILE");
    if (hold_file != nullptr && *hold_file != '\0')
      while (!stopping() && fs::exists(hold_file)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, pending.size(), 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          if (stopping()) return;
          tbb::this_task_arena::isolate([&] { run_one(pending[i]); });
        }
      },
      tbb::simple_partitioner());
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  outcome.ran = counters.ran;
  outcome.failed = counters.failed;
  if (stopping()) {
    outcome.result = SweepOutcome::Result::Interrupted;
    return outcome;
  }
  for (const std::int64_t id : ids)
    if (!summary[static_cast<std::size_t>(id)].done) throw std::logic_error("sweep: a run has no result");

  // Merge the records, in run order, into the sweep file.
  counters.stage = 2;
  const auto read = [&](std::int64_t id) {
    try {
      return journal.read(schema, id);
    } catch (const PartError& e) {
      throw io::OutputError("the journal record of run " + std::to_string(id) + " became unusable while merging (" +
                            e.what() + "); run the sweep again with --resume to redo it");
    }
  };
  SweepFileInfo info{options.history, fingerprint, {}, options.shard};
  if (options.shard) info.run_ids = ids;
  const bool merged = write_sweep_file(
      out, options.force, spec, plan, prepared.world(), schema, summary, read, [&] { return !stopping(); }, info);
  if (!merged) {
    outcome.result = SweepOutcome::Result::Interrupted;
    return outcome;
  }
  journal.remove_all();
  counters.stage = 3;
  outcome.result = SweepOutcome::Result::Complete;
  return outcome;
}

}  // namespace schoolsim::sweep
