#pragma once
// Output of `schoolsim capacity` (docs/register.md "Capacity analysis"): an HDF5 file
// (netCDF-4 compatible, NcWriter) with summaries by LA, region and nationally and the
// tables of schools in need and (school in need, supporter) pairs; CSV files of the
// summaries and of the schools in need; a plain-text summary for the terminal.
#include <filesystem>
#include <string>

#include "sim/capacity/capacity.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/core/world.hpp"

namespace schoolsim::io {

/// Writes the HDF5 file. `attributes` (history, input, scenario) become global attributes.
void write_capacity_file(const std::filesystem::path& path, bool overwrite, const analysis::CapacityResult& r,
                         const World& w, const State& st, const Attributes& attributes);

/// One row per group: level (national, region, la), name, code, phase (primary, secondary,
/// all), schools, high_performing, in_need, ratio, median_supporters, without_supporter.
void write_capacity_summary_csv(const std::filesystem::path& path, bool overwrite, const analysis::CapacityResult& r,
                                const World& w);

/// One row per school in need with its supporters (ids, URNs and distances, nearest first).
void write_capacity_schools_csv(const std::filesystem::path& path, bool overwrite, const analysis::CapacityResult& r,
                                const World& w, const State& st);

/// The national (and per-region) summary as an aligned text table.
std::string capacity_summary_text(const analysis::CapacityResult& r);

/// Writes `text` to `path` under a temporary name renamed when complete; an existing file is
/// replaced only with `overwrite`. Throws OutputError naming the file.
void write_text_file_atomic(const std::filesystem::path& path, bool overwrite, const std::string& text);

}  // namespace schoolsim::io
