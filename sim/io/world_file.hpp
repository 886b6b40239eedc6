#pragma once
// World files: the schools of a school register import (`schoolsim world import`), stored
// as a netCDF-4-compatible HDF5 file (layout in docs/register.md "World file"), and loaded
// as a World by scenarios with `world: {file: WORLD.h5}`.
#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/world.hpp"

namespace schoolsim {

/// A world file that cannot be read or is not a valid schoolsim world; names the file.
class WorldFileError : public InputError {
 public:
  using InputError::InputError;
};

/// The contents of a world file. Schools are ordered by URN; LAs by LA code; trusts by name.
struct WorldFileData {
  // Per school.
  std::vector<std::int32_t> urn;
  std::vector<std::string> name;
  std::vector<std::int8_t> phase;      ///< 0 primary, 1 secondary
  std::vector<std::int32_t> la;        ///< LA index 0..L-1
  std::vector<double> x, y;            ///< km (British National Grid / 1000)
  std::vector<double> disadvantage;    ///< FSM share, 0..1
  std::vector<double> places, pupils;  ///< pupils <= places
  std::vector<std::int8_t> grade;      ///< initial grade 1..4, 0 unknown
  std::vector<std::int8_t> academy;    ///< 1 academy, 0 maintained, -1 unknown
  std::vector<std::int32_t> trust;     ///< trust index, -1 none
  std::vector<double> attainment;      ///< initial attainment z-score within phase, NaN unknown
  // Per LA.
  std::vector<std::int32_t> la_code;
  std::vector<std::string> la_name, la_region;
  // Per trust.
  std::vector<std::string> trust_name;
  bool has_trusts = false;      ///< the register had a trust column (else the model forms initial MATs)
  bool has_attainment = false;  ///< attainment files were given
  /// Provenance and the import report, written as global attributes.
  io::Attributes attributes;

  std::size_t size() const { return urn.size(); }
};

/// Writes a world file (temporary name, renamed when complete; an existing file is replaced
/// only with `overwrite`). Throws io::OutputError on failure.
void write_world_file(const std::filesystem::path& path, bool overwrite, const WorldFileData& data);

/// Reads and checks a world file. Throws WorldFileError naming the file and the problem.
WorldFileData read_world_file(const std::filesystem::path& path);

/// The model world of world-file data, with neighbour lists covering `radius` per phase,
/// the register's initial values (World::initial) and labels (World::labels).
World world_from_data(const WorldFileData& data, const std::array<double, kPhases>& radius);

/// read_world_file + world_from_data.
World load_world_file(const std::filesystem::path& path, const std::array<double, kPhases>& radius);

/// Whether the file starts with the HDF5 signature (a world file rather than a scenario).
bool is_hdf5_file(const std::filesystem::path& path);

}  // namespace schoolsim
