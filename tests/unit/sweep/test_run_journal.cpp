// The journal of a sweep in progress: record round trip, and every kind of damage is
// detected (a torn or corrupted record must never count as a finished run).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/sweep/run_journal.hpp"
#include "sim/sweep/run_record.hpp"
#include "sim/sweep/sweep_error.hpp"

namespace {

namespace fs = std::filesystem;
using namespace schoolsim;
using namespace schoolsim::sweep;

fs::path test_folder() {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          "sweep_journal" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
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

TEST(SweepJournal, RoundTripsOkAndFailedRuns) {
  const RunSchema schema = make_run_schema(10, 3, true, true);
  const RunRecord ok = sample_record(schema, 5);
  expect_same(decode_record(schema, 77, 5, encode_record(schema, 77, ok)), ok);
  const RunRecord failed = failed_run(6, "design point 1: programmes[0].end: must not be before start (1)");
  expect_same(decode_record(schema, 77, 6, encode_record(schema, 77, failed)), failed);
}

TEST(SweepJournal, DetectsTornCorruptedAndForeignParts) {
  const RunSchema schema = make_run_schema(10, 3, true, true);
  const std::string bytes = encode_record(schema, 77, sample_record(schema, 5));
  const auto reason = [&](const std::string& b, std::uint64_t fingerprint = 77, std::int64_t id = 5) -> std::string {
    try {
      decode_record(schema, fingerprint, id, b);
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
  EXPECT_THROW(decode_record(other, 77, 5, bytes), PartError);
}

/// Valid records found by a scan, and the problems reported.
struct ScanResult {
  std::vector<std::int64_t> runs;
  std::vector<std::string> problems;
};
ScanResult scan(RunJournal& j, const RunSchema& schema) {
  ScanResult out;
  j.scan(
      schema, [&](const RunRecord& r) { out.runs.push_back(r.run_id); },
      [&](const std::string& p) { out.problems.push_back(p); });
  return out;
}

TEST(SweepJournal, AppendsScansAndLocks) {
  const fs::path root = test_folder();
  const fs::path folder = RunJournal::folder_for(root / "out.h5");
  EXPECT_EQ(folder.filename(), "out.h5.parts");
  const RunSchema schema = make_run_schema(4, 2, false, true);
  {
    RunJournal j(folder, RunJournal::Mode::Create, 99, 10);
    j.append(schema, sample_record(schema, 3));
    j.append(schema, failed_run(7, "boom"));
    EXPECT_EQ(j.records(), 2);
    EXPECT_EQ(j.read(schema, 7).error, "boom");
    expect_same(j.read(schema, 3), sample_record(schema, 3));
    EXPECT_THROW(j.read(schema, 4), PartError);
    EXPECT_THROW(RunJournal(folder, RunJournal::Mode::Resume, 99, 10), SweepInputError);  // locked
  }
  EXPECT_THROW(RunJournal(folder, RunJournal::Mode::Create, 99, 10), SweepInputError);  // exists
  EXPECT_THROW(RunJournal(folder, RunJournal::Mode::Resume, 98, 10), SweepInputError);  // other sweep
  EXPECT_THROW(RunJournal(folder, RunJournal::Mode::Resume, 99, 11), SweepInputError);
  RunJournal resumed(folder, RunJournal::Mode::Resume, 99, 10);
  const ScanResult found = scan(resumed, schema);
  EXPECT_EQ(found.runs, (std::vector<std::int64_t>{3, 7}));
  EXPECT_TRUE(found.problems.empty());
  resumed.append(schema, sample_record(schema, 1));
  EXPECT_EQ(resumed.records(), 3);
  resumed.remove_all();
  EXPECT_FALSE(fs::exists(folder));
}

TEST(SweepJournal, ScanSkipsCorruptRecordsAndCutsATornTail) {
  const fs::path folder = RunJournal::folder_for(test_folder() / "out.h5");
  const RunSchema schema = make_run_schema(4, 2, false, true);
  std::uintmax_t after_two = 0;
  {
    RunJournal j(folder, RunJournal::Mode::Create, 5, 10);
    for (const std::int64_t id : {0, 1, 2}) {
      j.append(schema, sample_record(schema, id));
      if (id == 1) after_two = fs::file_size(j.path());
    }
  }
  const fs::path journal = folder / "runs.journal";
  std::string bytes;
  {
    std::ifstream in(journal, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[after_two / 4] ^= 0x01;     // corrupt the first record's data
  bytes.resize(bytes.size() - 10);  // tear the last record
  std::ofstream(journal, std::ios::binary | std::ios::trunc) << bytes;
  {
    RunJournal j(folder, RunJournal::Mode::Resume, 5, 10);
    const ScanResult found = scan(j, schema);
    EXPECT_EQ(found.runs, (std::vector<std::int64_t>{1}));
    ASSERT_EQ(found.problems.size(), 2u);
    EXPECT_NE(found.problems[0].find("checksum mismatch"), std::string::npos) << found.problems[0];
    EXPECT_NE(found.problems[1].find("torn record"), std::string::npos) << found.problems[1];
    EXPECT_EQ(fs::file_size(journal), after_two);  // the torn tail is cut off
    j.append(schema, sample_record(schema, 0));    // redo: appended after the last whole record
    j.append(schema, sample_record(schema, 2));
    expect_same(j.read(schema, 0), sample_record(schema, 0));
  }
  RunJournal again(folder, RunJournal::Mode::Resume, 5, 10);
  const ScanResult rescan = scan(again, schema);
  EXPECT_EQ(rescan.runs, (std::vector<std::int64_t>{1, 0, 2}));  // the corrupt record is still skipped
  EXPECT_EQ(rescan.problems.size(), 1u);
  EXPECT_EQ(again.records(), 3);
}

}  // namespace
