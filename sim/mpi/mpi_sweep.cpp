// Long file: the whole protocol of the MPI sweep (collective agreement, work requests, shard
// writing, resume) in one place, because its messages only make sense read together.
#include "sim/core/errors.hpp"
#include "sim/mpi/mpi_sweep.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef SCHOOLSIM_WITH_MPI
#include <mpi.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/config/scenario_yaml.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/io/probe.hpp"
#include "sim/mpi/work_distribution.hpp"
#include "sim/sweep/run_journal.hpp"
#include "sim/sweep/shard_merge.hpp"
#include "sim/sweep/sweep_error.hpp"
#include "sim/sweep/sweep_file.hpp"
#endif

namespace schoolsim::mpi {

int launcher_processes() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
      const int n = std::atoi(value);
      return n > 0 ? n : 1;
    }
  }
  for (const char* name : {"PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return 1;
  return 0;
}

#ifndef SCHOOLSIM_WITH_MPI

bool built_with_mpi() { return false; }
Session::Session() { throw std::logic_error("schoolsim was built without MPI (CMake option SCHOOLSIM_MPI)"); }
Session::~Session() = default;
MpiSweepResult run_sweep(const Session&, const sweep::SweepSpec&, const sweep::SweepOptions&, sweep::SweepCounters&,
                         int) {
  throw std::logic_error("schoolsim was built without MPI (CMake option SCHOOLSIM_MPI)");
}

#else

bool built_with_mpi() { return true; }

Session::Session() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  io::disable_probe();  // no fork() after MPI_Init (docs/hardening.md "Damaged HDF5 files")
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized == 0) MPI_Finalize();
}

namespace {

namespace fs = std::filesystem;
using namespace schoolsim::sweep;

constexpr int kAlreadyComplete = -1;  // agreed during setup like a status; every rank then returns 0
enum Tag : int { kRequest = 101, kBatch, kDone, kDoneText, kStop, kFinal };
// The main thread of each rank polls for messages (blocking MPI calls would spin on a core the
// runs need): 50 us after any message, doubling while nothing happens, up to 2 ms. A steady
// 0.5 ms poll cost about 5% of the runs' throughput on a busy 2-core machine.
constexpr auto kMinPoll = std::chrono::microseconds(50);
constexpr auto kMaxPoll = std::chrono::microseconds(2000);

class Backoff {
 public:
  void reset() { wait_ = kMinPoll; }
  void idle() {
    std::this_thread::sleep_for(wait_);
    wait_ = std::min(wait_ * 2, std::chrono::duration_cast<std::chrono::microseconds>(kMaxPoll));
  }

 private:
  std::chrono::microseconds wait_ = kMinPoll;
};
const MPI_Comm kWorld = MPI_COMM_WORLD;

/// Severity of a status, to agree on the worst one: error > input error > interrupted > ok.
int severity(int status) {
  switch (status) {
    case kExitOk: return 0;
    case kAlreadyComplete: return 1;
    case kExitInterrupted: return 2;
    case kExitRuntimeError: return 3;
    default: return 4;
  }
}

struct Agreed {
  int status = kExitOk;
  std::string message;  ///< rank 0: the messages of the ranks with the agreed status
};

/// Collective: every rank gets the worst status; rank 0 also the distinct messages of the
/// ranks that reported it (ranks other than 0 named).
Agreed agree(int rank, int size, int status, const std::string& message) {
  std::vector<int> statuses(static_cast<std::size_t>(size)), lengths(static_cast<std::size_t>(size));
  const int length = static_cast<int>(message.size());
  MPI_Gather(&status, 1, MPI_INT, statuses.data(), 1, MPI_INT, 0, kWorld);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, kWorld);
  std::vector<int> offsets(static_cast<std::size_t>(size), 0);
  int total = 0;
  for (int r = 0; r < size; ++r)
    offsets[static_cast<std::size_t>(r)] = total, total += lengths[static_cast<std::size_t>(r)];
  std::vector<char> text(static_cast<std::size_t>(std::max(total, 1)));
  MPI_Gatherv(message.data(), length, MPI_CHAR, text.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, kWorld);
  Agreed out;
  if (rank == 0) {
    out.status = statuses[0];
    for (const int s : statuses)
      if (severity(s) > severity(out.status)) out.status = s;
    std::vector<std::string> seen;
    for (int r = 0; r < size; ++r) {
      if (statuses[static_cast<std::size_t>(r)] != out.status || lengths[static_cast<std::size_t>(r)] == 0) continue;
      std::string m(text.data() + offsets[static_cast<std::size_t>(r)],
                    static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)]));
      if (std::find(seen.begin(), seen.end(), m) != seen.end()) continue;
      seen.push_back(m);
      if (!out.message.empty()) out.message += "\n";
      out.message += r == 0 ? m : "rank " + std::to_string(r) + ": " + m;
    }
  }
  MPI_Bcast(&out.status, 1, MPI_INT, 0, kWorld);
  return out;
}

