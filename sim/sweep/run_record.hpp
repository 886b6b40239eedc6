#pragma once
// One run's results in the shape of the sweep file (docs/sweeps.md): the variables a run
// contributes along `run` (the same names, types and attributes as a run file,
// docs/output_format.md) and its partnership events. Part files and the merged sweep file
// are written from it.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sim/io/nc_writer.hpp"
#include "sim/run/observation.hpp"
#include "sim/run/output_schema.hpp"
#include "sim/core/state.hpp"

namespace schoolsim::sweep {

using ElementType = output::Dtype;

/// A variable over (run, dims...).
struct VariableSchema {
  std::string name;
  std::vector<std::string> dims;  ///< without the leading `run`
  ElementType type = ElementType::F64;
  io::Attributes attrs;
  std::size_t size = 0;  ///< values per run
  bool per_school = false;
  const output::Variable* variable = nullptr;  ///< its entry in the output schema
};

struct RunSchema {
  int n_schools = 0;
  int n_terms = 0;  ///< observed terms (terms + 1)
  bool per_school = false;
  bool events = false;
  int n_las = 0;                          ///< > 0: metrics by LA (and by region) are recorded
  std::vector<std::string> regions;       ///< names along `region`
  std::vector<std::string> programmes;    ///< names along `programme` (budget and spending per run)
  std::vector<VariableSchema> variables;  ///< the output schema's per-run variables a sweep of this shape holds
};

/// The output schema's layout of a sweep file of `schema` (without runs, events or members).
output::Layout sweep_layout(const RunSchema& schema);

RunSchema make_run_schema(int n_schools, int terms, bool per_school, bool events, int n_las = 0,
                          std::vector<std::string> regions = {}, std::vector<std::string> programmes = {});

using Column = output::Column;

struct RunRecord {
  std::int64_t run_id = -1;
  std::int8_t status = 0;       ///< 0 ok, 1 failed
  std::string error;            ///< why it failed
  std::vector<Column> columns;  ///< one per schema variable; empty for a failed run
  std::vector<Event> events;
};

/// The record of a finished run.
RunRecord record_run(const RunSchema& schema, std::int64_t run_id, const Recorder& r, const State& final_state);
/// The record of a failed run.
RunRecord failed_run(std::int64_t run_id, std::string error);

}  // namespace schoolsim::sweep
