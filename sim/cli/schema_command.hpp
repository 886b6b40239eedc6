#pragma once
// `schoolsim schema`: the output schema (sim/run/output_schema.hpp) - every dimension and
// variable of run and sweep files with its dims, type, attributes and the condition under
// which a file holds it. --json for programs (the Python tests check engine-written files
// against it), --markdown for the tables of docs/output_format.md, else a readable table.
#include <CLI/CLI.hpp>

namespace schoolsim::cli {

class SchemaCommand {
 public:
  /// Registers `schema` on `app`.
  explicit SchemaCommand(CLI::App& app);
  SchemaCommand(const SchemaCommand&) = delete;
  SchemaCommand& operator=(const SchemaCommand&) = delete;

  bool selected() const;
  /// Prints the schema; exit status 0.
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  bool json_ = false;
  bool markdown_ = false;
};

}  // namespace schoolsim::cli
