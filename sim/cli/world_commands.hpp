#pragma once
// `schoolsim world import REGISTER.csv -o WORLD.h5 ...`, `schoolsim world info WORLD.h5`,
// `schoolsim world describe WORLD.h5|SCENARIO.yaml [--csv LAS.csv]` and
// `schoolsim capacity WORLD.h5|SCENARIO.yaml ...` (docs/register.md). Exit status: 0 ok,
// 1 runtime error, 2 usage or input error (no output file is written).
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace schoolsim::cli {

class WorldCommands {
 public:
  /// Adds the `world` (with `import` and `info`) and `capacity` subcommands to `app`.
  explicit WorldCommands(CLI::App& app);
  WorldCommands(const WorldCommands&) = delete;
  WorldCommands& operator=(const WorldCommands&) = delete;

  /// True when the command line chose one of these commands.
  bool selected() const;
  /// Runs it; returns the exit status. `history` is the command line.
  int run(const std::string& history) const;

 private:
  int import_world(const std::string& history) const;
  int world_info() const;
  int describe_world() const;
  int capacity(const std::string& history) const;

  CLI::App* world_ = nullptr;
  CLI::App* import_ = nullptr;
  CLI::App* info_ = nullptr;
  CLI::App* describe_ = nullptr;
  CLI::App* capacity_ = nullptr;
  // world import
  std::string register_path_, output_, encoding_ = "auto", missing_location_ = "la-mean";
  std::vector<std::string> attainment_, attainment_columns_;
  std::string primary_phases_, secondary_phases_, open_statuses_, type_groups_;
  bool any_type_group_ = false;
  double max_bad_share_ = 0.01;
  // world info
  std::string world_path_;
  // capacity and world describe
  std::string input_, csv_, schools_csv_;
  std::vector<std::string> sets_;
  double radius_primary_ = -1, radius_secondary_ = -1;
  bool same_la_ = false, any_la_ = false;
  // shared
  bool force_ = false, quiet_ = false;
};

}  // namespace schoolsim::cli
