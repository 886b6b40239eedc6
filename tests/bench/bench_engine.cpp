// Benchmarks of whole runs and of each phase of the step (issue "Performance"), at world
// sizes of about 2,000, 20,000 (England), 200,000 and 1,000,000 schools. Larger worlds keep
// England's density: the plane and the number of LAs grow with the number of schools.
// Run: scripts/bench.sh (writes JSON); docs/performance.md has the latest figures.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <map>
#include <memory>

#include "sim/config/scenario_yaml.hpp"
#include "sim/io/run_file.hpp"
#include "sim/run/observation.hpp"
#include "sim/run/driver.hpp"

namespace {

using namespace schoolsim;

/// The baseline scenario on an England-density world of about `n` schools.
Scenario scenario_of_size(std::int64_t n) {
  Scenario s = default_scenario();
  const double scale = static_cast<double>(n) / 20214.0;
  s.world.n_primary = static_cast<int>(std::lround(16764 * scale));
  s.world.n_secondary = static_cast<int>(std::lround(3450 * scale));
  s.world.n_las = std::max(1, static_cast<int>(std::lround(153 * scale)));
  s.world.width_km = 600.0 * std::sqrt(scale);
  s.world.height_km = 400.0 * std::sqrt(scale);
  s.run.terms = 30;
  s.output.per_school_limit = std::numeric_limits<std::int64_t>::max();
  return s;
}

/// Worlds are built once per size and shared by the benchmarks (as a sweep shares them).
const World& world_of_size(std::int64_t n) {
  static std::map<std::int64_t, std::unique_ptr<World>> cache;
  auto& w = cache[n];
  if (!w) {
    const Scenario s = scenario_of_size(n);
    w = std::make_unique<World>(build_synthetic_world(s.world, required_neighbour_radius(s)));
  }
  return *w;
}

/// A whole run (30 terms, observation every term); args: schools, threads, per-school output.
void BM_Run(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  Scenario s = scenario_of_size(n);
  s.output.per_school = state.range(2) != 0;
  const World& w = world_of_size(n);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  PhaseProfile total{};
  for (auto _ : state) {
    arena.execute([&] {
      Recorder recorder(w, s.run.terms, s.output.per_school);
      const run::RunOutcome outcome = run::drive(run::RunDescription{s, 42, 0}, w, {&recorder});
      benchmark::DoNotOptimize(recorder.overall.back().attainment_sd);
      for (std::size_t k = 0; k < total.size(); ++k) total[k] += outcome.profile[k];
    });
  }
  const double school_terms = static_cast<double>(w.n) * s.run.terms;
  state.counters["ns_per_school_term"] = benchmark::Counter(
      school_terms * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  // Seconds per run spent in each phase of the step.
  for (std::size_t k = 0; k < total.size(); ++k)
    state.counters[std::string("s_") + to_string(static_cast<StepPhase>(k))] =
        benchmark::Counter(total[k], benchmark::Counter::kAvgIterations);
}

/// World construction (locations and neighbour lists); arg: schools.
void BM_WorldBuild(benchmark::State& state) {
  const Scenario s = scenario_of_size(state.range(0));
  for (auto _ : state) {
    World w = build_synthetic_world(s.world, required_neighbour_radius(s));
    benchmark::DoNotOptimize(w.neighbours.index.data());
    state.counters["neighbour_entries"] = static_cast<double>(w.neighbours.index.size());
  }
}

/// Writing a run file (per-school output on); arg: schools.
void BM_WriteRunFile(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Scenario s = scenario_of_size(n);
  s.run.terms = 30;
  const World& w = world_of_size(n);
  Recorder recorder(w, s.run.terms, true);
  const run::RunOutcome outcome = run::drive(run::RunDescription{s, 42, 0}, w, {&recorder});
  const auto path = std::filesystem::temp_directory_path() / "schoolsim_bench_run.h5";
  for (auto _ : state) io::write_run_file(path, true, s, w, recorder, outcome.final_state, {"benchmark"});
  std::filesystem::remove(path);
}

}  // namespace

// Sizes: ~2k, ~20k (England); 200k and 1M are for scripts/bench.sh --large.
BENCHMARK(BM_Run)
    ->ArgsProduct({{2000, 20214}, {1, 2}, {0, 1}})
    ->ArgNames({"schools", "threads", "per_school"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Run)
    ->ArgsProduct({{200000, 1000000}, {1, 2}, {0}})
    ->ArgNames({"schools", "threads", "per_school"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Name("BM_RunLarge");
BENCHMARK(BM_WorldBuild)
    ->Arg(2000)
    ->Arg(20214)
    ->Arg(200000)
    ->Arg(1000000)
    ->ArgNames({"schools"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_WriteRunFile)->Arg(2000)->Arg(20214)->ArgNames({"schools"})->Unit(benchmark::kMillisecond)->UseRealTime();
