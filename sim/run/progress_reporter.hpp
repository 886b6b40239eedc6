#pragma once
// "term 12/30, elapsed 1.2s, ETA 1.8s" on a terminal's stderr, redrawn in place after each term.
#include <chrono>

#include "sim/run/reporter.hpp"

namespace schoolsim::run {

class ProgressReporter : public Reporter {
 public:
  /// Draws only when stderr is a terminal (a log file gets nothing).
  explicit ProgressReporter(int terms);
  bool wants(int term) const override { return live_ && term > 0; }
  void report(const Snapshot& snapshot) override;

 private:
  using Clock = std::chrono::steady_clock;
  int terms_;
  bool live_;
  Clock::time_point start_;
};

}  // namespace schoolsim::run
