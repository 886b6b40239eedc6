#pragma once
// Shards of a sweep (docs/cluster.md): which runs a part of a sweep holds, and how the parts
// join back into run order. Pure bookkeeping, no I/O: used by `sweep --shard K/N`, the MPI
// driver and `schoolsim merge`.
#include <cstdint>
#include <string>
#include <vector>

namespace schoolsim::sweep {

/// Part `index` of `count` of a sweep for `sweep --shard K/N`.
struct ShardSpec {
  int index = 0;
  int count = 1;
};

/// Parses "K/N" (0 <= K < N, 1 <= N <= 100000); throws std::invalid_argument saying what is wrong.
ShardSpec parse_shard(const std::string& text);

/// The runs [begin, end) of shard `index` of `count` over `runs` runs: contiguous blocks in
/// run order, the first `runs % count` of them one run longer (like numpy.array_split).
struct RunBlock {
  std::int64_t begin = 0, end = 0;
  std::int64_t size() const { return end - begin; }
};
RunBlock shard_block(int index, int count, std::int64_t runs);

/// A stretch of consecutive runs held at consecutive positions of one shard:
/// runs [first_run, first_run + length) are rows [first_row, first_row + length) of shard `shard`.
struct RunSegment {
  int shard = 0;
  std::int64_t first_run = 0;
  std::int64_t first_row = 0;
  std::int64_t length = 0;
};

/// Joins shards back into run order. `shard_runs[k]` lists the run ids of shard k in the
/// order of its rows (ascending). Returns the fewest segments covering runs 0..runs-1 in
/// order. Throws std::invalid_argument naming the problem if a run id is out of range, a
/// shard's ids are not ascending, a run is in two shards, or runs are missing (listed as ranges).
std::vector<RunSegment> join_shards(const std::vector<std::vector<std::int64_t>>& shard_runs, std::int64_t runs);

/// "3, 7-9, 12" for sorted ids (at most `limit` ranges, then ", ...").
std::string id_ranges(const std::vector<std::int64_t>& sorted_ids, std::size_t limit = 10);

}  // namespace schoolsim::sweep
