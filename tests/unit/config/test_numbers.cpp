// The one number reader and formatter of the configuration front end: the same text reads
// as the same number (or not at all) in scenarios, --set, sweep specs and targets files.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/config/numbers.hpp"
#include "sim/config/yaml_reader.hpp"

namespace schoolsim::config {
namespace {

/// "real 1e+07" / "not a real" for a text, as the reader sees it.
std::string real_of(const std::string& text) {
  double v = 0;
  if (!read_real(text, v)) return "not a real";
  return "real " + format_number(v);
}
std::string integer_of(const std::string& text) {
  long long v = 0;
  if (!read_integer(text, v)) return "not an integer";
  return "integer " + std::to_string(v);
}

TEST(Numbers, ReadsTextByYamlRules) {
  struct Row {
    const char* text;
    const char* as_real;
    const char* as_integer;
  };
  const Row rows[] = {
      {"1e7", "real 10000000", "not an integer"},
      {"2e+07", "real 20000000", "not an integer"},
      {"nan", "not a real", "not an integer"},
      {"inf", "not a real", "not an integer"},
      {".nan", "real nan", "not an integer"},
      {".inf", "real inf", "not an integer"},
      {"-.inf", "real -inf", "not an integer"},
      {"0x10", "not a real", "integer 16"},
      {"1_000", "not a real", "not an integer"},
      {"1e309", "not a real", "not an integer"},
      {"12", "real 12", "integer 12"},
      {"-3", "real -3", "integer -3"},
      {"+5", "real 5", "integer 5"},
      {"-0.25", "real -0.25", "not an integer"},
      {"123456789012345678901234567890", "real 1.2345678901234568e+29", "not an integer"},
      {"lots", "not a real", "not an integer"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(real_of(row.text), row.as_real) << row.text;
    EXPECT_EQ(integer_of(row.text), row.as_integer) << row.text;
  }
  EXPECT_TRUE(is_integer_literal("123456789012345678901234567890"));
  EXPECT_FALSE(is_integer_literal("1e7"));
}

TEST(Numbers, NodesReadLikeTheirText) {
  const YAML::Node doc = parse_yaml("a: 2e+07\nb: [1]\nc: 0x10\n", "n.yaml");
  double v = 0;
  long long i = 0;
  EXPECT_TRUE(read_real(doc["a"], v));
  EXPECT_EQ(v, 2e7);
  EXPECT_FALSE(read_real(doc["b"], v));  // a list is not a number
  EXPECT_TRUE(read_integer(doc["c"], i));
  EXPECT_EQ(i, 16);
}

TEST(Numbers, NonFiniteNumbersAreOutOfEveryRange) {
  EXPECT_FALSE(in_range(std::nan(""), 0, 1000));
  EXPECT_FALSE(in_range(INFINITY, -INFINITY, INFINITY));
  EXPECT_TRUE(in_range(1000, 0, 1000));
  EXPECT_EQ(out_of_range(".nan", 0.0, 1000.0), "value .nan is out of range [0, 1000]");
  EXPECT_EQ(out_of_range("1e308", 0.0, 1000.0), "value 1e308 is out of range [0, 1000]");
  EXPECT_EQ(out_of_range("-1", 0LL, 9223372036854775807LL), "value -1 is out of range [0, 9223372036854775807]");
}

TEST(Numbers, FormatsRealsThatReadBack) {
  EXPECT_EQ(format_real(0.1), "0.1");
  EXPECT_EQ(format_real(3), "3.0");
  EXPECT_EQ(format_real(2e7), "2.0e+07");
  EXPECT_EQ(format_real(1.5e-9), "1.5e-09");
  EXPECT_EQ(format_real(INFINITY), "inf");
  double back = 0;
  EXPECT_TRUE(read_real(format_real(0.1 + 0.2), back));
  EXPECT_EQ(back, 0.1 + 0.2);
}

TEST(Numbers, FormatsNumbersForMessages) {
  EXPECT_EQ(format_number(20000000), "20000000");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(9.0e18), "9.0e+18");
  EXPECT_EQ(format_number(-INFINITY), "-inf");
  EXPECT_EQ(format_number(std::nan("")), "nan");
  EXPECT_EQ(range_text(0.001, 0.999), "[0.001, 0.999]");
  EXPECT_EQ(range_text(-INFINITY, 5), "[-inf, 5]");
}

}  // namespace
}  // namespace schoolsim::config
