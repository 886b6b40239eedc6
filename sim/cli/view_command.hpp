#pragma once
// `schoolsim view RUN.h5 [B.h5] -o view.html [options]`: the interactive HTML map of a run,
// made by the Python package (`python -m schoolsim view`, analysis/schoolsim/view.py). This
// command only finds the package and runs it with every argument unchanged; `schoolsim view -h`
// prints the Python command's help.
//
// The package is found in $SCHOOLSIM_ANALYSIS_DIR, else in the `analysis/` folder of the source
// tree the binary was built in (build/<preset>/schoolsim -> ../../analysis); without either, the
// interpreter must find an installed `schoolsim` package. The interpreter is $SCHOOLSIM_PYTHON,
// else Debian's /usr/bin/python3 (which has python3-plotly, xarray, h5py).
// Exit status: that of the Python command (0 ok, 1 unreadable file, 2 usage), or 1 when the
// interpreter cannot be started.
#include <CLI/CLI.hpp>

namespace schoolsim::cli {

class ViewCommand {
 public:
  /// Registers `view` on `app`.
  explicit ViewCommand(CLI::App& app);
  ViewCommand(const ViewCommand&) = delete;
  ViewCommand& operator=(const ViewCommand&) = delete;

  bool selected() const;
  /// Replaces this process by the Python command; returns only if that fails.
  int run() const;

 private:
  CLI::App* command_ = nullptr;
};

}  // namespace schoolsim::cli
