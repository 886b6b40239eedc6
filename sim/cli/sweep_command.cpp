#include "sim/cli/command_errors.hpp"
#include "sim/core/errors.hpp"
#include "sim/cli/sweep_command.hpp"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "sim/cli/input_files.hpp"
#include "sim/cli/stop_signal.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/resources/memory_check.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/mpi/mpi_sweep.hpp"
#include "sim/sweep/run_plan.hpp"
#include "sim/sweep/shards.hpp"
#include "sim/sweep/sweep_error.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace schoolsim::cli {
namespace {

using namespace schoolsim::sweep;

constexpr const char* kStopMessage =
    "\nschoolsim: interrupted: stopping the runs in flight (finished runs are kept); press Ctrl-C again to quit at once\n";

std::string duration_text(double seconds) {
  char buf[32];
  if (!(seconds >= 0) || seconds > 1e8) return "?";
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s / 60 % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  return buf;
}

/// Runs done / total, failures, runs per second and ETA on stderr: a line redrawn in place
/// on a terminal (twice a second), else a line every 10 seconds.
class ProgressReporter {
 public:
  explicit ProgressReporter(const SweepCounters& c) : c_(c), live_(isatty(STDERR_FILENO) != 0) {
    thread_ = std::thread([this] { loop(); });
  }
  ~ProgressReporter() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    if (live_ && printed_) std::fputs("\n", stderr);
  }
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  void loop() {
    const auto period = live_ ? std::chrono::milliseconds(500) : std::chrono::milliseconds(10000);
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return done_; })) print();
  }
  void print() {
    const int stage = c_.stage;
    if (stage == 0) return;
    const Clock::time_point start{std::chrono::nanoseconds(c_.started_ns.load())};
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const std::int64_t total = c_.total, reused = c_.reused, ran = c_.ran, failed = c_.failed;
    const double rate = elapsed > 0 ? static_cast<double>(ran) / elapsed : 0.0;
    const std::int64_t left = total - reused - ran;
    char line[256];
    if (stage >= 2) {
      std::snprintf(line, sizeof line, "sweep: %lld/%lld runs, %lld failed; writing the sweep file",
                    static_cast<long long>(reused + ran), static_cast<long long>(total),
                    static_cast<long long>(failed));
    } else {
      std::snprintf(line, sizeof line, "sweep: %lld/%lld runs, %lld failed, %.2f runs/s, ETA %s",
                    static_cast<long long>(reused + ran), static_cast<long long>(total), static_cast<long long>(failed),
                    rate, rate > 0 ? duration_text(static_cast<double>(left) / rate).c_str() : "?");
    }
    if (live_)
      std::fprintf(stderr, "\r%-78s", line);
    else
      std::fprintf(stderr, "%s\n", line);
    std::fflush(stderr);
    printed_ = true;
  }

  const SweepCounters& c_;
  bool live_;
  bool printed_ = false, done_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

std::string with_resume(const std::string& history) {
  return history.find(" --resume") == std::string::npos ? history + " --resume" : history;
}

/// The sweep file, its base scenario (and the files that one extends) and the world file.
std::vector<InputFile> sweep_input_files(const std::string& spec_path, const SweepSpec& spec) {
  std::vector<InputFile> files;
  if (!spec_path.empty()) files.push_back({spec_path, "the sweep file"});  // empty for run --replicates
  for (InputFile& f : scenario_input_files(spec.base_path, spec.base_scenario)) {
    if (f.role == "the scenario") f.role = "the base scenario";
    files.push_back(std::move(f));
  }
  return files;
}

void print_plan(const SweepSpec& spec) {
  const SweepPlan plan(spec);
  std::printf("run\tpoint\treplicate\tseed");
  for (const auto& p : spec.parameters) std::printf("\t%s", p.key.c_str());
  std::printf("\n");
  for (std::int64_t id = 0; id < plan.runs(); ++id) {
    const RunPlan r = plan.run(id);
    std::printf("%lld\t%lld\t%d\t%llu", static_cast<long long>(id), static_cast<long long>(r.point), r.replicate,
                static_cast<unsigned long long>(r.seed));
    for (std::size_t i = 0; i < spec.parameters.size(); ++i) std::printf("\t%.17g", plan.value(r.point, i));
    std::printf("\n");
  }
}

}  // namespace

SweepCommand::SweepCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "sweep", "Run a parameter sweep (designs, replicates, parallel runs) into one resumable HDF5 file");
  command_->add_option("sweep", spec_path_, "Sweep specification (YAML, see docs/sweeps.md)")->required();
  command_->add_option("-o,--output", request_.output, "Output file (.h5)");
  command_->add_option("--set", sets_,
                       "Override a base scenario parameter: KEY.PATH=VALUE (repeatable; after the sweep's set:)");
  command_
      ->add_option("--threads", request_.threads, "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  command_->add_flag("--resume", request_.resume,
                     "Continue an interrupted sweep: reuse its finished runs, run the rest");
  command_->add_flag("--force", request_.force,
                     "Discard an interrupted sweep's runs and replace an existing output file");
  command_->add_flag("-q,--quiet", request_.quiet, "No progress or summary on stderr");
  command_->add_flag("--dry-run", request_.dry_run, "Print the runs (id, point, replicate, seed, parameters) and exit");
  command_->add_option("--memory-limit", request_.memory_limit,
                       "Refuse up front if the estimated memory exceeds this (e.g. 4G; default: available memory)");
  command_->add_option("--shard", request_.shard,
                       "Run only part K of N (K = 0..N-1, contiguous blocks of runs) into the shard file -o; join the "
                       "parts with `schoolsim merge` (docs/cluster.md)");
}

