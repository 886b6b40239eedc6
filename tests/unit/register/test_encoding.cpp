// Windows-1252 -> UTF-8 conversion (checked byte by byte against glibc's iconv) and the
// choice of encoding for a register file.
#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

#include "sim/register/encoding.hpp"

namespace {

using namespace schoolsim::school_register;

/// glibc's conversion of one byte, or "" if iconv rejects it.
std::string iconv_byte(unsigned char b) {
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  char in[1] = {static_cast<char>(b)};
  char out[8] = {};
  char* pin = in;
  char* pout = out;
  std::size_t nin = 1, nout = sizeof out;
  const std::size_t rc = iconv(cd, &pin, &nin, &pout, &nout);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) return "";
  return std::string(out, sizeof out - nout);
}

TEST(Encoding, Cp1252MatchesGlibcIconvForEveryByte) {
  int undefined = 0;
  for (int b = 0x01; b <= 0xFF; ++b) {
    const std::string expected = iconv_byte(static_cast<unsigned char>(b));
    std::size_t bad = 0;
    const std::string got = cp1252_to_utf8(std::string(1, static_cast<char>(b)), &bad);
    if (expected.empty()) {  // undefined in Windows-1252
      ++undefined;
      EXPECT_EQ(got, "\xEF\xBF\xBD") << "byte " << b;
      EXPECT_EQ(bad, 1u);
    } else {
      EXPECT_EQ(got, expected) << "byte " << b;
      EXPECT_EQ(bad, 0u);
    }
  }
  EXPECT_LE(undefined, 5);
}

TEST(Encoding, ConvertsTheCharactersOfSchoolNames) {
  EXPECT_EQ(cp1252_to_utf8("Sacr\xE9 C\x9Cur"), "Sacr\xC3\xA9 C\xC5\x93ur");  // é, œ
  EXPECT_EQ(cp1252_to_utf8("St Aidan\x92s"), "St Aidan\xE2\x80\x99s");        // ’
  EXPECT_EQ(cp1252_to_utf8("\x80 5"), "\xE2\x82\xAC 5");                      // €
  EXPECT_EQ(cp1252_to_utf8("plain ASCII, \"quoted\""), "plain ASCII, \"quoted\"");
}

TEST(Encoding, ValidatesUtf8) {
  EXPECT_TRUE(is_valid_utf8("Caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x8F\xAB"));
  EXPECT_FALSE(is_valid_utf8("Caf\xE9"));           // a Windows-1252 é
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x80"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

TEST(Encoding, AutoReadsWindows1252UnlessTheTextIsValidUtf8) {
  const Decoded cp = decode("URN,name\r\n1,Caf\xE9\r\n", Encoding::Auto);
  EXPECT_EQ(cp.used, Encoding::Cp1252);
  EXPECT_EQ(cp.text, "URN,name\r\n1,Caf\xC3\xA9\r\n");
  const Decoded utf = decode("URN,name\r\n1,Caf\xC3\xA9\r\n", Encoding::Auto);
  EXPECT_EQ(utf.used, Encoding::Utf8);
  EXPECT_EQ(utf.text, "URN,name\r\n1,Caf\xC3\xA9\r\n");
  const Decoded bom = decode("\xEF\xBB\xBFURN\r\n", Encoding::Auto);
  EXPECT_EQ(bom.used, Encoding::Utf8);
  EXPECT_EQ(bom.text, "URN\r\n");
  // Forcing Windows-1252 converts even valid UTF-8 bytes one by one.
  EXPECT_EQ(decode("\xC3\xA9", Encoding::Cp1252).text, "\xC3\x83\xC2\xA9");
  EXPECT_THROW(decode("Caf\xE9", Encoding::Utf8), std::invalid_argument);
}

TEST(Encoding, ParsesEncodingNames) {
  EXPECT_EQ(parse_encoding("CP1252"), Encoding::Cp1252);
  EXPECT_EQ(parse_encoding("windows-1252"), Encoding::Cp1252);
  EXPECT_EQ(parse_encoding("utf8"), Encoding::Utf8);
  EXPECT_EQ(parse_encoding("auto"), Encoding::Auto);
  EXPECT_THROW(parse_encoding("latin-9"), std::invalid_argument);
}

}  // namespace
