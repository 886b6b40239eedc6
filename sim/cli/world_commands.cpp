#include "sim/cli/world_commands.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <variant>

#include "sim/capacity/capacity.hpp"
#include "sim/cli/command_errors.hpp"
#include "sim/cli/output_path.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/core/errors.hpp"
#include "sim/run/initial_state.hpp"
#include "sim/config/bounded_read.hpp"
#include "sim/io/capacity_file.hpp"
#include "sim/io/la_table_report.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/register/csv.hpp"
#include "sim/register/register_import.hpp"
#include "sim/io/world_builder.hpp"
#include "sim/io/world_file.hpp"

namespace schoolsim::cli {
namespace {

namespace fs = std::filesystem;
namespace reg = school_register;

/// Refuses an output path before any work: missing folder, a folder, or an existing file
/// without --force.
void check_output_path(const fs::path& out, bool force) {
  if (const std::string problem = output_path_problem(out, force); !problem.empty()) throw InputError(problem);
}

/// The scenario `input` stands for: a scenario file, or the default scenario on a world file;
/// `scenario_dir` receives the folder relative world paths are resolved against.
Scenario scenario_of_input(const std::string& input, const std::vector<std::string>& sets, fs::path& scenario_dir) {
  // Checked before the first read: a FIFO would block it, a folder or device is no input.
  if (const std::string why = io::regular_file_problem(input); !why.empty()) throw InputError(input + ": " + why);
  if (is_hdf5_file(input)) {
    static_cast<void>(read_world_file(input));  // a clear message if it is not a world file
    Scenario s = config::load_scenario_text("", "default scenario", sets);
    s.world.file = fs::absolute(input).string();
    return s;
  }
  scenario_dir = fs::path(input).parent_path();
  return config::load_scenario_file(input, sets);
}

}  // namespace

WorldCommands::WorldCommands(CLI::App& app) {
  world_ =
      app.add_subcommand("world", "School register worlds: import England's register (GIAS CSV), inspect world files");
  world_->require_subcommand(1);

  import_ = world_->add_subcommand("import",
                                   "Import a school register CSV (GIAS layout) into a world file (docs/register.md)");
  import_->add_option("register", register_path_, "Register CSV (GIAS 'all establishment data', Windows-1252)")
      ->required();
  import_->add_option("-o,--output", output_, "World file to write (.h5)")->required();
  import_->add_flag("--force", force_, "Replace an existing world file");
  import_->add_option("--max-bad-share", max_bad_share_, "Fail (exit 2) if more than this share of rows is malformed")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  import_->add_option("--attainment", attainment_, "School-level attainment CSV keyed by URN (KS2/KS4; repeatable)")
      ->allow_extra_args(false);
  import_
      ->add_option("--attainment-column", attainment_columns_,
                   "Attainment column to use (repeatable; the first present in a file is used; "
                   "default ATT8SCR, PTRWM_EXP, attainment8_average)")
      ->allow_extra_args(false);
  import_->add_option(
      "--primary-phases", primary_phases_,
      "PhaseOfEducation values mapped to primary, ';'-separated (default: Primary;Middle deemed primary)");
  import_->add_option("--secondary-phases", secondary_phases_,
                      "PhaseOfEducation values mapped to secondary, ';'-separated "
                      "(default: Secondary;Middle deemed secondary;All-through)");
  import_->add_option("--open-statuses", open_statuses_,
                      "EstablishmentStatus values kept, ';'-separated (default: Open;Open, but proposed to close)");
  import_->add_option("--type-groups", type_groups_,
                      "EstablishmentTypeGroup values kept, ';'-separated "
                      "(default: Local authority maintained schools;Academies;Free Schools)");
  import_->add_flag("--any-type-group", any_type_group_, "Keep every EstablishmentTypeGroup");
  import_
      ->add_option("--missing-location", missing_location_,
                   "Schools without coordinates: la-mean (placed at their LA's mean location) or skip")
      ->check(CLI::IsMember({"la-mean", "skip"}))
      ->capture_default_str();
  import_->add_option("--encoding", encoding_, "Register encoding: auto, windows-1252 or utf-8")
      ->check(CLI::IsMember({"auto", "windows-1252", "cp1252", "utf-8", "utf8"}))
      ->capture_default_str();
  import_->add_flag("-q,--quiet", quiet_, "Do not print the import report");

  info_ = world_->add_subcommand("info", "Print a world file's size and import report");
  info_->add_option("world", world_path_, "World file (.h5)")->required();

  describe_ = world_->add_subcommand(
      "describe",
      "Print each LA's schools, places, mean disadvantage and centre, and the LAs of each region of a scenario "
      "(lists and rules evaluated on its world): what treated LAs are chosen from");
  describe_->add_option("input", input_, "World file (.h5) or scenario (.yaml)")->required();
  describe_->add_option("--set", sets_, "Override a scenario parameter: KEY.PATH=VALUE (repeatable)")
      ->allow_extra_args(false);
  describe_->add_option("--csv", csv_, "Write the LA table as CSV (one row per LA) instead of printing it");
  describe_->add_flag("--force", force_, "Replace an existing CSV file");

  capacity_ = app.add_subcommand(
      "capacity",
      "NFER capacity analysis: high-performing schools near each school in need, by LA, region and nationally");
  capacity_->add_option("input", input_, "World file (.h5) or scenario (.yaml)")->required();
  capacity_
      ->add_option("--radius-primary", radius_primary_,
                   "Search radius for primary schools, km (default brokering.broker_radius_km)")
      ->check(CLI::Range(0.0, 1000.0));
  capacity_
      ->add_option("--radius-secondary", radius_secondary_,
                   "Search radius for secondary schools, km (default brokering.broker_radius_km)")
      ->check(CLI::Range(0.0, 1000.0));
  auto* same =
      capacity_->add_flag("--same-la", same_la_, "Count only supporters in the school's LA (the LA brokers' rule)");
  auto* any = capacity_->add_flag("--any-la", any_la_, "Count supporters in any LA (NFER's radius search)");
  same->excludes(any);
  capacity_->add_option("-o,--output", output_, "HDF5 file with summaries and the school and pair tables");
  capacity_->add_option("--csv", csv_, "CSV of the summaries (national, region, LA; by phase)");
  capacity_->add_option("--schools-csv", schools_csv_, "CSV of the schools in need with their supporters");
  capacity_->add_option("--set", sets_, "Override a scenario parameter: KEY.PATH=VALUE (repeatable)")
      ->allow_extra_args(false);
  capacity_->add_flag("--force", force_, "Replace existing output files");
  capacity_->add_flag("-q,--quiet", quiet_, "Do not print the summary");
}

bool WorldCommands::selected() const { return world_->parsed() || capacity_->parsed(); }

int WorldCommands::run(const std::string& history) const {
  if (import_->parsed()) return run_reporting_errors([&] { return import_world(history); });
  if (info_->parsed()) return run_reporting_errors([&] { return world_info(); });
  if (describe_->parsed()) return run_reporting_errors([&] { return describe_world(); });
  if (capacity_->parsed()) return run_reporting_errors([&] { return capacity(history); });
  return kExitInputError;
}

int WorldCommands::import_world(const std::string& history) const {
  const auto t0 = std::chrono::steady_clock::now();
  check_output_path(output_, force_);
  // CLI::Range lets NaN through (every comparison with NaN is false).
  if (!(max_bad_share_ >= 0 && max_bad_share_ <= 1)) throw InputError("--max-bad-share: expected a share in [0, 1]");
  reg::ImportRules rules;
  rules.max_bad_share = max_bad_share_;
  rules.encoding = reg::parse_encoding(encoding_);
  rules.missing_location = missing_location_ == "skip" ? reg::MissingLocation::Skip : reg::MissingLocation::LaMean;
  auto list = [](const std::string& option, const std::string& text, std::vector<std::string>& into) {
    if (text.empty()) return;
    into = reg::split_list(text);
    if (into.empty()) throw InputError(option + ": empty list");
  };
  list("--primary-phases", primary_phases_, rules.primary_phases);
  list("--secondary-phases", secondary_phases_, rules.secondary_phases);
  list("--open-statuses", open_statuses_, rules.open_statuses);
  list("--type-groups", type_groups_, rules.type_groups);
  if (any_type_group_) rules.type_groups.clear();
  for (const auto& p : rules.primary_phases)
    for (const auto& q : rules.secondary_phases)
      if (reg::same_text(p, q)) throw InputError("phase '" + p + "' is mapped to both primary and secondary");

  std::vector<reg::AttainmentTable> tables;
  const auto& columns = attainment_columns_.empty() ? reg::default_attainment_columns() : attainment_columns_;
  for (const auto& file : attainment_) tables.push_back(reg::read_attainment_file(file, columns, rules.encoding));
  reg::ImportResult result = reg::import_register_file(register_path_, rules, tables);
  result.world.attributes.insert(result.world.attributes.begin(), io::Attribute{"history", history});
  write_world_file(output_, force_, result.world);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet_) {
    std::cout << result.report.text();
    std::cout << "wrote " << output_ << " (" << result.world.size() << " schools) in " << secs << " s\n";
  }
  return kExitOk;
}