/// Thrown by rank 0 when the output already holds this sweep.
struct AlreadyComplete : std::exception {};
/// Thrown when a stop request abandons writing a shard or the master.
struct Interrupted : std::exception {};

/// Runs a step on one rank or all, turning exceptions into a status and message.
template <class F>
void guarded(int& status, std::string& message, F&& step) {
  try {
    step();
  } catch (const AlreadyComplete&) {
    status = kAlreadyComplete;
  } catch (const Interrupted&) {
    status = kExitInterrupted;
  } catch (const config::ConfigError& e) {
    status = kExitInputError, message = std::string("invalid sweep:\n") + e.what();
  } catch (const SweepInputError& e) {
    status = kExitInputError, message = e.what();
  } catch (const io::OutputError& e) {
    status = kExitRuntimeError, message = std::string("cannot write output: ") + e.what();
  } catch (const std::exception& e) {
    status = kExitRuntimeError, message = std::string("error: ") + e.what();
  }
}

bool probe(int source, int tag, MPI_Status& st) {
  int flag = 0;
  MPI_Iprobe(source, tag, kWorld, &flag, &st);
  return flag != 0;
}

std::vector<std::int64_t> receive(const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_INT64_T, &n);
  std::vector<std::int64_t> v(static_cast<std::size_t>(std::max(n, 0)));
  MPI_Recv(v.data(), n, MPI_INT64_T, st.MPI_SOURCE, st.MPI_TAG, kWorld, MPI_STATUS_IGNORE);
  return v;
}

void send(const std::vector<std::int64_t>& v, int dest, int tag) {
  MPI_Send(v.data(), static_cast<int>(v.size()), MPI_INT64_T, dest, tag, kWorld);
}

std::int64_t env_integer(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoll(v) : -1;
}

/// The runs of one rank: a oneTBB arena of `threads` threads that the main thread (which
/// does the MPI calls) feeds run ids to; each run is isolated, so a thread waiting inside a
/// run's parallel loops never starts another run.
class LocalRunner {
 public:
  LocalRunner(int threads, std::function<void(std::int64_t)> run) : arena_(threads, 0), run_(std::move(run)) {}
  ~LocalRunner() { wait(); }
  LocalRunner(const LocalRunner&) = delete;
  LocalRunner& operator=(const LocalRunner&) = delete;

  void submit(const std::vector<std::int64_t>& ids) {
    for (const std::int64_t id : ids) {
      ++submitted_;
      arena_.enqueue([this, id] {
        tbb::this_task_arena::isolate([&] { run_(id); });
        finished_.fetch_add(1);
      });
    }
  }
  std::int64_t outstanding() const { return submitted_ - finished_.load(); }
  void wait() const {
    while (outstanding() > 0) std::this_thread::sleep_for(kMaxPoll);
  }

 private:
  tbb::task_arena arena_;
  std::function<void(std::int64_t)> run_;
  std::int64_t submitted_ = 0;
  std::atomic<std::int64_t> finished_{0};
};

/// One rank's part of the sweep.
class RankSweep {
 public:
  RankSweep(const Session& session, const SweepSpec& spec, const SweepOptions& options, SweepCounters& counters,
            int threads)
      : rank_(session.rank()),
        size_(session.size()),
        spec_in_(spec),
        options_(options),
        counters_(counters),
        threads_(threads > 0 ? threads : std::max(1, tbb::info::default_concurrency())),
        out_(options.output),
        parts_(RunJournal::folder_for(options.output)),
        shards_(fs::path(options.output.string() + ".shards")) {}

  MpiSweepResult run();

