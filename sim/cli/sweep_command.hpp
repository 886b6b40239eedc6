#pragma once
// `schoolsim sweep SWEEP.yaml -o OUT.h5 [--threads N] [--resume] [--force] [--set K=V]...
//                 [--shard K/N]` (docs/sweeps.md); under `mpirun -n N` the MPI driver
// (sim/mpi/mpi_sweep.hpp, docs/cluster.md). Exit status: 0 ok, 1 runtime error or failed
// runs, 2 usage or input error, 130 interrupted (SIGINT/SIGTERM; resume with --resume).
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace schoolsim::mpi {
class Session;
}
namespace schoolsim::sweep {
struct SweepSpec;
}

namespace schoolsim::cli {

class SweepCommand {
 public:
  /// Adds the `sweep` subcommand to `app`.
  explicit SweepCommand(CLI::App& app);

  /// True when the command line chose `sweep`.
  bool selected() const;
  /// Runs it; returns the exit status. `history` is the command line.
  int run(const std::string& history) const;

 private:
  int run_mpi(const mpi::Session& session, const sweep::SweepSpec& spec, const std::string& history) const;

  CLI::App* command_ = nullptr;
  std::string spec_path_, output_, shard_, memory_limit_;
  std::vector<std::string> sets_;
  int threads_ = 0;
  bool resume_ = false, force_ = false, quiet_ = false, dry_run_ = false;
};

}  // namespace schoolsim::cli
