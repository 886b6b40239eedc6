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
#include <string>

#include "sim/sweep/sweep_spec.hpp"
#include "sim/world.hpp"

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
};

/// Live counters for a progress display (read from another thread).
struct SweepCounters {
  std::atomic<std::int64_t> total{0};
  std::atomic<std::int64_t> reused{0};   ///< runs whose valid record was found (resume)
  std::atomic<std::int64_t> ran{0};      ///< runs finished by this process (ok or failed)
  std::atomic<std::int64_t> failed{0};   ///< failed runs, reused ones included
  std::atomic<int> stage{0};             ///< 0 preparing, 1 running, 2 merging, 3 done
  std::atomic<std::int64_t> started_ns{0};  ///< steady_clock time the runs started
};

struct SweepOutcome {
  enum class Result { Complete, AlreadyComplete, Interrupted };
  Result result = Result::Complete;
  std::int64_t runs = 0, reused = 0, ran = 0, failed = 0, invalid_parts = 0;  ///< invalid_parts: records skipped
  double seconds = 0;  ///< wall time of the runs (not the merge)
  std::filesystem::path parts;
};

/// The fingerprint of a sweep: changes whenever anything that shapes its results changes
/// (resolved spec and base scenario, the world's schools, design points, seeds, output
/// layout, schoolsim version).
std::uint64_t sweep_fingerprint(const SweepSpec& spec, const World& world);

/// Runs the sweep. Throws SweepInputError (output exists, parts folder exists without
/// --resume, parts of another sweep, folder locked), io::OutputError on I/O failure.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options, SweepCounters& counters);

}  // namespace schoolsim::sweep
