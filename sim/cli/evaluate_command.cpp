#include "sim/cli/command_errors.hpp"
#include "sim/core/errors.hpp"
#include "sim/cli/evaluate_command.hpp"

#include <tbb/global_control.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/experiment/runs.hpp"
#include "sim/cli/output_path.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/evaluation/evaluate.hpp"
#include "sim/evaluation/report.hpp"
#include "sim/io/nc_writer.hpp"

namespace schoolsim::cli {

EvaluateCommand::EvaluateCommand(CLI::App& app) {
  command_ =
      app.add_subcommand("evaluate", "Virtual evaluation: evaluation designs vs the true effect of partnerships");
  command_->add_option("scenario", scenario_, "Scenario YAML file")->required();
  command_->add_option("--replicates", replicates_, "Replicates (default 20)")->check(CLI::Range(1, 100000));
  command_->add_option("-o,--output", output_, "Write the results as HDF5 (netCDF-4 compatible)");
  command_
      ->add_option("--role", role_,
                   "Treatment: first partnership of any kind (any), as receiver or as giver of support")
      ->check(CLI::IsMember({"any", "receiver", "giver"}));
  command_->add_option("--pre", pre_, "Pre-period length in terms (default 3)")->check(CLI::Range(1, 1000));
  command_->add_option("--horizon", horizon_, "Last event time of the outcome window (default 6)")
      ->check(CLI::Range(1, 1000));
  command_->add_option("--post-width", post_width_, "Outcome window length in terms (default 3)")
      ->check(CLI::Range(1, 1000));
  command_
      ->add_option("--sample", sample_,
                   "Study size: a random sample of this many treated schools per replicate "
                   "(0 = all; Chapman & Muijs 2014 matched 264)")
      ->check(CLI::Range(0, 100000000));
  command_->add_option("--set", sets_, "Override a parameter: KEY.PATH=VALUE (repeatable)");
  command_->add_option("--threads", threads_, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  command_->add_flag("--force", force_, "Replace an existing output file");
  command_->add_flag("-q,--quiet", quiet_, "No progress line on stderr");
}

bool EvaluateCommand::selected() const { return command_ && command_->parsed(); }

int EvaluateCommand::run(const std::string& history) const {
  return run_reporting_errors(
      [&] {
        std::unique_ptr<tbb::global_control> limit;
        if (threads_ > 0)
          limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads_);
        if (post_width_ > horizon_) throw config::ConfigError({"--post-width must not exceed --horizon"});
        if (!output_.empty())
          if (const auto why = output_path_problem(output_, force_); !why.empty()) throw config::ConfigError({why});
        if (!std::filesystem::exists(scenario_)) throw config::ConfigError({scenario_ + ": no such file"});
        evaluation::EvaluationOptions o;
        o.replicates = replicates_;
        o.role = evaluation::role_from_string(role_);
        o.design.pre = pre_;
        o.design.horizon = horizon_;
        o.design.post_width = post_width_;
        o.design.sample = sample_;
        calibration::ScenarioLibrary library(std::filesystem::path(scenario_).parent_path(), ".", sets_);
        calibration::WorldCache worlds;
        // Load first so a bad scenario is an input error before any run.
        const std::string name = std::filesystem::path(scenario_).string();
        const auto s = library.get(name);
        if (s->run.terms < pre_ + horizon_ + 1)
          throw config::ConfigError({scenario_ + ": run.terms = " + std::to_string(s->run.terms) +
                                     " leaves no treatment start with a full window (needs more than pre + horizon)"});
        if (!quiet_)
          std::fprintf(stderr, "schoolsim: evaluate %s: %d replicates of the scenario and its counterfactual...\n",
                       s->name.c_str(), replicates_);
        const auto result = evaluation::evaluate(library, worlds, name, o);
        std::cout << evaluation::format_evaluation(result);
        if (!output_.empty()) {
          evaluation::write_evaluation_report(output_, force_, result, history);
          if (!quiet_) std::fprintf(stderr, "schoolsim: results written to %s\n", output_.c_str());
        }
        return kExitOk;
      },
      {.invalid_config = "invalid input", .cannot_write = "cannot write the results"});
}

}  // namespace schoolsim::cli
