// Windows-1252 -> UTF-8: bytes 0x00-0x7F and 0xA0-0xFF are the Unicode code points of the
// same value (as in Latin-1); 0x80-0x9F map through the table below (the Unicode
// consortium's cp1252 mapping, which glibc's iconv "WINDOWS-1252" also uses; the unit tests
// compare the two byte by byte).
#include "sim/register/encoding.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <stdexcept>

namespace schoolsim::school_register {
namespace {

constexpr char32_t kUndefined = 0;
constexpr std::array<char32_t, 32> kHigh = {
    0x20AC,     kUndefined, 0x201A, 0x0192, 0x201E, 0x2026,     0x2020, 0x2021,  // 0x80
    0x02C6,     0x2030,     0x0160, 0x2039, 0x0152, kUndefined, 0x017D, kUndefined,
    kUndefined, 0x2018,     0x2019, 0x201C, 0x201D, 0x2022,     0x2013, 0x2014,  // 0x90
    0x02DC,     0x2122,     0x0161, 0x203A, 0x0153, kUndefined, 0x017E, 0x0178};

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

const char* to_string(Encoding e) {
  switch (e) {
    case Encoding::Auto: return "auto";
    case Encoding::Cp1252: return "windows-1252";
    case Encoding::Utf8: return "utf-8";
  }
  return "?";
}

Encoding parse_encoding(std::string_view name) {
  const std::string n = lower(name);
  if (n == "auto") return Encoding::Auto;
  if (n == "cp1252" || n == "windows-1252") return Encoding::Cp1252;
  if (n == "utf-8" || n == "utf8") return Encoding::Utf8;
  throw std::invalid_argument("unknown encoding '" + std::string(name) + "' (use auto, windows-1252 or utf-8)");
}

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    char32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07, min = 0x10000;
    else
      return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

std::string cp1252_to_utf8(std::string_view bytes, std::size_t* undefined) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 16);
  std::size_t bad = 0;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out += ch;
    } else if (b < 0xA0) {
      const char32_t c = kHigh[b - 0x80];
      if (c == kUndefined) ++bad;
      append_utf8(out, c == kUndefined ? 0xFFFD : c);
    } else {
      append_utf8(out, b);
    }
  }
  if (undefined) *undefined = bad;
  return out;
}

Decoded decode(std::string_view bytes, Encoding encoding) {
  Decoded d;
  if (bytes.substr(0, kBom.size()) == kBom) {
    d.text = std::string(bytes.substr(kBom.size()));
    d.used = Encoding::Utf8;
    return d;
  }
  const bool utf8 = is_valid_utf8(bytes);
  if (encoding == Encoding::Utf8 && !utf8)
    throw std::invalid_argument("the text is not valid UTF-8 (is it Windows-1252? try --encoding windows-1252)");
  if (encoding == Encoding::Utf8 || (encoding == Encoding::Auto && utf8)) {
    d.text = std::string(bytes);
    d.used = Encoding::Utf8;
  } else {
    d.text = cp1252_to_utf8(bytes, &d.undefined);
    d.used = Encoding::Cp1252;
  }
  return d;
}

}  // namespace schoolsim::school_register
