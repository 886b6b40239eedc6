#pragma once
// `schoolsim evaluate SCENARIO.yaml [--replicates R] [-o OUT.h5] [--role any|receiver|giver]
//                     [--pre P] [--horizon H] [--post-width W] [--sample N] [--set K=V]... [--threads N]`
// Virtual evaluations (docs/calibration.md): the scenario and its counterfactual without
// partnerships run with common random numbers; the true effect on the treated is compared
// with the estimates of the matched comparison, the event-time difference in differences
// and the naive comparison. Exit status: 0 ok, 1 runtime error, 2 usage or input error.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace schoolsim::cli {

class EvaluateCommand {
 public:
  /// Registers `evaluate` on `app`.
  explicit EvaluateCommand(CLI::App& app);
  EvaluateCommand(const EvaluateCommand&) = delete;
  EvaluateCommand& operator=(const EvaluateCommand&) = delete;

  bool selected() const;
  int run(const std::string& history) const;

 private:
  CLI::App* command_ = nullptr;
  std::string scenario_, output_, role_ = "any";
  std::vector<std::string> sets_;
  int replicates_ = 20, threads_ = 0, pre_ = 3, horizon_ = 6, post_width_ = 3, sample_ = 0;
  bool force_ = false, quiet_ = false;
};

}  // namespace schoolsim::cli
