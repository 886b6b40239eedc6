#pragma once
// Checking and echoing text from input files.
//
// Control characters in text values (a NUL from "\0" in a double-quoted YAML string, an
// escape sequence, a carriage return) are refused when a file is validated: HDF5 refuses NUL
// in attributes only after the simulation ran, and terminals and CSV readers misread the rest.
#include <cstdio>
#include <string>
#include <string_view>

namespace schoolsim::config {

/// "" if `text` holds no control character (C0, DEL), else what is wrong, e.g. "contains a
/// control character (NUL, U+0000) at character 3; text values may not contain control
/// characters". With `multi_line`, line feeds and tabs are allowed (descriptions).
inline std::string control_character_problem(std::string_view text, bool multi_line = false) {
  static const char* const names[32] = {"NUL", "SOH",       "STX", "ETX",       "EOT", "ENQ",       "ACK",
                                        "BEL", "backspace", "tab", "line feed", "VT",  "form feed", "carriage return",
                                        "SO",  "SI",        "DLE", "DC1",       "DC2", "DC3",       "DC4",
                                        "NAK", "SYN",       "ETB", "CAN",       "EM",  "SUB",       "escape",
                                        "FS",  "GS",        "RS",  "US"};
  for (std::size_t k = 0; k < text.size(); ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    if (c >= 0x20 && c != 0x7F) continue;
    if (multi_line && (c == '\n' || c == '\t')) continue;
    char code[8];
    std::snprintf(code, sizeof code, "U+%04X", c);
    return std::string("contains a control character (") + (c == 0x7F ? "DEL" : names[c]) + ", " + code +
           ") at character " + std::to_string(k + 1) + "; text values may not contain control characters";
  }
  return "";
}

/// `text` for an error message, cut to `max` characters with its length noted, so a
/// 5,000-digit number or a pasted paragraph does not flood the terminal.
inline std::string shortened(std::string_view text, std::size_t max = 40) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "... (" + std::to_string(text.size()) + " characters)";
}

}  // namespace schoolsim::config
