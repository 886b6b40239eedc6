#pragma once
// Key paths: "brokering.w_gap" names a scenario parameter; "programmes[0].budget" and
// "programmes[city_challenge].budget" name a parameter of one entry of a list, by index or
// (where entries have names) by name. One parser and resolver serves `--set`, a sweep's `set:`
// block and swept parameters (docs/sweeps.md, "Key paths").
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "sim/config/param_table.hpp"

namespace schoolsim::config {

struct KeyPath {
  std::string text;      ///< as written
  std::string list;      ///< "programmes", "funding.changes" or "practice.labour_changes"; "" for a scenario key
  std::string selector;  ///< between the brackets: an index ("0") or an entry name ("city_challenge")
  std::string field;     ///< the key below the entry ("budget"), or the whole scenario key
  bool entry() const { return !list.empty(); }
};

/// Parses `text` into `out`: "" when well formed, else what is wrong ("no ']' closes the '['
/// after 'programmes'", "empty name", ...). Only the syntax is checked here.
std::string parse_key_path(const std::string& text, KeyPath& out);

/// A list-entry key path resolved against a scenario: the entry's index and its parameter.
struct EntryKey {
  std::string list;
  std::size_t index = 0;
  std::string field;
  std::string canonical;  ///< by index: "programmes[0].budget"
  std::variant<const Param<Programme>*, const Param<FundingChange>*, const Param<LabourChange>*> param;
};

/// Resolves a parsed list-entry path against `s` (whose lists decide which entries exist):
/// "" on success, else the problem, naming how many entries there are for an unknown index
/// and the closest entry name for an unknown name. `owner` says whose lists these are in
/// messages ("the scenario", "the base scenario (after 'set:')").
std::string resolve_entry(const KeyPath& path, const Scenario& s, EntryKey& out,
                          const std::string& owner = "the scenario");

/// The type name of the parameter `text` names in `s` ("real", "integer", "text", ... as
/// type_name), or "" when it names none: for callers that treat integers apart (--params).
std::string parameter_type(const std::string& text, const Scenario& s);

/// The key path with entries by index ("programmes[city_challenge].end" -> "programmes[0].end"),
/// or `text` itself when it names no entry or does not resolve.
std::string canonical_key(const std::string& text, const Scenario& s);

}  // namespace schoolsim::config
