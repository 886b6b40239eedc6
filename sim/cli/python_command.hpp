#pragma once
// Commands made by the Python package, forwarded unchanged: `schoolsim view RUN.h5 [B.h5] -o
// view.html [options]` (the interactive HTML map of a run, analysis/schoolsim/view.py),
// `schoolsim compare A.h5 B.h5 ...` (differences with confidence intervals, compare.py) and
// `schoolsim export X.h5 --csv out.csv` (a tidy long table, export.py). Each command only finds
// the package and runs `python -m schoolsim <command>` with every argument unchanged;
// `schoolsim <command> -h` prints the Python command's help.
//
// The package is found in $SCHOOLSIM_ANALYSIS_DIR, else in the `analysis/` folder of the source
// tree the binary was built in (build/<preset>/schoolsim -> ../../analysis); without either, the
// interpreter must find an installed `schoolsim` package. The interpreter is $SCHOOLSIM_PYTHON,
// else Debian's /usr/bin/python3 (which has python3-plotly, xarray, h5py).
// Exit status: that of the Python command (0 ok, 1 unreadable file, 2 usage), or 1 when the
// interpreter cannot be started.
#include <CLI/CLI.hpp>

#include <string>

namespace schoolsim::cli {

class PythonCommand {
 public:
  /// Registers the command `name` (view, compare, export) on `app`.
  PythonCommand(CLI::App& app, const std::string& name, const std::string& description);
  PythonCommand(const PythonCommand&) = delete;
  PythonCommand& operator=(const PythonCommand&) = delete;

  bool selected() const;
  /// Replaces this process by the Python command; returns only if that fails.
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::string name_;
};

}  // namespace schoolsim::cli