 private:
  bool root() const { return rank_ == 0; }
  void note(const std::string& text) const {
    if (options_.note) options_.note(root() ? text : "rank " + std::to_string(rank_) + ": " + text);
  }
  bool stopping() const {
    return stop_.load(std::memory_order_relaxed) ||
           (options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed));
  }
  /// A collective setup step: `f` runs on rank 0 only (`everyone` false) or on every rank;
  /// false (with result_ set) unless every rank succeeded.
  template <class F>
  bool step(bool everyone, F&& f) {
    int status = kExitOk;
    std::string message;
    if (everyone || root()) guarded(status, message, f);
    const Agreed agreed = agree(rank_, size_, status, message);
    if (agreed.status == kExitOk) return true;
    result_.status = agreed.status == kAlreadyComplete ? kExitOk : agreed.status;
    if (agreed.status == kAlreadyComplete) result_.outcome.result = SweepOutcome::Result::AlreadyComplete;
    if (agreed.status == kExitInterrupted) result_.outcome.result = SweepOutcome::Result::Interrupted;
    result_.message = agreed.message;
    return false;
  }
  /// This rank's outcome of the runs: an I/O error, a stop, or fine.
  void settle_runs() {
    if (error_flag_) {
      std::lock_guard lock(error_mutex_);
      status_ = kExitRuntimeError, message_ = error_text_;
    } else if (stopping() && status_ == kExitOk) {
      status_ = kExitInterrupted;
    }
  }

  void check_paths();
  void prepare_output();
  void open_journals();
  bool distribute_pending();
  void run_one(std::int64_t id);
  void compute_root();
  void compute_worker();
  std::vector<std::int64_t> write_shards();
  void finish_root();

  int rank_, size_;
  const SweepSpec& spec_in_;
  const SweepOptions& options_;
  SweepCounters& counters_;
  int threads_;
  fs::path out_, parts_, shards_;
  MpiSweepResult result_;

  std::unique_ptr<PreparedSweep> prepared_;
  int journals_total_ = 0;                              ///< journals of this sweep (all ranks, old ones included)
  std::vector<int> journal_index_;                      ///< the journals this rank holds
  std::vector<std::unique_ptr<RunJournal> > journals_;  ///< [0] is rank-<rank>, where new runs go
  std::vector<std::int32_t> where_;                     ///< per run: slot in journals_ holding it, or -1
  std::vector<RunSummary> summary_;
  std::vector<std::int64_t> pending_;        ///< rank 0: runs to do
  std::vector<std::int64_t> shard_indices_;  ///< rank 0: shards written by all ranks
  std::int64_t reused_ = 0, reused_failed_ = 0;
  std::atomic<std::int64_t> ran_{0}, failed_{0}, appended_{0};
  std::atomic<bool> stop_{false}, error_flag_{false};
  std::mutex error_mutex_;
  std::string error_text_;
  std::chrono::steady_clock::time_point start_;  ///< when the runs started (all ranks at once)
  double run_seconds_ = 0;                       ///< rank 0: until the last rank finished its runs
  double seconds_since_start() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  /// Runs to keep queued or running: two per thread, more when runs are so short that two
  /// per thread would not last 20 ms (the time to ask rank 0 and hear back, with margin).
  std::int64_t low_water() const {
    const auto T = static_cast<std::int64_t>(threads_);
    const std::int64_t done = ran_.load(std::memory_order_relaxed);
    if (done < T) return 2 * T;
    const double per_run = seconds_since_start() * static_cast<double>(T) / static_cast<double>(done);
    if (per_run >= 0.01) return 2 * T;
    return T * std::min<std::int64_t>(64, 1 + static_cast<std::int64_t>(std::ceil(0.02 / std::max(per_run, 1e-6))));
  }
  int status_ = kExitOk;  ///< this rank's (rank 0: every rank's) result of the runs and shards
  std::string message_;
};

