#include "sim/cli/command_errors.hpp"
#include "sim/core/errors.hpp"
#include "sim/cli/merge_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sim/cli/output_path.hpp"
#include "sim/cli/stop_signal.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/sweep/shard_merge.hpp"
#include "sim/sweep/sweep_error.hpp"

namespace schoolsim::cli {
namespace {}  // namespace

MergeCommand::MergeCommand(CLI::App& app) {
  command_ = app.add_subcommand("merge", "Join the shard files of a sweep (sweep --shard K/N) into one sweep file");
  command_->add_option("shards", shards_, "Shard files (any order; every part of the sweep)")->required();
  command_->add_option("-o,--output", output_, "Output file (.h5)")->required();
  command_->add_flag("--copy", copy_,
                     "Copy the data into one self-contained file (default: a master file of HDF5 virtual datasets "
                     "that reads the shards, which must stay beside it)");
  command_->add_flag("--force", force_, "Replace an existing output file");
  command_->add_flag("-q,--quiet", quiet_, "No summary line on stderr");
}

bool MergeCommand::selected() const { return command_->parsed(); }

int MergeCommand::run(const std::string& history) const {
  return run_reporting_errors(
      [&] {
        if (const std::string problem = output_path_problem(output_, force_); !problem.empty())
          throw sweep::SweepInputError(problem);
        std::vector<std::filesystem::path> shards(shards_.begin(), shards_.end());
        for (const auto& s : shards) {
          std::error_code ec;
          if (std::filesystem::equivalent(s, output_, ec))
            throw sweep::SweepInputError(s.string() + ": is also the output file");
        }
        sweep::MergeOptions options;
        options.copy = copy_;
        options.overwrite = force_;
        options.history = history;
        options.keep_going = [] { return !StopSignal::requested(); };
        const auto t0 = std::chrono::steady_clock::now();
        sweep::MergeOutcome outcome;
        {
          const StopSignal signals(nullptr);
          outcome = sweep::merge_shards(shards, output_, options);
        }
        if (!outcome.complete) {
          std::cerr << "schoolsim: merge interrupted; nothing was written\n";
          return kExitInterrupted;
        }
        if (!quiet_) {
          const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          char line[256];
          std::snprintf(line, sizeof line,
                        "schoolsim: merged %zu shards (%lld runs, %lld failed, %lld events) in %.2f s -> %s%s\n",
                        outcome.shards, static_cast<long long>(outcome.runs), static_cast<long long>(outcome.failed),
                        static_cast<long long>(outcome.events), seconds, output_.c_str(),
                        copy_ ? " (self-contained copy)" : " (master file; keep the shards beside it)");
          std::cerr << line;
        }
        if (outcome.failed > 0) {
          // As for `sweep`: the file is complete, but some runs failed.
          std::cerr << "schoolsim: " << outcome.failed << " of " << outcome.runs
                    << " runs failed (run_status = 1; messages in run_error)\n";
          return kExitRuntimeError;
        }
        return kExitOk;
      },
      {});
}

}  // namespace schoolsim::cli
