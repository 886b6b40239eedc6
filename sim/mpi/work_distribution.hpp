#pragma once
// Dynamic work distribution of the MPI sweep driver (docs/cluster.md), without MPI so it can
// be unit tested: rank 0 keeps the runs still to do and hands them out in batches, in run
// order, to whichever rank asks. Batches follow guided self-scheduling: a rank asking for
// `want` runs (enough to keep its threads busy) gets at least that many, and while much work
// is left, ceil(left / (2 x ranks)) - so early batches are large (few messages, long
// contiguous stretches of runs in each shard) and the last ones small (no rank is left with
// a long tail while the others idle).
#include <cstdint>
#include <vector>

namespace schoolsim::mpi {

class WorkDistributor {
 public:
  /// `pending`: the run ids still to do, ascending. `ranks` >= 1.
  WorkDistributor(std::vector<std::int64_t> pending, int ranks);

  /// The next batch for a rank that can take `want` (>= 1) more runs; empty when none are left.
  std::vector<std::int64_t> next(std::int64_t want);
  /// Runs not yet handed out.
  std::int64_t left() const { return static_cast<std::int64_t>(pending_.size() - next_); }
  /// Batch size next(want) would return, without handing anything out.
  std::int64_t batch_size(std::int64_t want) const;

 private:
  std::vector<std::int64_t> pending_;
  std::size_t next_ = 0;
  int ranks_;
};

}  // namespace schoolsim::mpi
