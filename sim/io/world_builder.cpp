#include "sim/io/world_builder.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "sim/config/scenario_yaml.hpp"
#include "sim/io/world_file.hpp"

namespace schoolsim {

std::filesystem::path world_file_path(const Scenario& s, const std::filesystem::path& scenario_dir) {
  if (s.world.file.empty()) return {};
  const std::filesystem::path file(s.world.file);
  return file.is_absolute() ? file : scenario_dir / file;
}

World build_world(const Scenario& s, const std::filesystem::path& scenario_dir,
                  const std::array<double, kPhases>& min_radius) {
  auto radius = required_neighbour_radius(s);
  for (int p = 0; p < kPhases; ++p) radius[p] = std::max(radius[p], min_radius[p]);
  if (s.world.file.empty()) return build_synthetic_world(s.world, radius);
  const auto path = world_file_path(s, scenario_dir);
  World w;
  try {
    w = load_world_file(path, radius);
  } catch (const WorldFileError& e) {
    throw config::ConfigError({config::Problem({}, "world.file", e.what())});
  }
  // LA indices of the scenario refer to the file's LAs (validate() cannot check them).
  std::vector<config::Problem> problems;
  const std::string las = " (the world file " + path.string() + " has " + std::to_string(w.n_las) + " LAs, 0.." +
                          std::to_string(w.n_las - 1) + ")";
  for (int la : s.brokering.las)
    if (la >= w.n_las)
      problems.push_back(config::Problem({}, "brokering.las", "LA " + std::to_string(la) + " does not exist" + las));
  for (const auto& [name, members] : s.world.regions)
    for (int la : members)
      if (la >= w.n_las)
        problems.push_back(
            config::Problem({}, "world.regions." + name, "LA " + std::to_string(la) + " does not exist" + las));
  for (const auto& [name, rule] : s.world.region_rules)
    if (rule.kind == RegionRule::Kind::Nearest && rule.la >= w.n_las)
      problems.push_back(config::Problem({}, "world.regions." + name + ".la",
                                         "LA " + std::to_string(rule.la) + " does not exist" + las));
  if (!problems.empty()) throw config::ConfigError(problems);
  return w;
}

}  // namespace schoolsim
