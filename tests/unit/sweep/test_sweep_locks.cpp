// Sweep reliability (issue 14): a resume on a changed world names what changed, a running
// sweep's lock is never broken by --force, and a parts folder whose entries are not regular
// files is refused before any run starts.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "sim/sweep/run_journal.hpp"
#include "sim/sweep/sweep_error.hpp"
#include "sim/sweep/world_digest.hpp"
#include "sim/core/world.hpp"

namespace {

namespace fs = std::filesystem;
using namespace schoolsim;
using namespace schoolsim::sweep;

fs::path test_folder() {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          "sweep_locks" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

/// A three-school register world.
World register_world() {
  World w;
  w.n = 3, w.n_las = 1;
  w.phase = {0, 0, 1};
  w.la = {0, 0, 0};
  w.x = {1, 2, 3}, w.y = {4, 5, 6};
  w.disadvantage = {0.1, 0.2, 0.3};
  w.places = {300, 400, 900};
  w.initial = InitialOverrides{{250, 390, 800}, {1, 0, 3}, {1, 0, -1}, {}, {}};
  w.labels = WorldLabels{{100, 101, 102}, {"A", "B", "C"}, {201}, {"LA"}, {"North"}};
  return w;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const SweepInputError& e) {
    return e.what();
  }
  return "(no SweepInputError)";
}

TEST(WorldDigest, NamesEveryChangedVariableAndNothingElse) {
  const World before = register_world();
  const WorldDigest d0 = digest_world(before, "world.h5");
  EXPECT_EQ(d0.change_since(d0.manifest_lines()), "");
  World roll = before;
  roll.initial->pupils[1] += 51;
  const WorldDigest d1 = digest_world(roll, "world.h5");
  EXPECT_NE(d1.combined(), d0.combined());
  EXPECT_EQ(d1.change_since(d0.manifest_lines()),
            "world file world.h5 changed since the sweep started: school_pupils differs");
  World more = roll;
  more.initial->grade[0] = 2;
  more.initial->trust = {0, -1, -1};  // the register now has a trust column
  more.labels->urn[2] = 999;
  EXPECT_EQ(digest_world(more, "world.h5").change_since(d0.manifest_lines()),
            "world file world.h5 changed since the sweep started: school_pupils, school_initial_grade, school_trust, "
            "school_urn differ");
  // A manifest without world lines (or an empty digest) has nothing to compare.
  EXPECT_EQ(d1.change_since("schoolsim sweep parts 1\nfingerprint 00\nruns 3\n"), "");
}

TEST(SweepLocks, ResumeOnAChangedWorldNamesTheVariable) {
  const fs::path folder = test_folder() / "out.h5.parts";
  World w = register_world();
  { RunJournal j(folder, RunJournal::Mode::Create, 7, 10, digest_world(w, "w.h5")); }
  w.initial->pupils[0] -= 51;
  const std::string message =
      message_of([&] { RunJournal j(folder, RunJournal::Mode::Resume, 8, 10, digest_world(w, "w.h5")); });
  EXPECT_NE(message.find("holds runs made on another world: world file w.h5 changed since the sweep started: "
                         "school_pupils differs"),
            std::string::npos)
      << message;
}

TEST(SweepLocks, ForceNeverTakesTheLockOfALiveJournal) {
  const fs::path folder = test_folder() / "out.h5.parts";
  {
    RunJournal running(folder, RunJournal::Mode::Create, 7, 10);
    const std::string message = message_of([&] { RunJournal::lock_for_removal(folder); });
    EXPECT_NE(message.find("a running schoolsim sweep (pid " + std::to_string(::getpid()) + " on host "),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("--force only replaces a finished or interrupted sweep"), std::string::npos) << message;
    EXPECT_TRUE(fs::exists(folder / "runs.journal"));
  }
  // Once the owner is gone the folder may be replaced; while held, nobody else resumes it.
  const auto held = RunJournal::lock_for_removal(folder);
  EXPECT_NE(message_of([&] { RunJournal j(folder, RunJournal::Mode::Resume, 7, 10); }).find("holds the lock"),
            std::string::npos);
}

TEST(SweepLocks, ForceSeesTheLocksOfMpiRankJournals) {
  const fs::path folder = test_folder() / "out.h5.parts";
  fs::create_directories(folder);
  RunJournal rank1(folder / "rank-1", RunJournal::Mode::Create, 7, 10);
  EXPECT_NE(message_of([&] {
              RunJournal::lock_for_removal(folder);
            }).find("holds the lock of " + (folder / "rank-1").string()),
            std::string::npos);
}

class NotRegular : public ::testing::TestWithParam<std::string> {};

TEST_P(NotRegular, JournalManifestOrLockIsRefusedOnResume) {
  const fs::path root = test_folder();
  for (const std::string entry : {"runs.journal", "manifest", "lock"}) {
    const fs::path folder = root / (entry + ".parts");
    { RunJournal j(folder, RunJournal::Mode::Create, 7, 10); }
    const fs::path target = folder / entry;
    fs::remove(target);
    if (GetParam() == "symlink to /dev/zero") fs::create_symlink("/dev/zero", target);
    if (GetParam() == "fifo") {
      ASSERT_EQ(::mkfifo(target.c_str(), 0644), 0);
    }
    if (GetParam() == "folder") fs::create_directory(target);
    const std::string message = message_of([&] { RunJournal j(folder, RunJournal::Mode::Resume, 7, 10); });
    EXPECT_NE(message.find(target.string() + ": is "), std::string::npos) << entry << ": " << message;
    EXPECT_NE(message.find("not a regular file"), std::string::npos) << entry << ": " << message;
    EXPECT_NE(message.find("use --force to discard it"), std::string::npos) << entry << ": " << message;
    // --force removes such a folder (no live lock in it).
    { const auto held = RunJournal::lock_for_removal(folder); }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Entries, NotRegular, ::testing::Values("symlink to /dev/zero", "fifo", "folder"), [](const auto& info) {
      return std::string(info.param == "fifo" ? "Fifo" : info.param == "folder" ? "Folder" : "SymlinkToDevZero");
    });

}  // namespace
