#pragma once
// yaml-cpp's parser messages, explained: "bad file" is its nesting limit, "illegal map value"
// after a very long line is YAML's limit on the length of a plain key.
#include <yaml-cpp/yaml.h>

#include <string>

namespace schoolsim::config {

/// yaml-cpp refuses nesting deeper than this (lists or mappings inside each other).
inline constexpr int kYamlMaxDepth = 500;
/// YAML limits a key written without '?' to 1024 characters.
inline constexpr std::size_t kYamlMaxKeyLength = 1024;

/// What a ParserException means, for "file:line:col: malformed YAML: <this>".
inline std::string yaml_parse_problem(const YAML::ParserException& e) {
  if (e.msg == "bad file")
    return "nested deeper than " + std::to_string(kYamlMaxDepth) + " levels (the YAML reader's limit)";
  // The parser stops at the ':' after a key: beyond column 1024 the key is too long for YAML.
  if (e.msg == "illegal map value" && e.mark.column > static_cast<int>(kYamlMaxKeyLength))
    return "a key longer than " + std::to_string(kYamlMaxKeyLength) + " characters (YAML's limit for a key)";
  return e.msg;
}

/// The message for a YAML merge key ("<<: *defaults"), which the reader does not expand.
inline std::string merge_key_problem() {
  return "YAML merge keys ('<<') are not supported: write the keys out in full";
}

}  // namespace schoolsim::config
