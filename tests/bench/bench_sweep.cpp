// Whole-sweep throughput (issue "Performance"): many small runs of one prepared sweep, run side
// by side as `schoolsim sweep` runs them (one run per task, the engine isolated inside it), but
// without the journal and the output file, so the figure is the engine's runs per second.
#include <benchmark/benchmark.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <memory>

#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {

using namespace schoolsim;

/// 64 runs (16 LHS points x 4 replicates) of the baseline on a 2,000-school world, 6 terms.
const sweep::PreparedSweep& small_run_sweep() {
  static const std::unique_ptr<sweep::PreparedSweep> prepared = [] {
    const std::string text = R"(name: bench_sweep
base: scenarios/baseline.yaml
set:
  world: {n_primary: 1660, n_secondary: 340, n_las: 15, width_km: 190, height_km: 126}
  run.terms: 6
  output.per_school: false
parameters:
  competition.lambda_attainment: {min: 0.0, max: 2.0}
  brokering.slots_per_term: {min: 1, max: 5}
design: {type: lhs, n: 16}
replicates: 4
seed: 7
)";
    const sweep::SweepSpec spec = sweep::load_sweep_text(text, "bench_sweep", SCHOOLSIM_SOURCE_DIR);
    return std::make_unique<sweep::PreparedSweep>(spec, [](const std::string&) {});
  }();
  return *prepared;
}

/// arg: threads. Counter runs_per_second.
void BM_Sweep(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const sweep::PreparedSweep& prepared = small_run_sweep();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  const auto never = [] { return false; };
  for (auto _ : state) {
    std::atomic<std::int64_t> ok{0};
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::int64_t>(0, prepared.runs(), 1),
          [&](const tbb::blocked_range<std::int64_t>& range) {
            for (std::int64_t id = range.begin(); id != range.end(); ++id)
              tbb::this_task_arena::isolate([&] {
                if (const auto rec = prepared.run(id, never); rec && rec->status == 0) ++ok;
              });
          },
          tbb::simple_partitioner());
    });
    if (ok != prepared.runs()) state.SkipWithError("a run of the benchmark sweep failed");
  }
  state.counters["runs_per_second"] =
      benchmark::Counter(static_cast<double>(prepared.runs()), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_Sweep)->Arg(1)->Arg(2)->ArgNames({"threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