int WorldCommands::world_info() const {
  const WorldFileData d = read_world_file(world_path_);
  std::int64_t phase[2] = {0, 0};
  for (auto p : d.phase) ++phase[p];
  std::cout << world_path_ << ": " << d.size() << " schools (" << phase[0] << " primary, " << phase[1]
            << " secondary) in " << d.la_code.size() << " LAs, " << d.trust_name.size() << " trusts"
            << (d.has_attainment ? ", with initial attainment" : "") << "\n";
  for (const auto& a : d.attributes)
    if (a.name == "import_report" && std::holds_alternative<std::string>(a.value))
      std::cout << "import report:\n" << std::get<std::string>(a.value);
  return kExitOk;
}

int WorldCommands::describe_world() const {
  if (!csv_.empty()) check_output_path(csv_, force_);
  fs::path scenario_dir;
  const Scenario s = scenario_of_input(input_, sets_, scenario_dir);
  const World w = build_world(s, scenario_dir);
  if (!csv_.empty())
    io::write_text_file_atomic(csv_, force_, io::la_table_csv(s, w));
  else
    std::cout << io::la_table_text(s, w);
  return kExitOk;
}

int WorldCommands::capacity(const std::string& history) const {
  for (const auto& out : {output_, csv_, schools_csv_})
    if (!out.empty()) check_output_path(out, force_);
  if (std::isnan(radius_primary_) || std::isnan(radius_secondary_))  // CLI::Range lets NaN through
    throw InputError("--radius-primary/--radius-secondary: expected a distance in km, got nan");
  fs::path scenario_dir;
  const Scenario s = scenario_of_input(input_, sets_, scenario_dir);
  analysis::CapacityOptions options;
  options.radius = {radius_primary_ >= 0 ? radius_primary_ : s.brokering.broker_radius_km,
                    radius_secondary_ >= 0 ? radius_secondary_ : s.brokering.broker_radius_km};
  options.same_la = any_la_ ? false : same_la_ ? true : !s.brokering.cross_border;
  const World w = build_world(s, scenario_dir, options.radius);
  const State st =
      initial_state(s, w, static_cast<std::uint64_t>(s.run.seed), static_cast<std::uint32_t>(s.run.replicate));
  const analysis::CapacityResult r = analysis::analyse_capacity(s, w, st, options);
  if (!output_.empty()) {
    io::Attributes attributes = {{"history", history},
                                 {"input", input_},
                                 {"scenario_name", s.name},
                                 {"scenario_yaml", config::to_yaml(s)},
                                 {"seed", static_cast<std::int64_t>(s.run.seed)},
                                 {"replicate", static_cast<std::int64_t>(s.run.replicate)}};
    io::write_capacity_file(output_, force_, r, w, st, attributes);
  }
  if (!csv_.empty()) io::write_capacity_summary_csv(csv_, force_, r, w);
  if (!schools_csv_.empty()) io::write_capacity_schools_csv(schools_csv_, force_, r, w, st);
  if (!quiet_) std::cout << io::capacity_summary_text(r);
  return kExitOk;
}

}  // namespace schoolsim::cli
