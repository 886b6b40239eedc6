#include "sim/cli/python_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"

namespace schoolsim::cli {
namespace {

namespace fs = std::filesystem;

/// The folder holding the `schoolsim` Python package, or empty if it is not found.
fs::path analysis_dir() {
  if (const char* dir = std::getenv("SCHOOLSIM_ANALYSIS_DIR"); dir && *dir) return dir;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  // build/<preset>/schoolsim in a source tree: look a few folders up for analysis/schoolsim.
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "analysis" / "schoolsim" / "__main__.py", ec)) return dir / "analysis";
  }
  return {};
}

}  // namespace

PythonCommand::PythonCommand(CLI::App& app, const std::string& name, const std::string& description) : name_(name) {
  command_ = app.add_subcommand(name, description + " (python -m schoolsim " + name + "; -h for options)");
  // Every argument, -h included, goes to the Python command unparsed.
  command_->prefix_command();
  command_->set_help_flag();
}

bool PythonCommand::selected() const { return command_->parsed(); }

int PythonCommand::run() const {
  const char* python_env = std::getenv("SCHOOLSIM_PYTHON");
  const std::string python = python_env && *python_env ? python_env : "/usr/bin/python3";
  if (const fs::path dir = analysis_dir(); !dir.empty()) {
    const char* old = std::getenv("PYTHONPATH");
    const std::string path = dir.string() + (old && *old ? ":" + std::string(old) : "");
    setenv("PYTHONPATH", path.c_str(), 1);
  }
  std::vector<std::string> args = {python, "-m", "schoolsim", name_};
  for (const std::string& a : command_->remaining()) args.push_back(a);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(python.c_str(), argv.data());
  std::cerr << "schoolsim " << name_ << ": cannot run " << python << ": " << std::strerror(errno)
            << " (set SCHOOLSIM_PYTHON to a Python 3 with the schoolsim package's dependencies)\n";
  return kExitRuntimeError;
}

}  // namespace schoolsim::cli
