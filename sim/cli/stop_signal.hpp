#pragma once
// Ctrl-C and SIGTERM for long commands (run, sweep): the first signal only asks the command
// to stop at its next safe point (between terms, between runs, before publishing a file),
// so that it can remove its temporary files and keep what is finished; a second signal
// kills at once (SA_RESETHAND). Exit status 130 after a stop.
#include <atomic>
#include <csignal>

namespace schoolsim::cli {

class StopSignal {
 public:
  /// Installs the handler for SIGINT and SIGTERM for the guard's lifetime and clears the
  /// flag. `message` (static storage) is written to stderr when the first signal arrives.
  explicit StopSignal(const char* message);
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  /// Set by the first signal; what a command polls (or hands to the sweep runner).
  static const std::atomic<bool>& flag();
  static bool requested() { return flag().load(std::memory_order_relaxed); }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace schoolsim::cli
