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
#include "sim/sweep/sweep_spec.hpp"
#include "sim/world.hpp"

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
  std::string history;      ///< the command line (CF `history`)
  std::uint64_t fingerprint = 0;
};

/// Writes `path` (temporary name, renamed when complete). `read(run_id)` returns each run's
/// record, called once per run in run order; `keep_going()` is asked before each run and a
/// false answer abandons the file (returns false, nothing written). Throws io::OutputError.
bool write_sweep_file(const std::filesystem::path& path, bool overwrite, const SweepSpec& spec, const SweepPlan& plan,
                      const World& world, const RunSchema& schema, const std::vector<RunSummary>& runs,
                      const std::function<RunRecord(std::int64_t)>& read, const std::function<bool()>& keep_going,
                      const SweepFileInfo& info);

/// The `sweep_fingerprint` attribute of an existing sweep file; nullopt if the file cannot
/// be read or has none.
std::optional<std::string> read_sweep_fingerprint(const std::filesystem::path& path);

/// The fingerprint as written in files (16 hex digits).
std::string fingerprint_text(std::uint64_t fingerprint);

}  // namespace schoolsim::sweep
