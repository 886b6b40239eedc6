// Import speed of a school register the size of England's (GIAS: about 25,000 open and
// closed establishments in the CSV), generated in memory in the GIAS layout
// (tests/unit/register/register_generator.hpp): decoding, parsing, rules and filling, and the
// world file write.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "../unit/register/register_generator.hpp"
#include "sim/register/register_import.hpp"
#include "sim/io/world_file.hpp"

namespace {

using namespace schoolsim;

void BM_RegisterImport(benchmark::State& state) {
  const std::string text = test::make_register(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto result = school_register::import_register(text, "generated.csv", {});
    benchmark::DoNotOptimize(result.world.x.data());
  }
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
}
BENCHMARK(BM_RegisterImport)->ArgName("rows")->Arg(25000)->Unit(benchmark::kMillisecond);

void BM_WorldFileWrite(benchmark::State& state) {
  const auto result =
      school_register::import_register(test::make_register(static_cast<int>(state.range(0))), "generated.csv", {});
  const auto path =
      std::filesystem::temp_directory_path() / ("schoolsim_bench_world_" + std::to_string(getpid()) + ".h5");
  for (auto _ : state) write_world_file(path, true, result.world);
  std::filesystem::remove(path);
}
BENCHMARK(BM_WorldFileWrite)->ArgName("rows")->Arg(25000)->Unit(benchmark::kMillisecond);

}  // namespace
