#pragma once
// The files a command reads, so that an output path naming one of them is refused before
// any work starts (`run X.yaml -o X.yaml --force` must not replace the scenario by HDF5).
#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/scenario.hpp"

namespace schoolsim::cli {

struct InputFile {
  std::filesystem::path path;
  std::string role;  ///< "the scenario", "the world file", ... (for the message)
};

/// A scenario file, the files of its `extends:` chain and its world file (if any). Call it
/// after the scenario loaded: files that are not regular files are not followed.
std::vector<InputFile> scenario_input_files(const std::filesystem::path& scenario_path, const Scenario& scenario);

/// Empty if `output` is none of `inputs` (compared as files: links and other spellings of a
/// path are seen through); else the message refusing it.
std::string output_is_input_problem(const std::filesystem::path& output, const std::vector<InputFile>& inputs);

}  // namespace schoolsim::cli
