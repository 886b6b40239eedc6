// Part files of a sweep in progress: round trip, and every kind of damage is detected
// (a torn or corrupted part must never count as a finished run).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/sweep/part_file.hpp"
#include "sim/sweep/run_record.hpp"
#include "sim/sweep/sweep_error.hpp"

namespace {

namespace fs = std::filesystem;
using namespace schoolsim;
using namespace schoolsim::sweep;

fs::path test_folder() {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          "sweep_parts" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

/// A record filled with recognisable values for a schema.
RunRecord sample_record(const RunSchema& schema, std::int64_t run_id) {
  RunRecord rec;
  rec.run_id = run_id;
  for (const auto& v : schema.variables) {
    switch (v.type) {
      case ElementType::I8: rec.columns.emplace_back(std::vector<std::int8_t>(v.size, 3)); break;
      case ElementType::I16: rec.columns.emplace_back(std::vector<std::int16_t>(v.size, -7)); break;
      case ElementType::I32: rec.columns.emplace_back(std::vector<std::int32_t>(v.size, 123456)); break;
      case ElementType::F32: rec.columns.emplace_back(std::vector<float>(v.size, 0.25f)); break;
      case ElementType::F64: {
        std::vector<double> x(v.size);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.5 * static_cast<double>(i) + static_cast<double>(run_id);
        rec.columns.emplace_back(x);
        break;
      }
    }
  }
  rec.events.push_back(Event{2, 0, 7, 1, 3, -1, 0, {4, 5, 6}});
  rec.events.push_back(Event{4, 1, 7, 1, 3, -1, 2, {4, 5}});
  return rec;
}

void expect_same(const RunRecord& a, const RunRecord& b) {
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.columns, b.columns);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].term, b.events[i].term);
    EXPECT_EQ(a.events[i].reason, b.events[i].reason);
    EXPECT_EQ(a.events[i].members, b.events[i].members);
  }
}

TEST(SweepPartFile, RoundTripsOkAndFailedRuns) {
  const RunSchema schema = make_run_schema(10, 3, true, true);
  const RunRecord ok = sample_record(schema, 5);
  expect_same(decode_part(schema, 77, 5, encode_part(schema, 77, ok)), ok);
  const RunRecord failed = failed_run(6, "design point 1: programmes[0].end: must not be before start (1)");
  expect_same(decode_part(schema, 77, 6, encode_part(schema, 77, failed)), failed);
}

TEST(SweepPartFile, DetectsTornCorruptedAndForeignParts) {
  const RunSchema schema = make_run_schema(10, 3, true, true);
  const std::string bytes = encode_part(schema, 77, sample_record(schema, 5));
  const auto reason = [&](const std::string& b, std::uint64_t fingerprint = 77, std::int64_t id = 5) -> std::string {
    try {
      decode_part(schema, fingerprint, id, b);
    } catch (const PartError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(reason(""), "empty");
  for (const std::size_t keep : {std::size_t{8}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_NE(reason(bytes.substr(0, keep)), "accepted") << "torn at " << keep;
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  EXPECT_EQ(reason(flipped), "checksum mismatch (corrupted)");
  EXPECT_EQ(reason(bytes, 78), "written by a different sweep (fingerprint differs)");
  EXPECT_EQ(reason(bytes, 77, 4), "holds run 5, expected run 4");
  const RunSchema other = make_run_schema(10, 3, false, true);
  EXPECT_THROW(decode_part(other, 77, 5, bytes), PartError);
}

TEST(SweepPartFile, FolderWritesListsAndLocks) {
  const fs::path root = test_folder();
  const fs::path folder = PartsFolder::for_output(root / "out.h5");
  EXPECT_EQ(folder.filename(), "out.h5.parts");
  const RunSchema schema = make_run_schema(4, 2, false, false);
  {
    PartsFolder parts(folder, PartsFolder::Mode::Create, 99, 10);
    parts.write(schema, sample_record(schema, 3));
    parts.write(schema, failed_run(7, "boom"));
    std::ofstream(folder / "run-0000000001.part.tmp") << "half written";
    EXPECT_EQ(parts.list(), (std::vector<std::int64_t>{3, 7}));
    EXPECT_FALSE(fs::exists(folder / "run-0000000001.part.tmp"));
    EXPECT_EQ(parts.read(schema, 7).error, "boom");
    EXPECT_THROW(PartsFolder(folder, PartsFolder::Mode::Resume, 99, 10), SweepInputError);  // locked
  }
  EXPECT_THROW(PartsFolder(folder, PartsFolder::Mode::Create, 99, 10), SweepInputError);   // exists
  EXPECT_THROW(PartsFolder(folder, PartsFolder::Mode::Resume, 98, 10), SweepInputError);   // other sweep
  EXPECT_THROW(PartsFolder(folder, PartsFolder::Mode::Resume, 99, 11), SweepInputError);
  PartsFolder resumed(folder, PartsFolder::Mode::Resume, 99, 10);
  EXPECT_EQ(resumed.list(), (std::vector<std::int64_t>{3, 7}));
  resumed.remove_all();
  EXPECT_FALSE(fs::exists(folder));
}

}  // namespace
