#include "sim/config/yaml_reader.hpp"

#include <algorithm>

#include "sim/config/bounded_read.hpp"
#include "sim/config/did_you_mean.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/numbers.hpp"

namespace schoolsim::config {
namespace {

/// What a ParserException means: "bad file" is yaml-cpp's nesting limit, "illegal map value"
/// after a very long line is YAML's limit on the length of a plain key.
std::string yaml_parse_problem(const YAML::ParserException& e) {
  if (e.msg == "bad file")
    return "nested deeper than " + std::to_string(kYamlMaxDepth) + " levels (the YAML reader's limit)";
  // The parser stops at the ':' after a key: beyond column 1024 the key is too long for YAML.
  if (e.msg == "illegal map value" && e.mark.column > static_cast<int>(kYamlMaxKeyLength))
    return "a key longer than " + std::to_string(kYamlMaxKeyLength) + " characters (YAML's limit for a key)";
  return e.msg;
}

}  // namespace

std::string read_yaml_file_text(const std::filesystem::path& path) {
  // Bounded: a huge file, /dev/zero or an endless pipe is refused, not read into memory.
  io::BoundedRead read = io::read_bounded(path, io::kMaxYamlBytes);
  if (!read.problem.empty()) throw ConfigError({Problem{{path.string()}, "", read.problem, ""}});
  if (read.bytes.find('\0') != std::string::npos)
    throw ConfigError({Problem{{path.string()}, "", "not a YAML text file (binary data)", ""}});
  return std::move(read.bytes);
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError({Problem{location_of(source, e.mark), "", "malformed YAML: " + yaml_parse_problem(e), ""}});
  }
}

Location location_of(const std::string& file, const YAML::Mark& mark) {
  if (mark.line < 0) return Location{file};
  return Location{file, mark.line + 1, mark.column + 1};
}

std::string describe_node(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  std::string out = "'";  // appended: GCC 12 warns of a false memcpy overlap (-Wrestrict) for "'" + ...
  out += shortened(n.Scalar());
  out += '\'';
  return out;
}

std::string merge_key_problem() { return "YAML merge keys ('<<') are not supported: write the keys out in full"; }

bool read_integer_option(const YAML::Node& n, const std::string& key, long long lo, long long hi, std::int64_t& out,
                         YamlProblems& p) {
  long long v = 0;
  const bool read = read_integer(n, v);
  // A whole number too large for an integer is out of range, not "not an integer".
  if (!read && !(n.IsScalar() && is_integer_literal(n.Scalar()))) {
    p.add(n.Mark(), key, "expected an integer, got " + describe_node(n));
    return false;
  }
  if (!read || v < lo || v > hi) {
    p.add(n.Mark(), key, out_of_range(n.Scalar(), lo, hi));
    return false;
  }
  out = v;
  return true;
}

namespace detail {

bool key_problem(const YAML::Node& key_node, const std::string& prefix, const std::vector<std::string>& known,
                 std::set<std::string>& seen, YamlProblems& p, MapEntry& entry) {
  if (!key_node.IsScalar()) {
    p.add(key_node.Mark(), prefix, "keys must be plain names");
    return true;
  }
  entry.name = key_node.Scalar();
  entry.key = prefix.empty() ? entry.name : prefix + "." + entry.name;
  if (entry.name == "<<") {
    p.add(key_node.Mark(), entry.key, merge_key_problem());
    return true;
  }
  if (!seen.insert(entry.name).second) {
    p.add(key_node.Mark(), entry.key, "duplicate key");
    return true;
  }
  if (!known.empty() && std::find(known.begin(), known.end(), entry.name) == known.end()) {
    p.add(key_node.Mark(), entry.key, "unknown key", p.full() ? "" : closest_key(entry.name, known));
    return true;
  }
  return false;
}

}  // namespace detail
}  // namespace schoolsim::config
