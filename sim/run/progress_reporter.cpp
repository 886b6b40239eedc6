#include "sim/run/progress_reporter.hpp"

#include <unistd.h>

#include <cstdio>

namespace schoolsim::run {

ProgressReporter::ProgressReporter(int terms)
    : terms_(terms), live_(isatty(STDERR_FILENO) != 0), start_(Clock::now()) {}

void ProgressReporter::report(const Snapshot& snapshot) {
  const int done = snapshot.term;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double eta = done > 0 ? elapsed / done * (terms_ - done) : 0.0;
  std::fprintf(stderr, "\rterm %d/%d  elapsed %.1fs  ETA %.1fs   ", done, terms_, elapsed, eta);
  if (done == terms_) std::fprintf(stderr, "\n");
}

}  // namespace schoolsim::run