void RankSweep::check_paths() {
  check_sweep_output(out_);
  std::error_code ec;
  const bool out_exists = fs::exists(fs::symlink_status(out_, ec));
  const bool parts_exist = fs::exists(fs::symlink_status(parts_, ec));
  const bool shards_exist = fs::exists(fs::symlink_status(shards_, ec));
  if (options_.force) return;
  if (out_exists && !options_.resume)
    throw SweepInputError(out_.string() + ": exists already (use --force to replace it)");
  if (parts_exist && !options_.resume)
    throw SweepInputError(parts_.string() +
                          " exists (an interrupted sweep?): use --resume to continue it or --force to start over");
  if (parts_exist && fs::exists(parts_ / "runs.journal", ec))
    throw SweepInputError(parts_.string() +
                          " holds the journal of a sweep started without MPI: continue it without "
                          "mpirun, or use --force to start over");
  if (shards_exist && !parts_exist && !options_.resume && !out_exists)
    throw SweepInputError(shards_.string() + " exists (the shards of an earlier sweep?): use --force to replace them");
}

/// Rank 0: an already complete output, --force, the folders, the journals of earlier attempts.
void RankSweep::prepare_output() {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(out_, ec)) && !options_.force) {
    if (holds_sweep(out_, prepared_->fingerprint(), std::nullopt)) {
      if (fs::exists(parts_, ec)) fs::remove_all(parts_, ec);  // left over if stopped after the master's rename
      throw AlreadyComplete{};
    }
    throw SweepInputError(out_.string() + ": exists already (use --force to replace it)");
  }
  if (options_.force) {
    const auto held = RunJournal::lock_for_removal(parts_);  // a running sweep's journals are never removed
    for (const fs::path& p : {parts_, shards_}) {
      fs::remove_all(p, ec);
      if (ec) throw io::OutputError("cannot remove '" + p.string() + "': " + ec.message());
    }
  }
  for (const fs::path& p : {parts_, shards_}) {
    fs::create_directories(p, ec);
    if (ec) throw io::OutputError("cannot create the folder '" + p.string() + "': " + ec.message());
  }
  int journals = 0;
  for (const auto& entry : fs::directory_iterator(parts_)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("rank-", 0) == 0 && name.size() > 5 && name.find_first_not_of("0123456789", 5) == std::string::npos)
      journals = std::max(journals, std::atoi(name.c_str() + 5) + 1);
  }
  journals_total_ = journals;
}

/// Rank K holds journals K, K + size, ...: its own, and those of ranks of an earlier attempt
/// with more ranks than this one.
void RankSweep::open_journals() {
  const std::int64_t R = prepared_->runs();
  where_.assign(static_cast<std::size_t>(R), -1);
  summary_.assign(static_cast<std::size_t>(R), RunSummary{});
  for (int j = rank_; j < journals_total_; j += size_) {
    const fs::path folder = parts_ / ("rank-" + std::to_string(j));
    std::error_code ec;
    const auto mode = fs::exists(folder, ec) ? RunJournal::Mode::Resume : RunJournal::Mode::Create;
    journals_.push_back(
        std::make_unique<RunJournal>(folder, mode, prepared_->fingerprint(), R, prepared_->world_digest()));
    journal_index_.push_back(j);
    const auto slot = static_cast<std::int32_t>(journals_.size() - 1);
    journals_.back()->scan(
        prepared_->schema(),
        [&](const RunRecord& rec) {
          const auto id = static_cast<std::size_t>(rec.run_id);
          summary_[id] = summarise(rec);
          where_[id] = slot;
        },
        [&](const std::string& problem) { note(problem); });
  }
}

/// Collective: rank 0 learns which runs the journals of every rank hold and lists the runs
/// still to do. False if a run is in two journals (which the protocol never makes).
bool RankSweep::distribute_pending() {
  std::vector<std::int64_t> done;  // id * 2 + failed
  for (std::size_t id = 0; id < where_.size(); ++id)
    if (where_[id] >= 0) done.push_back(static_cast<std::int64_t>(id) * 2 + (summary_[id].status != 0 ? 1 : 0));
  const int n = static_cast<int>(done.size());
  std::vector<int> counts(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_), 0);
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, kWorld);
  int total = 0;
  for (int r = 0; r < size_; ++r)
    offsets[static_cast<std::size_t>(r)] = total, total += counts[static_cast<std::size_t>(r)];
  std::vector<std::int64_t> all(static_cast<std::size_t>(std::max(total, 1)));
  MPI_Gatherv(done.data(), n, MPI_INT64_T, all.data(), counts.data(), offsets.data(), MPI_INT64_T, 0, kWorld);
  return step(false, [&] {
    const std::int64_t R = prepared_->runs();
    std::vector<char> have(static_cast<std::size_t>(R), 0);
    for (int k = 0; k < total; ++k) {
      const std::int64_t id = all[static_cast<std::size_t>(k)] / 2;
      if (have[static_cast<std::size_t>(id)] != 0)
        throw std::logic_error("run " + std::to_string(id) + " has records in two journals of " + parts_.string() +
                               "; use --force to start over");
      have[static_cast<std::size_t>(id)] = 1;
      ++reused_;
      reused_failed_ += all[static_cast<std::size_t>(k)] % 2;
    }
    for (std::int64_t id = 0; id < R; ++id)
      if (have[static_cast<std::size_t>(id)] == 0) pending_.push_back(id);
  });
}

