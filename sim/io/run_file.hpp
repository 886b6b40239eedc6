#pragma once
// Writes one run's results as a netCDF-4 compatible HDF5 file (docs/output_format.md).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/io/nc_writer.hpp"
#include "sim/run/observation.hpp"
#include "sim/run/output_schema.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::io {

struct Provenance {
  std::string command_line;  ///< written as the CF `history` attribute
};

/// The output schema's attributes as the writer's.
Attributes to_attributes(const output::Attributes& a);
/// Adds a dimension of the output schema, with the values and attributes of `layout`.
void add_dimension(NcWriter& f, const output::Dimension& d, const output::Layout& layout);
/// Writes a whole variable of the output schema, its values computed from `source`.
void write_variable(NcWriter& f, const output::Variable& v, const output::Layout& layout, const output::Source& source);
/// What the run file of this run holds (the conditions and sizes of the output schema).
output::Layout run_layout(const Scenario& s, const World& w, const Recorder& r, const State& final_state);

/// Writes the run file under a temporary name and renames it into place when complete.
/// Throws OutputError (naming the path) if the file exists and `overwrite` is false, or on
/// any I/O failure; no partial file is ever left under `path`. `keep_going` is asked between
/// variables and before publishing: once it says false the temporary file is deleted and the
/// function returns false (nothing written), as a sweep's merge does on Ctrl-C.
bool write_run_file(const std::filesystem::path& path, bool overwrite, const Scenario& s, const World& w,
                    const Recorder& r, const State& final_state, const Provenance& provenance,
                    const std::function<bool()>& keep_going = {});

}  // namespace schoolsim::io
