#pragma once
// The digest of a sweep's world, variable by variable (named as in a world file), so that
// `--resume` refuses a journal whose runs were made on another world and says what changed
// ("world file world.h5 changed since the sweep started: school_pupils differs").
// Everything of the world that enters a run or the sweep file is covered: locations,
// phase, LA, disadvantage, places, the register's initial rolls, grades, governance,
// trusts and attainment, and the labels (URN, names, LA codes, names and regions).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/world.hpp"

namespace schoolsim::sweep {

struct WorldDigest {
  std::string source;                                            ///< the world file, or empty for a synthetic world
  std::vector<std::pair<std::string, std::uint64_t>> variables;  ///< (name, FNV-1a of its size and values)

  /// One number for the sweep fingerprint.
  std::uint64_t combined() const;
  /// Lines for a journal's manifest: "world_source PATH" and "world NAME HEX".
  std::string manifest_lines() const;
  /// Why a manifest written for another world does not match this one ("world file X
  /// changed since the sweep started: school_pupils differs"); empty if its world lines
  /// are this world's (or it has none).
  std::string change_since(const std::string& manifest) const;
};

WorldDigest digest_world(const World& world, const std::string& source);

}  // namespace schoolsim::sweep
