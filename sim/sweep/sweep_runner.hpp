#pragma once
// Runs a sweep: builds the world once, runs every (design point, replicate) as a oneTBB task
// (each run's own loops stay parallel), appends each finished run to a journal, and merges
// the journal into the sweep file at the end. Memory is bounded by the runs in flight (at most
// one per thread) plus O(runs) bytes of bookkeeping, not by the size of the results.
// See docs/sweeps.md ("Resume", "Failure handling", "Memory").
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/run_record.hpp"
#include "sim/sweep/shards.hpp"
#include "sim/sweep/sweep_file.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/sweep/world_digest.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::sweep {

struct SweepOptions {
  std::filesystem::path output;
  bool resume = false;  ///< reuse valid parts of an interrupted sweep
  bool force = false;   ///< discard existing parts and replace an existing output
  std::string history;  ///< command line, for the `history` attribute
  /// Set (e.g. by a signal handler) to stop: no new run starts, runs in flight are abandoned
  /// at their next term, finished runs stay in the journal; nothing is merged.
  const std::atomic<bool>* stop = nullptr;
  /// Informational messages (invalid records being redone, invalid design points, ...).
  std::function<void(const std::string&)> note;
  /// Run only part `index` of `count` (contiguous blocks of runs) into the shard file
  /// `output` (docs/cluster.md); its journal is `output`.parts as usual.
  std::optional<ShardSpec> shard;
};

/// Live counters for a progress display (read from another thread).
struct SweepCounters {
  std::atomic<std::int64_t> total{0};
  std::atomic<std::int64_t> reused{0};      ///< runs whose valid record was found (resume)
  std::atomic<std::int64_t> ran{0};         ///< runs finished by this process (ok or failed)
  std::atomic<std::int64_t> failed{0};      ///< failed runs, reused ones included
  std::atomic<int> stage{0};                ///< 0 preparing, 1 running, 2 merging, 3 done
  std::atomic<std::int64_t> started_ns{0};  ///< steady_clock time the runs started
};

struct SweepOutcome {
  enum class Result { Complete, AlreadyComplete, Interrupted };
  Result result = Result::Complete;
  std::int64_t runs = 0, reused = 0, ran = 0, failed = 0, invalid_parts = 0;  ///< invalid_parts: records skipped
  double seconds = 0;                                                         ///< wall time of the runs (not the merge)
  std::filesystem::path parts;
};

/// The fingerprint of a sweep: changes whenever anything that shapes its results changes
/// (resolved spec and base scenario, the world's schools, design points, seeds, output
/// layout, schoolsim version).
std::uint64_t sweep_fingerprint(const SweepSpec& spec, const World& world);

/// Everything a process needs to run any run of a sweep: the checked design points, the
/// world (built once, with neighbour lists for the largest radius any valid point needs),
/// the per-run output schema and the fingerprint. Shared read-only by the threads of a
/// process (and built identically by every MPI rank).
class PreparedSweep {
 public:
  /// Validates every design point (invalid ones become failed runs, with a `note`), builds
  /// the world and decides per-school output for a world file. Throws what build_world throws.
  PreparedSweep(const SweepSpec& spec, const std::function<void(const std::string&)>& note);
  PreparedSweep(const PreparedSweep&) = delete;
  PreparedSweep& operator=(const PreparedSweep&) = delete;

  const SweepSpec& spec() const { return spec_; }
  const SweepPlan& plan() const { return *plan_; }
  const World& world() const { return world_; }
  const RunSchema& schema() const { return schema_; }
  std::uint64_t fingerprint() const { return fingerprint_; }
  /// The world, variable by variable (written to journal manifests, so that a resume on a
  /// changed world file says what changed).
  const WorldDigest& world_digest() const { return world_digest_; }
  std::int64_t runs() const { return plan_->runs(); }

  /// Runs one run (a failed record if its point is invalid or the engine throws); nullopt
  /// if `stopping()` became true before it finished (checked before every term).
  std::optional<RunRecord> run(std::int64_t id, const std::function<bool()>& stopping) const;

 private:
  SweepSpec spec_;
  std::unique_ptr<SweepPlan> plan_;
  std::map<std::int64_t, std::string> point_errors_;
  World world_;
  RunSchema schema_;
  WorldDigest world_digest_;
  std::uint64_t fingerprint_ = 0;
};

/// What writing a sweep or shard file needs to know of a finished run.
RunSummary summarise(const RunRecord& record);

/// Refuses an output path whose folder is missing or unwritable, or that is a folder
/// (SweepInputError).
void check_sweep_output(const std::filesystem::path& out);

/// Whether `path` is a complete file of this sweep (its `sweep_fingerprint` matches and, for
/// a shard, `shard_index`/`shard_count` too).
bool holds_sweep(const std::filesystem::path& path, std::uint64_t fingerprint, const std::optional<ShardSpec>& shard);

/// Runs the sweep. Throws SweepInputError (output exists, parts folder exists without
/// --resume, parts of another sweep, folder locked), io::OutputError on I/O failure.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options, SweepCounters& counters);

}  // namespace schoolsim::sweep