void RankSweep::run_one(std::int64_t id) {
  if (stopping()) return;
  std::optional<RunRecord> rec = prepared_->run(id, [this] { return stopping(); });
  if (!rec) return;
  try {
    journals_.front()->append(prepared_->schema(), *rec);
  } catch (const std::exception& e) {
    std::lock_guard lock(error_mutex_);
    if (error_text_.empty()) error_text_ = std::string("cannot write output: ") + e.what();
    error_flag_ = true;
    stop_ = true;
    return;
  }
  summary_[static_cast<std::size_t>(id)] = summarise(*rec);
  where_[static_cast<std::size_t>(id)] = 0;
  ++ran_;
  if (rec->status != 0) ++failed_;
  // Test hook (tests/python/test_cluster_resume.py): this rank dies like a lost node, by
  // SIGKILL, right after journalling its N-th run.
  static const std::int64_t kill_rank = env_integer("SCHOOLSIM_TEST_KILL_RANK");
  static const std::int64_t kill_after = env_integer("SCHOOLSIM_TEST_KILL_AFTER");
  if (kill_rank == rank_ && kill_after > 0 && ++appended_ == kill_after) std::raise(SIGKILL);
}

/// Ranks > 0: ask rank 0 for runs whenever fewer than two per thread are queued or running.
void RankSweep::compute_worker() {
  LocalRunner runner(threads_, [this](std::int64_t id) { run_one(id); });
  bool requested = false, no_more = false;
  Backoff backoff;
  for (;;) {
    const bool stop = stopping();
    const std::int64_t low = low_water();
    if (!requested && !no_more && !stop && runner.outstanding() < low) {
      send({low - runner.outstanding(), ran_.load(), failed_.load()}, 0, kRequest);
      requested = true;
      backoff.reset();
    }
    MPI_Status st;
    if (probe(0, MPI_ANY_TAG, st)) {
      const std::vector<std::int64_t> message = receive(st);
      if (st.MPI_TAG == kBatch) {
        requested = false;
        if (message.empty()) {
          no_more = true;
        } else if (!stop) {
          runner.submit(message);
        }
      } else if (st.MPI_TAG == kStop) {
        stop_ = true;
      }
      backoff.reset();
      continue;
    }
    if ((no_more || stop) && !requested && runner.outstanding() == 0) break;
    backoff.idle();
  }
  runner.wait();
}

