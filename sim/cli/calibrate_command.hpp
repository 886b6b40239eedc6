#pragma once
// `schoolsim calibrate check [--targets FILE] [--replicates R] [--set K=V]... [--world-set K=V]...
//                            [--only ID]... [-o REPORT.h5] [--threads N]`
// `schoolsim calibrate fit --params KEY=LO:HI[,...] [--targets FILE] [--budget N] ...`
// (docs/calibration.md). Exit status: 0 ok, 1 runtime error (or, with --fail-on-miss, a
// target missed), 2 usage or input error (bad targets file with file:line:key, bad
// scenario, bad --set); no report file is written on error.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace schoolsim::cli {

class CalibrateCommand {
 public:
  /// Registers `calibrate` with its subcommands `check` and `fit` on `app`.
  explicit CalibrateCommand(CLI::App& app);
  CalibrateCommand(const CalibrateCommand&) = delete;
  CalibrateCommand& operator=(const CalibrateCommand&) = delete;

  /// True when the command line chose `calibrate`.
  bool selected() const;
  /// Runs it; returns the exit status. `history` is the command line.
  int run(const std::string& history) const;

 private:
  int check(const std::string& history) const;
  int fit(const std::string& history) const;

  CLI::App* calibrate_ = nullptr;
  CLI::App* check_ = nullptr;
  CLI::App* fit_ = nullptr;
  std::string targets_ = "scenarios/targets/stylised_facts.yaml", scenarios_, output_;
  std::vector<std::string> sets_, world_sets_, only_, params_;
  int replicates_check_ = 20, replicates_fit_ = 4, threads_ = 0, budget_ = 60;
  long long seed_ = 1;
  bool force_ = false, quiet_ = false, fail_on_miss_ = false;
};

}  // namespace schoolsim::cli
