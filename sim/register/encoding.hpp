#pragma once
// Text encodings of school register files. England's register (GIAS) is written in
// Windows-1252; the importer converts it to UTF-8, the encoding of every string schoolsim
// stores (docs/register.md).
#include <cstddef>
#include <string>
#include <string_view>

namespace schoolsim::school_register {

enum class Encoding { Auto, Cp1252, Utf8 };

/// "auto", "windows-1252" or "utf-8".
const char* to_string(Encoding e);
/// Parses "auto", "cp1252"/"windows-1252", "utf-8"/"utf8" (case-insensitive); throws
/// std::invalid_argument otherwise.
Encoding parse_encoding(std::string_view name);

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Converts Windows-1252 bytes to UTF-8. The five bytes Windows-1252 leaves undefined
/// (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD and are counted in `*undefined` if given.
std::string cp1252_to_utf8(std::string_view bytes, std::size_t* undefined = nullptr);

struct Decoded {
  std::string text;                ///< UTF-8, without a byte-order mark
  Encoding used = Encoding::Utf8;  ///< Cp1252 or Utf8
  std::size_t undefined = 0;       ///< bytes undefined in Windows-1252 (replaced by U+FFFD)
};

/// Decodes a file's bytes. A UTF-8 byte-order mark means UTF-8 and is removed. `Auto` reads
/// text that is valid UTF-8 as UTF-8 and anything else as Windows-1252 (a Windows-1252 file
/// with accented letters is almost never valid UTF-8; a pure-ASCII file is both). `Utf8`
/// with text that is not valid UTF-8 throws std::invalid_argument.
Decoded decode(std::string_view bytes, Encoding encoding);

}  // namespace schoolsim::school_register
