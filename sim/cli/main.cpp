// The schoolsim command line. Exit status: 0 ok, 1 runtime error, 2 usage or input error.
#include <CLI/CLI.hpp>
#include <tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/calibrate_command.hpp"
#include "sim/cli/command_errors.hpp"
#include "sim/cli/evaluate_command.hpp"
#include "sim/cli/info_command.hpp"
#include "sim/cli/input_files.hpp"
#include "sim/cli/merge_command.hpp"
#include "sim/cli/output_path.hpp"
#include "sim/cli/stop_signal.hpp"
#include "sim/cli/sweep_command.hpp"
#include "sim/cli/python_command.hpp"
#include "sim/cli/schema_command.hpp"
#include "sim/cli/world_commands.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/io/run_file.hpp"
#include "sim/resources/memory_check.hpp"
#include "sim/run/driver.hpp"
#include "sim/run/progress_reporter.hpp"
#include "sim/core/version.hpp"
#include "sim/core/world.hpp"
#include "sim/io/world_builder.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {

using namespace schoolsim;
namespace fs = std::filesystem;

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int k = 0; k < argc; ++k) out += (k ? " " : "") + std::string(argv[k]);
  return out;
}

/// Checks the output path before the simulation runs, so a long run never ends in "cannot write".
void check_output_path(const fs::path& out, bool force) {
  if (const std::string problem = cli::output_path_problem(out, force); !problem.empty()) throw InputError(problem);
}

Scenario load(const std::string& path, const std::vector<std::string>& sets) {
  // A missing file, a folder, a FIFO or a device is refused by the reader (sim/config/bounded_read).
  return config::load_scenario_file(path, sets);
}

