#include "sim/cli/input_files.hpp"

#include <yaml-cpp/yaml.h>

#include <system_error>

#include "sim/config/bounded_read.hpp"
#include "sim/io/world_builder.hpp"

namespace schoolsim::cli {

namespace fs = std::filesystem;

std::vector<InputFile> scenario_input_files(const fs::path& scenario_path, const Scenario& scenario) {
  std::vector<InputFile> files{{scenario_path, "the scenario"}};
  fs::path at = scenario_path;
  // The chain loaded already (at most 16 deep); a file that no longer parses ends the walk.
  for (int depth = 0; depth < 16; ++depth) {
    std::error_code ec;
    if (!fs::is_regular_file(at, ec)) break;
    const io::BoundedRead read = io::read_bounded(at, io::kMaxYamlBytes);
    if (!read.problem.empty()) break;
    try {
      const YAML::Node doc = YAML::Load(read.bytes);
      if (!doc.IsMap() || !doc["extends"] || !doc["extends"].IsScalar()) break;
      at = at.parent_path() / doc["extends"].Scalar();
    } catch (const YAML::Exception&) {
      break;
    }
    files.push_back({at, "a scenario it extends"});
  }
  if (!scenario.world.file.empty())
    files.push_back({world_file_path(scenario, scenario_path.parent_path()), "the world file"});
  return files;
}

std::string output_is_input_problem(const fs::path& output, const std::vector<InputFile>& inputs) {
  for (const InputFile& input : inputs) {
    std::error_code ec;
    if (fs::equivalent(output, input.path, ec))
      return output.string() + ": is " + input.role + " (" + input.path.string() +
             "), an input of this command; choose another output file";
  }
  return {};
}

}  // namespace schoolsim::cli
