// Work distribution of the MPI sweep driver (sim/mpi/work_distribution.hpp) and the shard
// bookkeeping shared with `sweep --shard` and `merge` (sim/sweep/shards.hpp): pure logic,
// no MPI needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "sim/mpi/work_distribution.hpp"
#include "sim/sweep/shards.hpp"

namespace {

using schoolsim::mpi::WorkDistributor;
using namespace schoolsim::sweep;

std::vector<std::int64_t> iota(std::int64_t n, std::int64_t from = 0) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), from);
  return v;
}

TEST(WorkDistribution, HandsOutEveryRunOnceInRunOrder) {
  for (const int ranks : {1, 2, 3, 7, 64}) {
    for (const std::int64_t runs : {0, 1, 5, 36, 1000}) {
      WorkDistributor work(iota(runs), ranks);
      std::vector<std::int64_t> seen;
      int batches = 0;
      for (std::int64_t want = 1; work.left() > 0; want = want % 5 + 1) {
        const auto batch = work.next(want);
        ASSERT_FALSE(batch.empty());
        seen.insert(seen.end(), batch.begin(), batch.end());
        ++batches;
      }
      EXPECT_EQ(seen, iota(runs)) << ranks << " ranks, " << runs << " runs";
      EXPECT_TRUE(work.next(4).empty());
      EXPECT_LE(batches, std::max<std::int64_t>(runs, 0));
    }
  }
}

TEST(WorkDistribution, GuidedBatchesShrinkButNeverBelowWhatIsAskedFor) {
  WorkDistributor work(iota(1000), 4);
  // ceil(1000 / 8) = 125 first, then ceil(875 / 8) = 110, ...
  EXPECT_EQ(work.batch_size(1), 125);
  EXPECT_EQ(work.next(1).size(), 125u);
  EXPECT_EQ(work.next(1).size(), 110u);
  std::size_t last = 110;
  while (work.left() > 20) {
    const auto size = work.next(3).size();
    EXPECT_LE(size, last);
    EXPECT_GE(size, 3u);
    last = size;
  }
  // Near the end a rank still gets what it asks for (enough for its threads)...
  EXPECT_EQ(work.batch_size(8), 8);
  // ...but never more than is left.
  EXPECT_EQ(work.batch_size(1000), work.left());
}

TEST(WorkDistribution, ManyRunsNeedFewBatches) {
  // Few batches = few messages and long stretches of consecutive runs in each shard (few
  // virtual-dataset mappings in the master file): O(ranks log runs), not O(runs).
  WorkDistributor work(iota(30000), 16);
  int batches = 0;
  while (work.left() > 0) work.next(4), ++batches;
  EXPECT_LT(batches, 16 * 2 * 12);
}

TEST(WorkDistribution, PendingRunsOfAResumeNeedNotBeContiguous) {
  const std::vector<std::int64_t> pending = {3, 4, 9, 17, 18, 19};
  WorkDistributor work(pending, 2);
  std::vector<std::int64_t> seen;
  while (work.left() > 0) {
    const auto b = work.next(1);
    seen.insert(seen.end(), b.begin(), b.end());
  }
  EXPECT_EQ(seen, pending);
  EXPECT_THROW(WorkDistributor({5, 2}, 2), std::invalid_argument);
  EXPECT_THROW(WorkDistributor({1}, 0), std::invalid_argument);
}

TEST(ShardPartition, BlocksAreContiguousDisjointAndCoverEveryRun) {
  for (const std::int64_t runs : {0, 1, 2, 10, 36, 1001}) {
    for (const int count : {1, 2, 3, 7, 40}) {
      std::int64_t next = 0;
      for (int k = 0; k < count; ++k) {
        const RunBlock b = shard_block(k, count, runs);
        EXPECT_EQ(b.begin, next);
        EXPECT_GE(b.size(), runs / count);
        EXPECT_LE(b.size(), runs / count + 1);
        next = b.end;
      }
      EXPECT_EQ(next, runs);
    }
  }
  // Like numpy.array_split: the first runs % count blocks are one longer.
  EXPECT_EQ(shard_block(0, 3, 10).size(), 4);
  EXPECT_EQ(shard_block(1, 3, 10).begin, 4);
  EXPECT_EQ(shard_block(2, 3, 10).begin, 7);
  EXPECT_THROW(shard_block(3, 3, 10), std::invalid_argument);
}

TEST(ShardPartition, ParsesKOverN) {
  const ShardSpec s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(parse_shard("0/1").count, 1);
  for (const char* bad : {"5/5", "-1/3", "1", "a/3", "1/0", "1/ 3", "/3", "2/", "1/3/4"})
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

TEST(ShardJoin, ContiguousShardsJoinAsOneSegmentEach) {
  const auto segments = join_shards({iota(4), iota(3, 4), iota(3, 7)}, 10);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[1].shard, 1);
  EXPECT_EQ(segments[1].first_run, 4);
  EXPECT_EQ(segments[1].first_row, 0);
  EXPECT_EQ(segments[1].length, 3);
}

TEST(ShardJoin, InterleavedBatchesJoinInRunOrder) {
  // Rank 0 ran 0-3 and 8-9, rank 1 ran 4-5, rank 2 ran 6-7 (dynamic distribution).
  const auto segments = join_shards({{0, 1, 2, 3, 8, 9}, {4, 5}, {6, 7}}, 10);
  ASSERT_EQ(segments.size(), 4u);
  EXPECT_EQ(segments[0].shard, 0);
  EXPECT_EQ(segments[0].length, 4);
  EXPECT_EQ(segments[3].shard, 0);
  EXPECT_EQ(segments[3].first_run, 8);
  EXPECT_EQ(segments[3].first_row, 4);
  // Every run is mapped exactly once, to its own row.
  std::vector<std::vector<std::int64_t>> shards = {{0, 1, 2, 3, 8, 9}, {4, 5}, {6, 7}};
  std::int64_t next = 0;
  for (const auto& s : segments) {
    EXPECT_EQ(s.first_run, next);
    for (std::int64_t i = 0; i < s.length; ++i)
      EXPECT_EQ(shards[static_cast<std::size_t>(s.shard)][static_cast<std::size_t>(s.first_row + i)], s.first_run + i);
    next += s.length;
  }
  EXPECT_EQ(next, 10);
}

TEST(ShardJoin, MissingDuplicatedOrForeignRunsAreNamed) {
  try {
    join_shards({{0, 1, 2}, {6, 7}}, 10);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("5 of 10 runs are in no shard: 3-5, 8-9"), std::string::npos) << e.what();
  }
  try {
    join_shards({{0, 1, 2}, {2, 3}}, 4);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("more than one shard: 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(join_shards({{0, 1, 12}}, 3), std::invalid_argument);
  EXPECT_THROW(join_shards({{1, 0}}, 2), std::invalid_argument);
  EXPECT_EQ(id_ranges({1, 2, 3, 7, 9, 10}), "1-3, 7, 9-10");
  EXPECT_EQ(id_ranges({1, 3, 5, 7}, 2), "1, 3, ...");
}

}  // namespace
