#pragma once
// Joins the shards of a sweep (files written by `schoolsim sweep --shard K/N` or by the MPI
// driver, docs/cluster.md) into one sweep file with every run in run order:
// - a master file (default): HDF5 virtual datasets (H5Pset_virtual) map every variable over
//   `run` (but the small run-description variables, which are copied) and over `event` onto
//   the shards, found by paths relative to the master's folder and listed in the global
//   attribute `shard_files` (one per line), which readers check before opening;
// - with `copy`, a self-contained sweep file holding the data, as one process would write it.
// Either way the data, dimensions and attributes equal those of the single-process sweep
// file; `history` is the merge's, and a master has `shard_files`.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace schoolsim::sweep {

struct MergeOptions {
  bool copy = false;       ///< one self-contained file instead of a master of virtual datasets
  bool overwrite = false;  ///< replace an existing output (--force)
  std::string history;     ///< the command line
  /// Asked between variables; false abandons the output (nothing written).
  std::function<bool()> keep_going;
};

struct MergeOutcome {
  bool complete = true;
  std::int64_t runs = 0, failed = 0, events = 0;
  std::size_t shards = 0;
  std::size_t segments = 0;  ///< stretches of consecutive runs in one shard (mappings per variable)
};

/// Writes `out` from `shards` (any order). Throws SweepInputError if a file is unreadable or
/// not a shard, the shards belong to different sweeps, two shards hold the same part or run,
/// or runs are missing (naming the missing parts and runs); io::OutputError on write failure.
MergeOutcome merge_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& out,
                          const MergeOptions& options);

/// The path of `file` relative to the folder of `master` (as written to `shard_files` and
/// the virtual datasets' source names), or absolute if there is no relative path.
std::string path_from_master(const std::filesystem::path& master, const std::filesystem::path& file);

}  // namespace schoolsim::sweep
