#pragma once
// Writes the merged sweep file (docs/sweeps.md, "Output"): the run-file layout with a leading
// `run` dimension, the parameters, seeds and status of every run as variables over `run`,
// and the partnership events of every run joined along `event` with `event_run`.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/run_record.hpp"
#include "sim/sweep/shards.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::sweep {

/// What the merge needs to know about each run before reading its part.
struct RunSummary {
  bool done = false;
  std::int8_t status = 0;
  std::int64_t n_events = 0;
  std::int32_t max_members = 0;
  std::string error;
};

struct SweepFileInfo {
  std::string history;  ///< the command line (CF `history`)
  std::uint64_t fingerprint = 0;
  /// The runs the file holds, ascending: a shard (docs/cluster.md). Empty: every run.
  std::vector<std::int64_t> run_ids;
  /// Set for a shard: written as the `shard_index` and `shard_count` attributes.
  std::optional<ShardSpec> shard;
};

/// Writes `path` (temporary name, renamed when complete): every run, or the runs of
/// `info.run_ids` (a shard, whose `run` coordinate holds those global run ids). `runs` is
/// indexed by run id. `read(run_id)` returns each run's record, called once per run in run order; `keep_going()` is
/// asked before each run and a false answer abandons the file (returns false, nothing written). Throws io::OutputError.
bool write_sweep_file(const std::filesystem::path& path, bool overwrite, const SweepSpec& spec, const SweepPlan& plan,
                      const World& world, const RunSchema& schema, const std::vector<RunSummary>& runs,
                      const std::function<RunRecord(std::int64_t)>& read, const std::function<bool()>& keep_going,
                      const SweepFileInfo& info);

/// Chunk shape of a variable over (run, shape...) in a sweep file of `runs` runs: variables
/// without a school axis hold as many whole runs per chunk as fit in 64 KiB; per-school
/// variables one run, split by halving the largest other axis until under 1 MiB.
std::vector<std::size_t> sweep_chunk(const std::vector<std::size_t>& shape, std::size_t element_bytes, bool per_school,
                                     std::size_t runs);

/// The `sweep_fingerprint` attribute of an existing sweep file; nullopt if the file cannot
/// be read or has none.
std::optional<std::string> read_sweep_fingerprint(const std::filesystem::path& path);

/// The fingerprint as written in files (16 hex digits).
std::string fingerprint_text(std::uint64_t fingerprint);

}  // namespace schoolsim::sweep
