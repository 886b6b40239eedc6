#include "sim/cli/schema_command.hpp"

#include <iostream>

#include "sim/cli/command_errors.hpp"
#include "sim/core/errors.hpp"
#include "sim/run/output_schema.hpp"

namespace schoolsim::cli {

SchemaCommand::SchemaCommand(CLI::App& app) {
  command_ = app.add_subcommand("schema", "List every output variable: dims, type, units, when a file holds it");
  auto* json = command_->add_flag("--json", json_, "As JSON (dimensions and variables with all their attributes)");
  command_->add_flag("--markdown", markdown_, "The variable tables of docs/output_format.md")->excludes(json);
}

bool SchemaCommand::selected() const { return command_->parsed(); }

int SchemaCommand::run() const {
  return run_reporting_errors([&] {
    std::cout << (json_ ? output::to_json() : markdown_ ? output::to_markdown() : output::to_text());
    return kExitOk;
  });
}

}  // namespace schoolsim::cli
