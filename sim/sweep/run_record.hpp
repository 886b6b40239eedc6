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
#include "sim/core/state.hpp"

namespace schoolsim::sweep {

enum class ElementType : std::uint8_t { I8 = 1, I16 = 2, I32 = 3, F32 = 5, F64 = 6 };

/// A variable over (run, dims...).
struct VariableSchema {
  std::string name;
  std::vector<std::string> dims;  ///< without the leading `run`
  ElementType type = ElementType::F64;
  io::Attributes attrs;
  std::size_t size = 0;  ///< values per run
  bool per_school = false;
};

struct RunSchema {
  int n_schools = 0;
  int n_terms = 0;  ///< observed terms (terms + 1)
  bool per_school = false;
  bool events = false;
  int n_las = 0;                        ///< > 0: metrics by LA (and by region) are recorded
  std::vector<std::string> regions;     ///< names along `region`
  std::vector<std::string> programmes;  ///< names along `programme` (budget and spending per run)
  std::vector<VariableSchema> variables;
};

RunSchema make_run_schema(int n_schools, int terms, bool per_school, bool events, int n_las = 0,
                          std::vector<std::string> regions = {}, std::vector<std::string> programmes = {});

using Column = std::variant<std::vector<std::int8_t>, std::vector<std::int16_t>, std::vector<std::int32_t>,
                            std::vector<float>, std::vector<double>>;

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
