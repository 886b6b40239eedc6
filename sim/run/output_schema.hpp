#pragma once
// The output schema (docs/output_format.md): every dimension and variable of a run file,
// declared once with its name, dimensions, element type, attributes, the condition under
// which a file holds it and how its values are computed from the run's recorded data. Run
// files (sim/io/run_file.cpp), sweep files and their parts (sim/sweep/run_record.cpp,
// sim/sweep/sweep_file.cpp), `schoolsim schema` and the tables of docs/output_format.md
// are made from it. Adding an output variable is one entry in output_schema.cpp plus its test.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/state.hpp"
#include "sim/core/world.hpp"
#include "sim/run/observation.hpp"

namespace schoolsim::output {

/// The element types of variables; the numbers are those of sweep part files (run_journal.cpp).
enum class Dtype : std::uint8_t { I8 = 1, I16 = 2, I32 = 3, F32 = 5, F64 = 6 };
const char* dtype_name(Dtype t);  ///< numpy's name: int8, ..., float64

/// When a file holds a dimension or variable.
enum class Condition : std::uint8_t {
  Always,
  ByArea,           ///< metrics by area recorded (output.by_area; sweeps: the base scenario's)
  Regions,          ///< by area, and at least one region (world.regions or programmes)
  Programmes,       ///< the `programme` dimension: run files always, sweep files when P > 0
  ProgrammeEvents,  ///< run files only (sweep files have no programme event table)
  PerSchool,        ///< output.per_school (sweeps: write_per_school)
  Events,           ///< output.events
  SweepEvents,      ///< sweep files with events
  Sweep,            ///< sweep files only
};
const char* condition_name(Condition c);

/// The rows of a variable: one value set per file (from the world), per run (from the
/// Recorder: a sweep's per-run column), per partnership event or per programme event.
enum class Part : std::uint8_t { World, Run, Events, ProgrammeEvents };

using AttributeValue = std::variant<std::string, double, std::int64_t>;
struct Attribute {
  std::string name;
  AttributeValue value;
};
using Attributes = std::vector<Attribute>;

using Column = std::variant<std::vector<std::int8_t>, std::vector<std::int16_t>, std::vector<std::int32_t>,
                            std::vector<float>, std::vector<double>>;

/// What a variable's values are computed from; the pointers a part needs must be set
/// (World: world and regions; Run: recorder; Events: events; ProgrammeEvents: recorder).
struct Source {
  const World* world = nullptr;
  const std::vector<OutputRegion>* regions = nullptr;
  const Recorder* recorder = nullptr;
  const std::vector<Event>* events = nullptr;
  int max_members = 2;   ///< width of `member`
  std::int64_t run = 0;  ///< the run id (event_run)
};

struct Variable {
  std::string name;
  std::vector<std::string> dims;  ///< without a sweep file's leading `run`
  Dtype type = Dtype::F64;
  Attributes attrs;
  Condition condition = Condition::Always;
  Part part = Part::Run;
  std::string group;  ///< the table of docs/output_format.md that lists it
  std::string doc;    ///< the doc's "meaning" when it says more than long_name
  std::function<Column(const Source&)> values;
  std::string sweep_long_name;  ///< a different long_name in sweep files (empty: the same)
};

/// How a dimension's coordinate values are made.
enum class DimValues : std::uint8_t { Index, Labels, Grades, RegionNames, ProgrammeNames, RunIds };

struct Dimension {
  std::string name;
  DimValues values = DimValues::Index;
  Attributes attrs;
  Condition condition = Condition::Always;
  std::vector<std::string> labels;  ///< DimValues::Labels
  std::string size;                 ///< its size, as docs/output_format.md names it
  std::string sweep_long_name;      ///< a different long_name in sweep files (empty: the same)
};

/// Every dimension, in the order files add them.
const std::vector<Dimension>& dimensions();
/// Every variable, in the order files hold them.
const std::vector<Variable>& variables();
const Dimension& dimension(const std::string& name);  ///< std::invalid_argument if none

/// What one file holds: the configuration the conditions test, and the dimension sizes.
struct Layout {
  bool sweep = false;
  bool per_school = false;
  bool events = false;
  bool by_area = false;
  int terms = 0;  ///< observed terms (run.terms + 1)
  int schools = 0;
  int las = 0;
  int max_members = 2;
  std::int64_t n_events = 0;
  std::int64_t n_programme_events = 0;
  std::vector<std::string> regions, programmes;
  std::vector<std::int64_t> runs;  ///< the `run` coordinate of a sweep file
};

bool holds(Condition c, const Layout& layout);
std::size_t dimension_size(const Dimension& d, const Layout& layout);
/// Values per row (per run for Part::Run): the product of the variable's dimension sizes.
std::size_t values_per_row(const Variable& v, const Layout& layout);
/// The coordinate values of a dimension.
using DimensionValues = std::variant<std::vector<std::int32_t>, std::vector<std::int8_t>, std::vector<std::string>>;
DimensionValues dimension_values(const Dimension& d, const Layout& layout);
/// The attributes a file of `layout` gives a variable or dimension (sweep_long_name applied).
Attributes attributes_in(const Variable& v, const Layout& layout);
Attributes attributes_in(const Dimension& d, const Layout& layout);

/// The schema as JSON: {"dimensions": [...], "variables": [...]}, each with name, dims (or
/// size), dtype, attributes, sweep_attributes (when different), condition, part and group.
std::string to_json();
/// The variable tables of docs/output_format.md (between its schema markers).
std::string to_markdown();
/// A readable table: name, dims, dtype, units, condition.
std::string to_text();

}  // namespace schoolsim::output
