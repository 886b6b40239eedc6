#pragma once
// `schoolsim sweep SWEEP.yaml -o OUT.h5 [--threads N] [--resume] [--force] [--set K=V]...
//                 [--shard K/N]` (docs/sweeps.md); under `mpirun -n N` the MPI driver
// (sim/mpi/mpi_sweep.hpp, docs/cluster.md). Exit status: 0 ok, 1 runtime error or failed
// runs, 2 usage or input error, 130 interrupted (SIGINT/SIGTERM; resume with --resume).
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace schoolsim::mpi {
class Session;
}
namespace schoolsim::sweep {
struct SweepSpec;
}

namespace schoolsim::cli {

/// The options of a sweep-like command (`sweep`, or `run --replicates`).
struct SweepRequest {
  std::string output, shard, memory_limit;
  int threads = 0;
  bool resume = false, force = false, quiet = false, dry_run = false;
};

/// Runs a loaded sweep like `schoolsim sweep` (MPI, shards, resume, progress, summary); returns
/// the exit status. `load` loads the spec (its config::ConfigError is reported as "invalid
/// `what`"), `spec_path` is the sweep file ("" for `run --replicates`; an input the output may
/// not replace, like the base scenario and its world file).
int execute_sweep(const SweepRequest& request, const std::function<sweep::SweepSpec()>& load,
                  const std::string& spec_path, const std::string& what, const std::string& history);

class SweepCommand {
 public:
  /// Adds the `sweep` subcommand to `app`.
  explicit SweepCommand(CLI::App& app);

  /// True when the command line chose `sweep`.
  bool selected() const;
  /// Runs it; returns the exit status. `history` is the command line.
  int run(const std::string& history) const;

 private:
  CLI::App* command_ = nullptr;
  std::string spec_path_;
  std::vector<std::string> sets_;
  SweepRequest request_;
};

}  // namespace schoolsim::cli
