#pragma once
// The MPI sweep driver (docs/cluster.md): `mpirun -n N schoolsim sweep SWEEP.yaml -o OUT.h5`.
//
// Every rank loads the sweep and builds the world; rank 0 checks the output and hands out the
// runs still to do in batches (sim/mpi/work_distribution.hpp) to whichever rank asks, and
// computes too. Each rank runs its runs with oneTBB on its own threads and appends them to its
// own journal OUT.h5.parts/rank-K/ (the journal of docs/sweeps.md, one per rank); when the
// runs are done each rank writes its journal to the shard OUT.h5.shards/shard-K.h5 (a complete
// sweep file of the runs it computed, with their global run ids), and rank 0 joins the shards
// into the master OUT.h5 with HDF5 virtual datasets (sim/sweep/shard_merge.hpp) and removes
// the journals. A killed rank loses only its runs in flight: `--resume` (with any number of
// ranks) reuses every journal, runs the rest and ends with the same data.
//
// Only with SCHOOLSIM_WITH_MPI (CMake option SCHOOLSIM_MPI); otherwise built_with_mpi() is
// false and the rest throws std::logic_error.
#include <string>

#include "sim/sweep/sweep_runner.hpp"

namespace schoolsim::mpi {

/// Whether this build has the MPI driver.
bool built_with_mpi();

/// The number of processes an MPI launcher (mpirun/mpiexec, srun --mpi=...) started, from
/// the environment it sets (OMPI_COMM_WORLD_SIZE, PMI_SIZE; 1 if only PMIX_RANK or PMI_RANK
/// is set); 0 when no launcher started this process.
int launcher_processes();

/// MPI_Init_thread (MPI_THREAD_FUNNELED: only the main thread calls MPI) for its lifetime.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

struct MpiSweepResult {
  int status = 0;               ///< exit status, the same on every rank (0, 1, 2, 130)
  sweep::SweepOutcome outcome;  ///< rank 0: totals over all ranks
  std::string message;          ///< rank 0: what went wrong (printed after "schoolsim: ")
  std::size_t shards = 0;       ///< rank 0: shard files joined by the master
};

/// Runs the sweep across the ranks of `session`, `threads` per rank (0: as many as this
/// process may use). Rank 0 updates `counters` (totals over all ranks). Never throws: every
/// failure becomes a status agreed by all ranks.
MpiSweepResult run_sweep(const Session& session, const sweep::SweepSpec& spec, const sweep::SweepOptions& options,
                         sweep::SweepCounters& counters, int threads);

}  // namespace schoolsim::mpi