/// Rank 0: serve the other ranks, compute too, write its shards when no runs are left.
void RankSweep::compute_root() {
  LocalRunner runner(threads_, [this](std::int64_t id) { run_one(id); });
  WorkDistributor work(pending_, size_);
  Backoff backoff;
  struct Worker {
    std::int64_t ran = 0, failed = 0;
    bool done = false;
  };
  std::vector<Worker> workers(static_cast<std::size_t>(size_));
  workers[0].done = true;
  bool stop_sent = false, own_done = false;
  const auto update = [&] {
    std::int64_t ran = ran_, failed = failed_ + reused_failed_;
    for (int r = 1; r < size_; ++r)
      ran += workers[static_cast<std::size_t>(r)].ran, failed += workers[static_cast<std::size_t>(r)].failed;
    counters_.ran = ran;
    counters_.failed = failed;
  };
  for (;;) {
    if (stopping() && !stop_sent) {
      for (int r = 1; r < size_; ++r)
        if (!workers[static_cast<std::size_t>(r)].done) send({}, r, kStop);
      stop_sent = true;
    }
    bool busy = false;
    MPI_Status st;
    while (probe(MPI_ANY_SOURCE, MPI_ANY_TAG, st)) {
      busy = true;
      const int from = st.MPI_SOURCE;
      Worker& w = workers[static_cast<std::size_t>(from)];
      const std::vector<std::int64_t> m = receive(st);
      if (st.MPI_TAG == kRequest && m.size() == 3) {
        w.ran = m[1], w.failed = m[2];
        send(stopping() ? std::vector<std::int64_t>{} : work.next(std::max<std::int64_t>(m[0], 1)), from, kBatch);
      } else if (st.MPI_TAG == kDone && m.size() >= 4) {
        MPI_Status text_status;
        MPI_Probe(from, kDoneText, kWorld, &text_status);
        int length = 0;
        MPI_Get_count(&text_status, MPI_CHAR, &length);
        std::string text(static_cast<std::size_t>(length), '\0');
        MPI_Recv(text.data(), length, MPI_CHAR, from, kDoneText, kWorld, MPI_STATUS_IGNORE);
        w.done = true;
        w.ran = m[1], w.failed = m[2];
        const int status = static_cast<int>(m[0]);
        if (severity(status) > severity(status_)) {
          status_ = status;
          if (!text.empty()) message_ = "rank " + std::to_string(from) + ": " + text;
        }
        if (status != kExitOk) stop_ = true;  // one rank stopped or failed: stop them all
        run_seconds_ = std::max(run_seconds_, static_cast<double>(m[3]) * 1e-9);
        shard_indices_.insert(shard_indices_.end(), m.begin() + 4, m.end());
      }
    }
    update();
    if (const std::int64_t low = low_water(); !stopping() && work.left() > 0 && runner.outstanding() < low) {
      runner.submit(work.next(low - runner.outstanding()));
      busy = true;
    }
    if (!own_done && (stopping() || work.left() == 0) && runner.outstanding() == 0) {
      own_done = true;
      run_seconds_ = std::max(run_seconds_, seconds_since_start());
      settle_runs();
      if (status_ == kExitOk) {
        counters_.stage = 2;
        int status = kExitOk;
        std::string message;
        guarded(status, message, [&] {
          const auto mine = write_shards();
          shard_indices_.insert(shard_indices_.end(), mine.begin(), mine.end());
        });
        if (status != kExitOk) status_ = status, message_ = message, stop_ = true;
      }
      journals_.clear();  // releases the locks; rank 0 removes the folder when done
    }
    if (own_done && std::all_of(workers.begin(), workers.end(), [](const Worker& w) { return w.done; })) break;
    if (busy) {
      backoff.reset();
    } else {
      backoff.idle();
    }
  }
  update();
}

/// Each journal this rank holds, if it has runs, becomes the shard of the same number.
std::vector<std::int64_t> RankSweep::write_shards() {
  std::vector<std::int64_t> written;
  const RunSchema& schema = prepared_->schema();
  for (std::size_t slot = 0; slot < journals_.size(); ++slot) {
    SweepFileInfo info;
    info.history = options_.history;
    info.fingerprint = prepared_->fingerprint();
    for (std::size_t id = 0; id < where_.size(); ++id)
      if (where_[id] == static_cast<std::int32_t>(slot)) info.run_ids.push_back(static_cast<std::int64_t>(id));
    if (info.run_ids.empty()) continue;
    const int j = journal_index_[slot];
    info.shard = ShardSpec{j, journals_total_};
    const RunJournal& journal = *journals_[slot];
    const auto read = [&](std::int64_t id) {
      try {
        return journal.read(schema, id);
      } catch (const PartError& e) {
        throw io::OutputError("the journal record of run " + std::to_string(id) + " became unusable (" + e.what() +
                              "); run the sweep again with --resume to redo it");
      }
    };
    const fs::path path = shards_ / ("shard-" + std::to_string(j) + ".h5");
    if (!write_sweep_file(
            path, true, prepared_->spec(), prepared_->plan(), prepared_->world(), schema, summary_, read,
            [this] { return !stopping(); }, info))
      throw Interrupted{};
    written.push_back(j);
  }
  return written;
}

