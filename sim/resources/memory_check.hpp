#pragma once
// Refusing up front what would not fit in memory (docs/hardening.md "Limits"): a run or sweep
// whose estimated peak memory exceeds what is available stops before the world is built, with
// the estimate and what to change, instead of being killed by the kernel halfway.
//
// The estimate (measured on the synthetic England-sized world, docs/hardening.md):
//   program                     ~50 MB
//   per school                  ~1.2 KB (world arrays and one run's state)
//   neighbour lists             ~40 bytes per same-phase pair within the largest radius
//                               (20 stored, the rest while they are built)
//   per-school output           27 bytes per school-term (a run; each run in flight in a sweep)
//   sweep bookkeeping           ~150 bytes per run + 8 bytes per design value
// Before the world exists, neighbour pairs are estimated for evenly spread schools (clustered
// worlds hold up to ~4x more); run checks again with the exact count once the lists are built.
// Available memory: --memory-limit, else SCHOOLSIM_MEMORY_LIMIT, else the smallest of
// MemAvailable (/proc/meminfo), the cgroup's memory.max less its current use (batch jobs) and
// the memory a SLURM job asked for (--mem, --mem-per-cpu; docs/cluster.md).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/core/scenario.hpp"

namespace schoolsim {

struct World;

/// The estimate is above the limit (exit status 2 in the CLI); the message says what to change.
class MemoryError : public InputError {
 public:
  using InputError::InputError;
};

struct MemoryEstimate {
  std::vector<std::pair<std::string, double>> parts;  ///< (what, bytes), largest first in text()
  double total() const;
  /// "6.2 GB: neighbour lists 4.8 GB (120 million pairs), per-school output 1.1 GB, ..."
  std::string text() const;
};

struct MemoryLimit {
  double bytes = 0;
  std::string source;  ///< "--memory-limit", "SCHOOLSIM_MEMORY_LIMIT", "MemAvailable in /proc/meminfo", ...
};

/// Parses "4G", "512M", "1.5GiB", "2e9", "1000000" (bytes; K/M/G/T powers of 1024).
/// Throws std::invalid_argument naming the text.
double parse_memory_size(const std::string& text);

/// The memory a run may use: `option` (--memory-limit text) if not empty, else the
/// SCHOOLSIM_MEMORY_LIMIT environment variable, else the system's. nullopt if unknown.
std::optional<MemoryLimit> memory_limit(const std::string& option);

/// The memory a SLURM job gives this process: SLURM_MEM_PER_NODE (MiB; divided by
/// SLURM_NTASKS_PER_NODE when set), else SLURM_MEM_PER_CPU x SLURM_CPUS_PER_TASK (default 1).
/// nullopt outside SLURM or when the job asked for no memory (or all of it: 0).
std::optional<MemoryLimit> slurm_job_limit();

/// Same-phase neighbour pairs of a synthetic world, for evenly spread schools.
double estimated_neighbour_pairs(const Scenario& s);

/// One run of `s` on `schools` schools with `neighbour_pairs` list entries.
MemoryEstimate run_memory(const Scenario& s, double schools, double neighbour_pairs);

/// A sweep: one shared world, `in_flight` runs at a time, `runs` runs of `values` design values each.
MemoryEstimate sweep_memory(const Scenario& base, double schools, double neighbour_pairs, double runs, double values,
                            int in_flight, bool per_school);

/// Throws MemoryError if `estimate` exceeds `limit`: "<what> would need about X ... but Y
/// are available (source). <advice>; --memory-limit SIZE overrides the limit."
void check_memory(const MemoryEstimate& estimate, const std::optional<MemoryLimit>& limit, const std::string& what,
                  const std::string& advice);

/// "1.5 GB", "820 MB" (decimal units, as free(1) -h and most job schedulers show them).
std::string memory_text(double bytes);

}  // namespace schoolsim

namespace schoolsim {

/// `schoolsim run`: before the world is built (`world` null: schools from the scenario or
/// the world file, neighbour pairs for evenly spread schools) and again once it is (exact
/// neighbour pairs). `option` is the --memory-limit text. Throws MemoryError.
void check_run_memory(const Scenario& s, const std::filesystem::path& scenario_dir, const World* world,
                      const std::string& option);

}  // namespace schoolsim

namespace schoolsim {

/// `schoolsim sweep`, before its world is built: one shared world, `threads` runs in flight,
/// `runs` runs and `values` design values (points x parameters). nullopt if the world file's
/// size cannot be read (building the world then reports why).
std::optional<MemoryEstimate> sweep_memory_estimate(const Scenario& base, const std::filesystem::path& base_dir,
                                                    double runs, double values, int threads, bool per_school);

/// The same, checked against the limit (`option` is the --memory-limit text). Throws MemoryError;
/// else returns the estimate (nullopt if the number of schools is unknown).
std::optional<MemoryEstimate> check_sweep_memory(const Scenario& base, const std::filesystem::path& base_dir,
                                                 double runs, double values, int threads, bool per_school,
                                                 const std::string& option);

}  // namespace schoolsim
