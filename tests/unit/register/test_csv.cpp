// The register CSV reader: quoting, line ends, line numbers, malformed records, and the
// check that a file is CSV text at all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/register/csv.hpp"

namespace {

using namespace schoolsim::school_register;

std::vector<CsvRecord> read_all(std::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

using Fields = std::vector<std::string>;

TEST(Csv, SplitsPlainFields) {
  const auto rows = read_all("a,b,c\n1,2,3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rows[1].line, 2u);
}

TEST(Csv, QuotedFieldsHoldCommasAndDoubledQuotes) {
  const auto rows = read_all("\"St Mary's, St John's\",\"The \"\"Beacon\"\" Academy\",x\r\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"St Mary's, St John's", "The \"Beacon\" Academy", "x"}));
  EXPECT_TRUE(rows[0].error.empty());
}

TEST(Csv, HandlesCrlfLfAndAMissingFinalLineBreak) {
  const auto rows = read_all("a,b\r\n1,2\n3,4");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(rows[2].line, 3u);
}

TEST(Csv, KeepsEmptyFieldsIncludingATrailingOne) {
  const auto rows = read_all(",a,,\r\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"", "a", "", ""}));
  EXPECT_EQ(read_all("\"\",x\n")[0].fields, (Fields{"", "x"}));
}

TEST(Csv, SkipsBlankLinesButCountsThemInLineNumbers) {
  const auto rows = read_all("h\r\n\r\n\r\nv\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 4u);
}

TEST(Csv, QuotedLineBreaksStayInTheFieldAndLineNumbersFollow) {
  const auto rows = read_all("h1,h2\r\n\"two\r\nlines\",b\r\nnext,c\r\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields, (Fields{"two\r\nlines", "b"}));
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].line, 4u);
}

TEST(Csv, AnUnclosedQuoteCostsOneRecordOnly) {
  const auto rows = read_all("h1,h2\n\"never closed,b\nx,y\nz,w\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_FALSE(rows[1].error.empty());
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].fields, (Fields{"x", "y"}));
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_TRUE(rows[2].error.empty());
  EXPECT_EQ(rows[3].line, 4u);
}

TEST(Csv, TextAfterAClosingQuoteIsAnError) {
  const auto rows = read_all("\"abc\"def,x\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].error.find("closing quote"), std::string::npos);
  EXPECT_EQ(rows[0].fields.size(), 2u);
}

TEST(Csv, AStrayQuoteInsideAnUnquotedFieldIsKept) {
  EXPECT_EQ(read_all("5\" floppy,x\n")[0].fields, (Fields{"5\" floppy", "x"}));
}

TEST(Csv, RecognisesInputThatIsNotCsv) {
  EXPECT_NE(why_not_csv("").find("empty"), std::string::npos);
  EXPECT_NE(why_not_csv("\r\n\n").find("empty"), std::string::npos);
  EXPECT_NE(why_not_csv(std::string("ab\0cd", 5)).find("binary"), std::string::npos);
  EXPECT_NE(why_not_csv("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f").find("binary"), std::string::npos);
  EXPECT_NE(why_not_csv("<!DOCTYPE html>\n<html><body>Sign in</body></html>").find("HTML"), std::string::npos);
  EXPECT_NE(why_not_csv("\n  <HTML>\n<head>").find("HTML"), std::string::npos);
  EXPECT_NE(why_not_csv(std::string("PK\x03\x04rest", 8)).find("ZIP"), std::string::npos);
  EXPECT_NE(why_not_csv(std::string("\x89HDF\r\n\x1a\n", 8)).find("HDF5"), std::string::npos);
  EXPECT_NE(why_not_csv("{\"a\": 1}").find("JSON"), std::string::npos);
  EXPECT_EQ(why_not_csv("URN,LA (code)\r\n100000,350\r\n"), "");
  EXPECT_EQ(why_not_csv("\xEF\xBB\xBFURN,name\r\n1,Caf\xC3\xA9\r\n"), "");
  EXPECT_EQ(why_not_csv("URN,name\r\n1,Caf\xE9\r\n"), "");  // Windows-1252 text is text
}

TEST(Csv, ComparesTextCaseInsensitivelyAfterTrimming) {
  EXPECT_TRUE(same_text(" Open ", "open"));
  EXPECT_FALSE(same_text("Open", "Opened"));
  EXPECT_EQ(trim("\t a b  "), "a b");
}

}  // namespace