bool SweepCommand::selected() const { return command_->parsed(); }

int SweepCommand::run(const std::string& history) const {
  return execute_sweep(
      request_, [this] { return load_sweep_file(spec_path_, sets_); }, spec_path_, "sweep", history);
}

namespace {
int run_mpi(const SweepRequest& request, const mpi::Session& session, const SweepSpec& spec,
            const std::string& history);
}  // namespace

int execute_sweep(const SweepRequest& request, const std::function<SweepSpec()>& load, const std::string& spec_path,
                  const std::string& what, const std::string& history) {
  const std::string &output_ = request.output, &shard_ = request.shard, &memory_limit_ = request.memory_limit;
  const int threads_ = request.threads;
  const bool resume_ = request.resume, force_ = request.force, quiet_ = request.quiet, dry_run_ = request.dry_run;
  // Under an MPI launcher (mpirun, srun --mpi) every process runs this; only rank 0 prints.
  const int launched = mpi::launcher_processes();
  std::unique_ptr<mpi::Session> session;
  if (launched > 0 && shard_.empty() && mpi::built_with_mpi()) session = std::make_unique<mpi::Session>();
  const bool root = !session || session->rank() == 0;
  return run_reporting_errors(
      [&] {
        const SweepSpec spec = load();
        if (root)
          for (const auto& n : spec.notes) std::cerr << "schoolsim: note: " << n << "\n";
        if (!dry_run_) {
          if (output_.empty()) throw SweepInputError("no output file given (use -o OUT.h5)");
          if (resume_ && force_) throw SweepInputError("--resume and --force exclude each other");
          if (const std::string problem = output_is_input_problem(output_, sweep_input_files(spec_path, spec));
              !problem.empty())
            throw SweepInputError(problem);
        }
        std::optional<ShardSpec> shard;
        if (!shard_.empty()) {
          try {
            shard = parse_shard(shard_);
          } catch (const std::invalid_argument& e) {
            throw SweepInputError(e.what());
          }
          if (launched > 1 && !dry_run_)
            throw SweepInputError(
                "--shard runs one part per process without MPI: start it once per part (e.g. a SLURM "
                "job array), not with mpirun -n " +
                std::to_string(launched));
        }
        if (launched > 1 && !session && !dry_run_)
          throw SweepInputError(
              "this schoolsim was built without MPI (CMake option SCHOOLSIM_MPI) but started by an MPI "
              "launcher with " +
              std::to_string(launched) +
              " processes: rebuild with libopenmpi-dev, or run parts with --shard K/N (docs/cluster.md)");
        // The memory of this process (its part with --shard, its rank's threads under MPI), checked
        // before anything runs, --dry-run included (listing a huge design holds every design value in
        // memory too), and printed by --dry-run so a batch job can ask for it (docs/cluster.md).
        const double runs =
            static_cast<double>(shard ? shard_block(shard->index, shard->count, spec.runs()).size() : spec.runs());
        const double values = static_cast<double>(spec.points()) * static_cast<double>(spec.parameters.size());
        const int threads = threads_ > 0 ? threads_ : tbb::this_task_arena::max_concurrency();
        const int in_flight =
            static_cast<int>(std::min<double>(threads, std::max(runs, 1.0)));  // a run per thread at most
        const bool per_school =
            spec.write_per_school || (!spec.base_scenario.world.file.empty() && spec.per_school != PerSchool::Off &&
                                      spec.base_scenario.output.per_school);
        std::optional<MemoryEstimate> estimate;
        // Refuse up front what would not fit in memory (docs/hardening.md "Limits"): MemoryError, exit 2.
        estimate = check_sweep_memory(spec.base_scenario, spec.base_path.parent_path(), runs, values, in_flight,
                                      per_school, memory_limit_);
        if (dry_run_) {
          if (root) print_plan(spec);
          if (root && estimate && !quiet_)
            std::cerr << "schoolsim: memory estimate: " << estimate->text() << " (" << runs
                      << (runs == 1 ? " run, " : " runs, ") << threads << (threads == 1 ? " thread" : " threads")
                      << " per process)\n";
          return kExitOk;
        }
        if (session) return run_mpi(request, *session, spec, history);
        std::unique_ptr<tbb::global_control> limit;
        if (threads_ > 0)
          limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads_);

        SweepOptions options;
        options.output = output_;
        options.resume = resume_;
        options.force = force_;
        options.history = history;
        options.stop = &StopSignal::flag();
        options.note = [](const std::string& n) { std::cerr << "schoolsim: note: " << n << "\n"; };
        options.shard = shard;
        SweepCounters counters;
        SweepOutcome outcome;
        const auto t0 = std::chrono::steady_clock::now();
        {
          StopSignal signals(kStopMessage);
          std::unique_ptr<ProgressReporter> progress;
          if (!quiet_) progress = std::make_unique<ProgressReporter>(counters);
          outcome = run_sweep(spec, options, counters);
        }
        const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        switch (outcome.result) {
          case SweepOutcome::Result::Interrupted:
            std::cerr << "schoolsim: sweep interrupted: " << outcome.reused + outcome.ran << " of " << outcome.runs
                      << " runs are saved in " << outcome.parts.string() << "; continue with:\n  "
                      << with_resume(history) << "\n";
            return kExitInterrupted;
          case SweepOutcome::Result::AlreadyComplete:
            if (!quiet_) std::cerr << "schoolsim: " << output_ << " is already complete (nothing to resume)\n";
            return kExitOk;
          case SweepOutcome::Result::Complete: break;
        }
        if (!quiet_) {
          char rate[64];
          std::snprintf(rate, sizeof rate, "%.2f",
                        outcome.seconds > 0 ? static_cast<double>(outcome.ran) / outcome.seconds : 0.0);
          const bool replicates = what != "sweep";  // run --replicates
          std::cerr << "schoolsim: " << (replicates ? "" : "sweep ") << spec.name << ": " << outcome.runs
                    << (replicates ? " replicates (" : " runs (") << outcome.failed << " failed";
          if (outcome.reused > 0) std::cerr << ", " << outcome.reused << " reused";
          std::cerr << ") in " << duration_text(total_seconds) << ", " << rate << " runs/s -> " << output_ << "\n";
        }
        if (outcome.failed > 0) {
          std::cerr << "schoolsim: " << outcome.failed << " of " << outcome.runs
                    << " runs failed (run_status = 1; messages in run_error)\n";
          return kExitRuntimeError;
        }
        return kExitOk;
      },
      {.invalid_config = "invalid " + std::string(what), .print = root});
}

