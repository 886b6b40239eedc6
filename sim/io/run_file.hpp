#pragma once
// Writes one run's results as a netCDF-4 compatible HDF5 file (docs/output_format.md).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/run/observation.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/state.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::io {

struct Provenance {
  std::string command_line;  ///< written as the CF `history` attribute
};

class NcWriter;

/// The `la` and `region` dimensions and the table of LA characteristics (la_schools,
/// la_places, la_mean_disadvantage, region_la), in run and sweep files alike. Without regions
/// there is no `region` dimension.
void write_area_table(NcWriter& f, const World& w, const std::vector<OutputRegion>& regions);

/// Writes the run file under a temporary name and renames it into place when complete.
/// Throws OutputError (naming the path) if the file exists and `overwrite` is false, or on
/// any I/O failure; no partial file is ever left under `path`. `keep_going` is asked between
/// variables and before publishing: once it says false the temporary file is deleted and the
/// function returns false (nothing written), as a sweep's merge does on Ctrl-C.
bool write_run_file(const std::filesystem::path& path, bool overwrite, const Scenario& s, const World& w,
                    const Recorder& r, const State& final_state, const Provenance& provenance,
                    const std::function<bool()>& keep_going = {});

}  // namespace schoolsim::io
