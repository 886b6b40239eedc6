#include "sim/cli/command_errors.hpp"
#include "sim/core/errors.hpp"
#include "sim/cli/calibrate_command.hpp"

#include <tbb/global_control.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/calibration/check.hpp"
#include "sim/calibration/report.hpp"
#include "sim/calibration/search.hpp"
#include "sim/calibration/targets.hpp"
#include "sim/cli/output_path.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/io/nc_writer.hpp"

namespace schoolsim::cli {
namespace {

/// Splits "a,b" list entries (CLI options may be repeated or comma-separated).
std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t start = 0;
    for (std::size_t comma; (comma = item.find(',', start)) != std::string::npos; start = comma + 1)
      if (comma > start) out.push_back(item.substr(start, comma - start));
    if (start < item.size()) out.push_back(item.substr(start));
  }
  return out;
}

void check_world_sets(const std::vector<std::string>& world_sets) {
  std::vector<std::string> problems;
  for (const auto& w : world_sets)
    if (w.rfind("world.", 0) != 0)
      problems.push_back("--world-set '" + w + "': only world.* keys (use --set for others)");
  if (!problems.empty()) throw config::ConfigError(problems);
}

}  // namespace

CalibrateCommand::CalibrateCommand(CLI::App& app) {
  calibrate_ = app.add_subcommand("calibrate", "Check the calibration targets, or search parameters to meet them");
  calibrate_->require_subcommand(1);
  auto common = [&](CLI::App* c, int& replicates) {
    c->add_option("--targets", targets_, "Targets YAML (default scenarios/targets/stylised_facts.yaml)");
    c->add_option("--scenarios", scenarios_,
                  "Folder of the scenario files the targets name (default: the folder holding the targets' folder, "
                  "else ./scenarios)");
    c->add_option("--replicates", replicates, "Replicates per scenario (common random numbers across scenarios)")
        ->check(CLI::Range(1, 100000));
    c->add_option("--set", sets_, "Override a parameter in every scenario: KEY.PATH=VALUE (repeatable)");
    c->add_option("--world-set", world_sets_,
                  "Override a world parameter in every scenario, e.g. a reduced world "
                  "(world.n_primary=400); repeatable");
    c->add_option("--only", only_, "Only these target ids (repeatable or comma-separated)");
    c->add_option("-o,--output", output_, "Write the report as HDF5 (netCDF-4 compatible)");
    c->add_flag("--force", force_, "Replace an existing report file");
    c->add_option("--threads", threads_, "Worker threads (default: all cores); results do not depend on it")
        ->check(CLI::Range(1, 1024));
    c->add_flag("-q,--quiet", quiet_, "No progress lines on stderr");
  };
  check_ = calibrate_->add_subcommand("check", "Run the scenarios each target names and report model vs target");
  common(check_, replicates_check_);
  check_->add_flag("--fail-on-miss", fail_on_miss_, "Exit with status 1 if any target is missed");
  fit_ = calibrate_->add_subcommand("fit", "Search parameters within bounds to minimise the distance to the targets");
  common(fit_, replicates_fit_);
  fit_->add_option("--params", params_, "Parameters to fit: KEY=LOW:HIGH (repeatable or comma-separated)")->required();
  fit_->add_option("--budget", budget_, "Evaluations of the objective in all (default 60)")
      ->check(CLI::Range(1, 1000000));
  fit_->add_option("--seed", seed_, "Seed of the Latin hypercube (default 1)");
}

bool CalibrateCommand::selected() const { return calibrate_ && calibrate_->parsed(); }

int CalibrateCommand::run(const std::string& history) const {
  return run_reporting_errors(
      [&] {
        std::unique_ptr<tbb::global_control> limit;
        if (threads_ > 0)
          limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads_);
        if (check_->parsed()) return check(history);
        if (fit_->parsed()) return fit(history);
        return kExitInputError;
      },
      {.invalid_config = "invalid input", .cannot_write = "cannot write the report"});
}

int CalibrateCommand::check(const std::string& history) const {
  using namespace calibration;
  check_world_sets(world_sets_);
  TargetFile targets = load_targets(targets_);
  select_targets(targets, split_commas(only_));
  if (!output_.empty())
    if (const auto why = output_path_problem(output_, force_); !why.empty()) throw config::ConfigError({why});
  const auto dir = scenarios_.empty() ? default_scenario_dir(targets_) : std::filesystem::path(scenarios_);
  ScenarioLibrary library(dir, std::filesystem::path(targets_).parent_path(),
                          check_overrides(targets, world_sets_, sets_));
  WorldCache worlds;
  if (!quiet_)
    std::fprintf(stderr, "schoolsim: calibrate check: %zu targets, %d replicates...\n", targets.targets.size(),
                 replicates_check_);
  const CheckReport report = run_check(targets, library, worlds, replicates_check_);
  std::cout << format_check(report);
  if (!output_.empty()) {
    write_check_report(output_, force_, report, history);
    if (!quiet_) std::fprintf(stderr, "schoolsim: report written to %s\n", output_.c_str());
  }
  if (fail_on_miss_ && report.passed() < static_cast<int>(report.results.size())) return kExitRuntimeError;
  return kExitOk;
}

int CalibrateCommand::fit(const std::string& history) const {
  using namespace calibration;
  check_world_sets(world_sets_);
  std::vector<ParamRange> params;
  std::vector<config::Problem> problems;
  for (const auto& p : split_commas(params_)) {
    try {
      params.push_back(parse_param_range(p));
    } catch (const config::ConfigError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  if (!problems.empty()) throw config::ConfigError(problems);
  FitProblem problem;
  problem.targets = load_targets(targets_);
  select_targets(problem.targets, split_commas(only_));
  if (!output_.empty())
    if (const auto why = output_path_problem(output_, force_); !why.empty()) throw config::ConfigError({why});
  problem.scenario_dir = scenarios_.empty() ? default_scenario_dir(targets_) : std::filesystem::path(scenarios_);
  problem.relative_to = std::filesystem::path(targets_).parent_path();
  problem.base_overrides = check_overrides(problem.targets, world_sets_, sets_);
  FitOptions options;
  options.budget = budget_;
  options.replicates = replicates_fit_;
  options.seed = static_cast<std::uint64_t>(seed_);
  WorldCache worlds;
  const auto result = calibration::fit(problem, params, options, worlds, [&](const FitEvaluation& e) {
    if (quiet_) return;
    std::string x;
    for (std::size_t k = 0; k < e.x.size(); ++k) x += (k ? ", " : "") + params[k].key + "=" + std::to_string(e.x[k]);
    std::fprintf(stderr, "schoolsim: fit: %-14s J = %-10.4g %s\n", e.stage.c_str(), e.objective, x.c_str());
  });
  std::cout << format_fit(result);
  if (!output_.empty()) {
    write_fit_report(output_, force_, result, history);
    if (!quiet_) std::fprintf(stderr, "schoolsim: report written to %s\n", output_.c_str());
  }
  return kExitOk;
}

}  // namespace schoolsim::cli