/// Rank 0: the master file over every shard, then the journals and stale shards go.
void RankSweep::finish_root() {
  std::sort(shard_indices_.begin(), shard_indices_.end());
  std::vector<fs::path> paths;
  for (const std::int64_t j : shard_indices_) paths.push_back(shards_ / ("shard-" + std::to_string(j) + ".h5"));
  MergeOptions merge;
  merge.overwrite = options_.force;
  merge.history = options_.history;
  merge.keep_going = [this] { return !stopping(); };
  const MergeOutcome merged = merge_shards(paths, out_, merge);
  if (!merged.complete) throw Interrupted{};
  result_.shards = paths.size();
  std::error_code ec;
  fs::remove_all(parts_, ec);
  for (const auto& entry : fs::directory_iterator(shards_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.rfind("shard-", 0) == 0 && name.find(".h5") != std::string::npos;
    if (ours && std::find(paths.begin(), paths.end(), entry.path()) == paths.end()) fs::remove(entry.path(), ec);
  }
}

MpiSweepResult RankSweep::run() {
  result_.outcome.parts = parts_;
  if (!step(false, [&] { check_paths(); })) return result_;
  if (!step(true, [&] {
        prepared_ = std::make_unique<PreparedSweep>(spec_in_, [this](const std::string& text) {
          if (root()) note(text);
        });
      }))
    return result_;
  const std::int64_t R = prepared_->runs();
  result_.outcome.runs = R;
  counters_.total = R;
  if (!step(false, [&] { prepare_output(); })) return result_;
  MPI_Bcast(&journals_total_, 1, MPI_INT, 0, kWorld);
  journals_total_ = std::max(journals_total_, size_);
  if (!step(true, [&] { open_journals(); })) return result_;
  if (!distribute_pending()) return result_;

  // The runs: `threads_` workers in this rank's arena, plus the main thread for MPI.
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads_) + 1);
  const auto t0 = std::chrono::steady_clock::now();
  start_ = t0;
  if (root()) {
    result_.outcome.reused = reused_;
    counters_.reused = reused_;
    counters_.failed = reused_failed_;
    counters_.started_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
    counters_.stage = 1;
    compute_root();
    result_.outcome.seconds = run_seconds_;  // until the last rank finished its runs
    result_.outcome.ran = counters_.ran;
    result_.outcome.failed = counters_.failed;
    int status = status_;
    std::string message = message_;
    if (status == kExitOk) {
      counters_.stage = 2;
      guarded(status, message, [&] { finish_root(); });
    }
    if (status == kExitOk && result_.outcome.failed > 0)
      status = kExitRuntimeError;  // as without MPI: some runs failed
    for (int r = 1; r < size_; ++r) send({status}, r, kFinal);
    result_.status = status;
    result_.message = message;
    if (status == kExitInterrupted) result_.outcome.result = SweepOutcome::Result::Interrupted;
    counters_.stage = 3;
    return result_;
  }

  compute_worker();
  const auto compute_ns = static_cast<std::int64_t>(seconds_since_start() * 1e9);
  settle_runs();
  std::vector<std::int64_t> written;
  if (status_ == kExitOk) guarded(status_, message_, [&] { written = write_shards(); });
  journals_.clear();
  std::vector<std::int64_t> done{status_, ran_.load(), failed_.load(), compute_ns};
  done.insert(done.end(), written.begin(), written.end());
  send(done, 0, kDone);
  MPI_Send(message_.data(), static_cast<int>(message_.size()), MPI_CHAR, 0, kDoneText, kWorld);
  for (;;) {
    MPI_Status st;
    if (probe(0, MPI_ANY_TAG, st)) {
      const std::vector<std::int64_t> m = receive(st);
      if (st.MPI_TAG == kFinal && !m.empty()) {
        result_.status = static_cast<int>(m[0]);
        break;
      }
      continue;  // a stop request that crossed our report
    }
    std::this_thread::sleep_for(kMaxPoll);
  }
  if (result_.status == kExitInterrupted) result_.outcome.result = SweepOutcome::Result::Interrupted;
  return result_;
}

}  // namespace

MpiSweepResult run_sweep(const Session& session, const SweepSpec& spec, const SweepOptions& options,
                         SweepCounters& counters, int threads) {
  try {
    RankSweep sweep(session, spec, options, counters, threads);
    return sweep.run();
  } catch (const std::exception& e) {
    // Not an expected failure (those become agreed statuses): the other ranks would wait for
    // this one forever, so end the job. The journals stay for --resume.
    std::fprintf(stderr, "schoolsim: rank %d: fatal error: %s\n", session.rank(), e.what());
    MPI_Abort(kWorld, kExitRuntimeError);
  }
  return {};
}

#endif

}  // namespace schoolsim::mpi
