// Output failures lose nothing (docs/hardening.md "Guarantees"): when a write fails (file
// size limit, disk full) the writer reports it naming the file, deletes its temporary file,
// leaves an existing result untouched and the process exits normally; devices, pipes and
// sockets are never replaced. Failures are made with RLIMIT_FSIZE in a child process (the
// unprivileged stand-in for a full disk; tests/python/test_nothing_lost.py fills a tmpfs).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "sim/config/bounded_read.hpp"
#include "sim/io/nc_writer.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = schoolsim::io;

fs::path fresh_folder(const std::string& name) {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = fs::path(base ? base : fs::temp_directory_path().string()) /
                          ("hardening_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(folder)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes 8 MB of incompressible doubles to `path`; exits 3 if the writer reported
/// "File too large" naming the file, 4 on success, 5 on any other outcome. Run in a child
/// with a 1 MB file size limit.
[[noreturn]] void write_too_much(const fs::path& path, bool overwrite) {
  rlimit limit{1 << 20, 1 << 20};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) std::_Exit(6);
  std::vector<double> data(1 << 20);
  std::uint64_t x = 88172645463325252ULL;
  for (double& v : data) x ^= x << 13, x ^= x >> 7, x ^= x << 17, v = static_cast<double>(x);
  std::vector<std::int32_t> ids(data.size());
  std::iota(ids.begin(), ids.end(), 0);
  try {
    io::NcWriter f(path, overwrite);
    f.add_dimension("x", ids);
    f.write("values", {"x"}, data);
    f.commit();
  } catch (const io::OutputError& e) {
    const std::string what = e.what();
    std::exit(what.find("File too large") != std::string::npos && what.find(path.string()) != std::string::npos ? 3
                                                                                                                : 5);
  }
  std::exit(4);  // exit(), not _Exit(): the normal exit path must not crash after a failure
}

// "fast" death tests (fork, no re-exec): the child writes to the parent's folder. The child
// only uses HDF5 and the file system, so forking with other threads alive is safe here.
class OutputFailures : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "fast"); }
};

TEST_F(OutputFailures, FileSizeLimitIsAnErrorAndLeavesNoFile) {
  const fs::path folder = fresh_folder("fsize_new");
  const fs::path out = folder / "out.h5";
  EXPECT_EXIT(write_too_much(out, false), ::testing::ExitedWithCode(3), "");
  EXPECT_EQ(names_in(folder), std::vector<std::string>{}) << "no result and no temporary file";
  fs::remove_all(folder);
}

TEST_F(OutputFailures, FailedReplacementLeavesTheExistingResultUntouched) {
  const fs::path folder = fresh_folder("fsize_replace");
  const fs::path out = folder / "out.h5";
  std::ofstream(out, std::ios::binary) << "an earlier result";
  EXPECT_EXIT(write_too_much(out, true), ::testing::ExitedWithCode(3), "");
  EXPECT_EQ(names_in(folder), std::vector<std::string>{"out.h5"});
  EXPECT_EQ(contents(out), "an earlier result");
  fs::remove_all(folder);
}

TEST_F(OutputFailures, DevicesAndPipesAreNeverReplaced) {
  const fs::path folder = fresh_folder("special");
  const fs::path fifo = folder / "pipe.h5";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    io::NcWriter f(fifo, true);
    FAIL() << "expected an OutputError";
  } catch (const io::OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(names_in(folder), std::vector<std::string>{"pipe.h5"});
  fs::remove_all(folder);
}

TEST_F(OutputFailures, AbandonedWriterDeletesItsTemporaryFile) {
  const fs::path folder = fresh_folder("abandon");
  {
    io::NcWriter f(folder / "out.h5", false);
    f.set_global("title", std::string("never committed"));
    EXPECT_TRUE(fs::exists(f.temporary_path()));
  }
  EXPECT_EQ(names_in(folder), std::vector<std::string>{});
  fs::remove_all(folder);
}

TEST(BoundedRead, RefusesHugeFilesEndlessDevicesAndFolders) {
  const fs::path folder = fresh_folder("bounded");
  const fs::path big = folder / "big.yaml";
  {
    std::ofstream f(big, std::ios::binary);
    f << std::string(1000, 'a');
  }
  EXPECT_EQ(io::read_bounded(big, 1000).bytes.size(), 1000u);
  const io::BoundedRead over = io::read_bounded(big, 999);
  EXPECT_EQ(over.problem, "is too large (1000 bytes; the limit is 999 bytes)");
  EXPECT_TRUE(over.bytes.empty());
  const io::BoundedRead zero = io::read_bounded("/dev/zero", 1 << 20);
  EXPECT_EQ(zero.problem, "not a regular file (a character device)");
  EXPECT_EQ(io::read_bounded(folder, 10).problem, "not a regular file (a folder)");
  EXPECT_EQ(io::read_bounded(folder / "missing", 10).problem, "no such file");
  EXPECT_EQ(io::size_text(std::size_t{8} << 20), "8 MiB");
  EXPECT_EQ(io::size_text(1536), "1.5 KiB");
  fs::remove_all(folder);
}

}  // namespace