int run_command(const std::string& scenario_path, const std::vector<std::string>& sets, const std::string& out,
                bool force, int threads, bool quiet, const std::string& history, const std::string& memory_limit) {
  Scenario s = load(scenario_path, sets);
  for (const auto& w : config::warnings(s)) std::fprintf(stderr, "schoolsim: warning: %s\n", w.c_str());
  if (const std::string problem = cli::output_is_input_problem(out, cli::scenario_input_files(scenario_path, s));
      !problem.empty())
    throw InputError(problem);
  check_output_path(out, force);
  check_run_memory(s, fs::path(scenario_path).parent_path(), nullptr, memory_limit);  // docs/hardening.md
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0) limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
  const auto t0 = std::chrono::steady_clock::now();
  const World world = build_world(s, fs::path(scenario_path).parent_path());
  const std::int64_t cells = static_cast<std::int64_t>(world.n) * (s.run.terms + 1);
  if (s.output.per_school && cells > s.output.per_school_limit) {
    // Per-school output is on by default up to a size limit (MODEL.md section 9).
    s.output.per_school = false;
    std::fprintf(
        stderr,
        "schoolsim: note: per-school output switched off: %lld school-terms exceed output.per_school_limit = %lld "
        "(raise it with --set output.per_school_limit=N)\n",
        static_cast<long long>(cells), static_cast<long long>(s.output.per_school_limit));
  }
  check_run_memory(s, fs::path(scenario_path).parent_path(), &world, memory_limit);  // exact neighbour lists
  Recorder recorder(world, s.run.terms, s.output.per_school, true, output_regions(s, world));
  run::ProgressReporter progress(s.run.terms);
  // Ctrl-C or SIGTERM stops between terms or while writing, and leaves no OUT.h5.tmp-<pid>.
  const cli::StopSignal signals(
      "\nschoolsim: interrupted: stopping (nothing is written); press Ctrl-C again to quit at once\n");
  const auto interrupted = [&] {
    std::fprintf(stderr, "schoolsim: run interrupted: %s was not written\n", out.c_str());
    return kExitInterrupted;
  };
  const run::RunOutcome outcome =
      run::drive(run::describe(s), world, {&recorder, &progress}, [] { return cli::StopSignal::requested(); });
  if (outcome.stopped) return interrupted();
  for (const auto& e : recorder.programmes.events)  // one line each (docs/output_format.md "Programmes")
    std::fprintf(stderr, "schoolsim: warning: %s\n", describe(e, s).c_str());
  if (!io::write_run_file(out, force, s, world, recorder, outcome.final_state, io::Provenance{history},
                          [] { return !cli::StopSignal::requested(); }))
    return interrupted();
  if (!quiet) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "schoolsim: %s: %d schools, %d terms in %.2f s -> %s\n", s.name.c_str(), world.n, s.run.terms,
                 secs, out.c_str());
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"schoolsim: agent-based simulation of a self-improving school system"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_banner());

  std::string scenario_path, out, memory_limit;
  std::vector<std::string> sets;
  bool force = false, quiet = false, markdown = false;
  int threads = 0;

  auto* run = app.add_subcommand("run", "Run one scenario and write its results (HDF5, netCDF-4 compatible)");
  run->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  run->add_option("-o,--output", out, "Output file (.h5)")->required();
  run->add_option("--set", sets, "Override a parameter: KEY.PATH=VALUE (repeatable)");
  run->add_option("--threads", threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  run->add_flag("--force", force, "Replace an existing output file");
  run->add_flag("-q,--quiet", quiet, "No summary line on stderr");
  run->add_option("--memory-limit", memory_limit,
                  "Refuse up front if the estimate exceeds this (e.g. 4G; default: available)");

  std::int64_t replicates = 0;
  bool resume = false;
  run->add_option("--replicates", replicates,
                  "Run N replicates into one file with a run dimension (common random numbers: replicate r of two "
                  "scenarios with the same run.seed uses the same seeds; docs/sweeps.md)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
  run->add_flag("--resume", resume, "With --replicates: continue an interrupted run, reusing its finished replicates");

  auto* validate = app.add_subcommand("validate", "Check a scenario and print it fully resolved (every parameter)");
  validate->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  validate->add_option("--set", sets, "Override a parameter: KEY.PATH=VALUE (repeatable)");

  auto* params = app.add_subcommand("params", "List every scenario parameter with its default, range and units");
  params->add_flag("--markdown", markdown, "Markdown table (the text of docs/parameters.md)");

  const schoolsim::cli::SweepCommand sweep(app);
  const schoolsim::cli::WorldCommands world_commands(app);
  const schoolsim::cli::CalibrateCommand calibrate(app);
  const schoolsim::cli::EvaluateCommand evaluate(app);
  const schoolsim::cli::MergeCommand merge(app);
  const schoolsim::cli::InfoCommand info(app);
  const schoolsim::cli::SchemaCommand schema(app);
  const schoolsim::cli::PythonCommand view(app, "view", "Interactive HTML map of a run or two");
  const schoolsim::cli::PythonCommand compare(app, "compare",
                                              "Differences between scenarios with confidence intervals");
  const schoolsim::cli::PythonCommand export_table(app, "export", "A run or sweep file as a tidy long CSV table");

  // CLI11 says only "A subcommand is required" for a misspelt command: name it and the commands.
  if (argc > 1 && argv[1][0] != '-') {
    std::string commands;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
      commands += (commands.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "schoolsim: unknown command '" << config::shortened(argv[1]) << "' (commands: " << commands
                << "; see schoolsim --help)\n";
      return kExitInputError;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitInputError;
  }
  if (compare.selected()) return compare.run();
  if (export_table.selected()) return export_table.run();
  if (sweep.selected()) return sweep.run(command_line(argc, argv));
  if (world_commands.selected()) return world_commands.run(command_line(argc, argv));
  if (calibrate.selected()) return calibrate.run(command_line(argc, argv));
  if (evaluate.selected()) return evaluate.run(command_line(argc, argv));
  if (merge.selected()) return merge.run(command_line(argc, argv));
  if (info.selected()) return info.run();
  if (schema.selected()) return schema.run();
  if (view.selected()) return view.run();
  if (*run && resume && replicates == 0) {
    std::cerr << "schoolsim: --resume is for runs with --replicates\n";
    return kExitInputError;
  }
  if (*run && replicates > 0) {
    // Replicates are a sweep without parameters: one writer, one layout (docs/sweeps.md).
    cli::SweepRequest request;
    request.output = out;
    request.threads = threads;
    request.force = force;
    request.resume = resume;
    request.quiet = quiet;
    request.memory_limit = memory_limit;
    return cli::execute_sweep(
        request,
        [&] {
          // The scenario's own errors and warnings (no money, never starts) first, as for a single run.
          for (const auto& w : config::warnings(load(scenario_path, sets)))
            std::fprintf(stderr, "schoolsim: warning: %s\n", w.c_str());
          return sweep::replicates_spec(scenario_path, sets, replicates);
        },
        "", "scenario", command_line(argc, argv));
  }
  return cli::run_reporting_errors([&] {
    if (*run)
      return run_command(scenario_path, sets, out, force, threads, quiet, command_line(argc, argv), memory_limit);
    if (*validate) {
      const Scenario s = load(scenario_path, sets);
      for (const auto& w : config::warnings(s)) std::cerr << "schoolsim: warning: " << w << "\n";
      std::cout << config::to_yaml(s);
    }
    if (*params) std::cout << config::parameters_markdown();
    return kExitOk;
  });
}
