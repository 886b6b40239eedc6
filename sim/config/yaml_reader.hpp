#pragma once
// The one YAML reading layer of the configuration front end: file -> text (regular files
// only, bounded, no binary data) -> node with line and column, and the shared checks of a
// mapping's keys. Scenarios, sweep specs and calibration targets files all read through it.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "sim/config/problem.hpp"

namespace schoolsim::config {

/// yaml-cpp refuses nesting deeper than this (lists or mappings inside each other).
inline constexpr int kYamlMaxDepth = 500;
/// YAML limits a key written without '?' to 1024 characters.
inline constexpr std::size_t kYamlMaxKeyLength = 1024;

/// The text of a YAML file: a regular file (symbolic links followed) of at most
/// io::kMaxYamlBytes without NUL bytes. Throws ConfigError "PATH: no such file", "PATH: not a
/// regular file (a FIFO)", "PATH: is too large (...)", "PATH: not a YAML text file (binary data)".
std::string read_yaml_file_text(const std::filesystem::path& path);

/// Parses YAML text; `source` names it in messages. A syntax error is a ConfigError
/// "SOURCE:LINE:COL: malformed YAML: what". Empty text is a null node.
YAML::Node parse_yaml(const std::string& text, const std::string& source);

/// A yaml-cpp mark (0-based) as a location in `file` (1-based); no line for a node built in code.
Location location_of(const std::string& file, const YAML::Mark& mark);

/// "a mapping", "a list", "nothing" or the scalar quoted and shortened ("'lots'").
std::string describe_node(const YAML::Node& n);

/// The message for a YAML merge key ("<<: *defaults"), which the readers do not expand.
std::string merge_key_problem();

/// Problems of one YAML input, placed by the marks of its nodes.
class YamlProblems : public Problems {
 public:
  using Problems::add;
  using Problems::Problems;
  void add(const YAML::Mark& mark, const std::string& key, const std::string& message,
           const std::string& suggestion = "") {
    add(location_of(source(), mark), key, message, suggestion);
  }
};

/// Reads an integer option within [lo, hi] ("replicates", "design.n"), adding "expected an
/// integer, got 'x'" or "value x is out of range [lo, hi]" to `p`; false on a problem.
bool read_integer_option(const YAML::Node& n, const std::string& key, long long lo, long long hi, std::int64_t& out,
                         YamlProblems& p);

/// One key of a mapping, checked by for_each_key.
struct MapEntry {
  std::string name;  ///< the key itself
  std::string key;   ///< its key path as shown in messages ("design.levels")
  YAML::Node key_node, value;
};

/// Calls `f(entry)` for each key of `map` that is a plain name, not a merge key, not a
/// repeat and (when `known` is not empty) one of `known`; each other key is a problem named
/// `prefix.name` ("unknown key (did you mean 'x'?)", "duplicate key", "keys must be plain names").
template <class F>
void for_each_key(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& known,
                  YamlProblems& p, F&& f);

namespace detail {
/// The problem with one key of a mapping, or false when it is fine (and added to `seen`).
bool key_problem(const YAML::Node& key_node, const std::string& prefix, const std::vector<std::string>& known,
                 std::set<std::string>& seen, YamlProblems& p, MapEntry& entry);
}  // namespace detail

template <class F>
void for_each_key(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& known,
                  YamlProblems& p, F&& f) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    MapEntry entry;
    if (detail::key_problem(kv.first, prefix, known, seen, p, entry)) continue;
    entry.key_node = kv.first;
    entry.value = kv.second;
    f(entry);
  }
}

}  // namespace schoolsim::config