namespace {
int run_mpi(const SweepRequest& request, const mpi::Session& session, const SweepSpec& spec,
            const std::string& history) {
  const std::string& output_ = request.output;
  const int threads_ = request.threads;
  const bool resume_ = request.resume, force_ = request.force, quiet_ = request.quiet;
  const bool root = session.rank() == 0;
  SweepOptions options;
  options.output = output_;
  options.resume = resume_;
  options.force = force_;
  options.history = history;
  options.stop = &StopSignal::flag();
  options.note = [](const std::string& n) { std::cerr << "schoolsim: note: " << n << "\n"; };
  SweepCounters counters;
  mpi::MpiSweepResult result;
  const auto t0 = std::chrono::steady_clock::now();
  {
    StopSignal signals(kStopMessage);
    std::unique_ptr<ProgressReporter> progress;
    if (root && !quiet_) progress = std::make_unique<ProgressReporter>(counters);
    result = mpi::run_sweep(session, spec, options, counters, threads_);
  }
  if (!root) return result.status;
  const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const SweepOutcome& outcome = result.outcome;
  if (!result.message.empty()) std::cerr << "schoolsim: " << result.message << "\n";
  if (result.status == kExitInterrupted) {
    std::cerr << "schoolsim: sweep interrupted: finished runs are saved in " << outcome.parts.string()
              << "; continue with (any number of ranks):\n  mpirun ... " << with_resume(history) << "\n";
    return result.status;
  }
  if (outcome.result == SweepOutcome::Result::AlreadyComplete) {
    if (!quiet_) std::cerr << "schoolsim: " << output_ << " is already complete (nothing to resume)\n";
    return result.status;
  }
  if (result.status != kExitOk && result.shards == 0) return result.status;
  if (!quiet_) {
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.2f",
                  outcome.seconds > 0 ? static_cast<double>(outcome.ran) / outcome.seconds : 0.0);
    std::cerr << "schoolsim: sweep " << spec.name << ": " << outcome.runs << " runs (" << outcome.failed << " failed";
    if (outcome.reused > 0) std::cerr << ", " << outcome.reused << " reused";
    std::cerr << ") on " << session.size() << (session.size() == 1 ? " rank in " : " ranks in ")
              << duration_text(total_seconds) << ", " << rate << " runs/s -> " << output_ << " (master of "
              << result.shards << (result.shards == 1 ? " shard" : " shards") << " in " << output_ << ".shards/)\n";
  }
  if (outcome.failed > 0)
    std::cerr << "schoolsim: " << outcome.failed << " of " << outcome.runs
              << " runs failed (run_status = 1; messages in run_error)\n";
  return result.status;
}

}  // namespace

}  // namespace schoolsim::cli
