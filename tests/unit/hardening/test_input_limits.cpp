// Bounded work for bounded input and clear input errors at the loaders (issue 14; the CLI
// side is tests/python/test_input_limits.py): no reader waits on a FIFO, CSV line numbers
// count every kind of line end, a truncated register is refused, control characters in text
// values are refused, lists are limited by count (docs/hardening.md "Limits").
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/calibration/targets.hpp"
#include "sim/config/input_text.hpp"
#include "sim/config/numbers.hpp"
#include "sim/config/scenario_yaml.hpp"
#include "sim/config/bounded_read.hpp"
#include "sim/register/csv.hpp"

namespace {

using namespace schoolsim;
namespace fs = std::filesystem;
namespace reg = school_register;

fs::path folder_for(const std::string& name) {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = fs::path(base ? base : fs::temp_directory_path().string()) /
                          ("input_limits_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

template <class F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(InputLimits, FifoWithoutWriterIsRefusedWithoutBlocking) {
  const fs::path folder = folder_for("fifo");
  const fs::path fifo = folder / "in.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Without a writer, a blocking open would never return (the test would time out).
  EXPECT_EQ(io::read_bounded(fifo, 100).problem, "not a regular file (a FIFO)");
  EXPECT_EQ(io::regular_file_problem(fifo), "not a regular file (a FIFO)");
  EXPECT_EQ(io::regular_file_problem(folder), "not a regular file (a folder)");
  EXPECT_EQ(io::regular_file_problem("/dev/null"), "not a regular file (a character device)");
  EXPECT_EQ(io::regular_file_problem(folder / "missing"), "no such file");
  EXPECT_EQ(io::regular_file_problem(""), "no such file (the file name is empty)");
  EXPECT_EQ(config_error([&] { config::load_scenario_file(fifo); }), fifo.string() + ": not a regular file (a FIFO)");
  EXPECT_EQ(config_error([&] { calibration::load_targets(fifo); }), fifo.string() + ": not a regular file (a FIFO)");
  fs::remove_all(folder);
}

std::vector<std::size_t> record_lines(const std::string& text) {
  reg::CsvReader reader(text);
  reg::CsvRecord r;
  std::vector<std::size_t> lines;
  while (reader.next(r)) lines.push_back(r.line);
  return lines;
}

TEST(InputLimits, CsvLinesCountEveryKindOfLineEnd) {
  const std::vector<std::size_t> expected = {1, 2, 4, 5};
  EXPECT_EQ(record_lines("a,b\nc,d\n\ne,f\ng,h\n"), expected);
  EXPECT_EQ(record_lines("a,b\r\nc,d\r\n\r\ne,f\r\ng,h\r\n"), expected);
  EXPECT_EQ(record_lines("a,b\rc,d\r\re,f\rg,h\r"), expected);
  // A quoted field holding line breaks: the next record starts on the right line.
  EXPECT_EQ(record_lines("a,\"x\ry\rz\"\rb,c\r"), (std::vector<std::size_t>{1, 4}));
  // An unclosed quote costs its line only, with any line end.
  EXPECT_EQ(record_lines("a,b\r\"c,d\re,f\r"), (std::vector<std::size_t>{1, 2, 3}));
}

TEST(InputLimits, CsvMarksRecordsThatEndTheTextWithoutALineBreak) {
  reg::CsvReader reader("a,b\nc,d");
  reg::CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_FALSE(r.unterminated);
  ASSERT_TRUE(reader.next(r));
  EXPECT_TRUE(r.unterminated);
  reg::CsvReader quoted("a,b\nc,\"d");
  ASSERT_TRUE(quoted.next(r));
  ASSERT_TRUE(quoted.next(r));
  EXPECT_EQ(r.error, "a quoted field is never closed");
  EXPECT_TRUE(r.unterminated);
  reg::CsvReader stray("a,b\nc,\"d\ne,f\n");  // a stray quote in a complete file
  ASSERT_TRUE(stray.next(r));
  ASSERT_TRUE(stray.next(r));
  EXPECT_EQ(r.error, "a quoted field is never closed");
  EXPECT_FALSE(r.unterminated);
}

TEST(InputLimits, ControlCharactersAreNamed) {
  EXPECT_EQ(config::control_character_problem("plain text, with ünïcode"), "");
  EXPECT_EQ(
      config::control_character_problem(std::string("ab\0c", 4)),
      "contains a control character (NUL, U+0000) at character 3; text values may not contain control characters");
  EXPECT_TRUE(contains(config::control_character_problem("a\x7f"), "(DEL, U+007F) at character 2"));
  EXPECT_TRUE(contains(config::control_character_problem("two\nlines"), "(line feed, U+000A)"));
  EXPECT_EQ(config::control_character_problem("two\nlines\tand a tab", true), "");
  EXPECT_TRUE(contains(config::control_character_problem("a\rb", true), "(carriage return, U+000D)"));
}

TEST(InputLimits, NumbersAreEchoedShortened) {
  EXPECT_EQ(config::shortened("12345"), "12345");
  EXPECT_EQ(config::shortened(std::string(5000, '7')), std::string(40, '7') + "... (5000 characters)");
  EXPECT_TRUE(config::is_integer_literal("18446744073709551615"));
  EXPECT_TRUE(config::is_integer_literal("-12"));
  EXPECT_FALSE(config::is_integer_literal("1e3"));
  EXPECT_FALSE(config::is_integer_literal("-"));
  EXPECT_FALSE(config::is_integer_literal(""));
}

TEST(InputLimits, ScenarioListsAreLimitedByCount) {
  std::string programmes = "programmes:\n  - &p {name: x, start: 1, end: 5}\n";
  for (int k = 0; k < 1000; ++k) programmes += "  - *p\n";
  EXPECT_EQ(config_error([&] { config::load_scenario_text(programmes, "s.yaml"); }),
            "s.yaml:2:3: programmes: has 1001 entries; at most 1000 are allowed");
  std::string changes = "funding: {changes: [";
  for (int k = 0; k < 1001; ++k) changes += "{term: 1, multiplier: 1},";
  changes += "]}\n";
  EXPECT_TRUE(contains(config_error([&] { config::load_scenario_text(changes, "s.yaml"); }),
                       "funding.changes: has 1001 entries; at most 1000 are allowed"));
  std::string regions = "world: {regions: {";
  for (int k = 0; k < 1001; ++k) regions.append("r").append(std::to_string(k)).append(": [0],");
  regions += "}}\n";
  EXPECT_TRUE(contains(config_error([&] { config::load_scenario_text(regions, "s.yaml"); }),
                       "world.regions: has 1001 regions; at most 1000 are allowed"));
}

TEST(InputLimits, ControlCharacterInATargetIsRefused) {
  const std::string text = "targets:\n  - id: supporters_nearby\n    value: 2\n    tolerance: 1\n    note: \"a\\0b\"\n";
  EXPECT_TRUE(contains(config_error([&] { calibration::load_targets_text(text, "t.yaml"); }),
                       "t.yaml:5:11: targets[0] (supporters_nearby).note: contains a control character (NUL, U+0000)"));
  const std::string id = "targets:\n  - id: \"a\\eb\"\n    value: 2\n";
  EXPECT_TRUE(contains(config_error([&] { calibration::load_targets_text(id, "t.yaml"); }),
                       "targets[0].id: contains a control character (escape, U+001B) at character 2"));
}

}  // namespace
