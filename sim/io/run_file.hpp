#pragma once
// Writes one run's results as a netCDF-4 compatible HDF5 file (docs/output_format.md).
#include <filesystem>
#include <string>

#include "sim/observation.hpp"
#include "sim/scenario.hpp"
#include "sim/state.hpp"
#include "sim/world.hpp"

namespace schoolsim::io {

struct Provenance {
  std::string command_line;  ///< written as the CF `history` attribute
};

/// Writes the run file under a temporary name and renames it into place when complete.
/// Throws OutputError (naming the path) if the file exists and `overwrite` is false, or on
/// any I/O failure; no partial file is ever left under `path`.
void write_run_file(const std::filesystem::path& path, bool overwrite, const Scenario& s, const World& w,
                    const Recorder& r, const State& final_state, const Provenance& provenance);

}  // namespace schoolsim::io
