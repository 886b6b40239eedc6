// Virtual datasets (NcWriter::define_virtual), as the master file of a sharded sweep uses
// them, read back through H5Inspect: blocks of other files in any order, relative source
// paths found beside the master, the fill value where no source is, and refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "sim/io/h5_inspect.hpp"
#include "sim/io/nc_writer.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = schoolsim::io;

fs::path test_folder() {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          "nc_virtual" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(folder);
  fs::create_directories(folder / "parts");
  return folder;
}

/// A source file: `rows` rows of (x) = row id * 10 + column, over (row, col).
void write_source(const fs::path& path, const std::vector<std::int32_t>& rows) {
  io::NcWriter f(path, false);
  f.add_dimension("row", rows);
  f.add_dimension("col", std::vector<std::int32_t>{0, 1, 2});
  std::vector<double> x;
  for (const auto r : rows)
    for (int c = 0; c < 3; ++c) x.push_back(r * 10.0 + c);
  f.write("x", {"row", "col"}, x, {{"units", "1"}});
  f.commit();
}

io::NcWriter::VirtualMapping block(const std::string& file, std::size_t source_rows, std::size_t at, std::size_t from,
                                   std::size_t n) {
  return {file, "x", {source_rows, 3}, {at, 0}, {from, 0}, {n, 3}};
}

TEST(NcWriterVirtual, JoinsBlocksOfOtherFilesAndReadsThemBack) {
  const fs::path dir = test_folder();
  write_source(dir / "parts" / "a.h5", {0, 1, 4});  // interleaved like the batches of MPI ranks
  write_source(dir / "parts" / "b.h5", {2, 3});
  {
    io::NcWriter m(dir / "master.h5", false, io::NcWriter::Format::Hdf5_110);
    std::vector<std::int32_t> rows(5);
    std::iota(rows.begin(), rows.end(), 0);
    m.add_dimension("row", rows);
    m.add_dimension("col", std::vector<std::int32_t>{0, 1, 2});
    m.define_virtual<double>(
        "x", {"row", "col"}, {{"units", "1"}, {"long_name", "joined"}},
        {block("parts/a.h5", 3, 0, 0, 2), block("parts/b.h5", 2, 2, 0, 2), block("parts/a.h5", 3, 4, 2, 1)},
        std::nan(""));
    m.commit();
  }
  // Read from elsewhere: the relative sources are found beside the master.
  const fs::path moved = dir / "moved";
  fs::create_directories(moved);
  fs::rename(dir / "master.h5", moved / "master.h5");
  fs::rename(dir / "parts", moved / "parts");
  {
    const io::H5Inspect f(moved / "master.h5");
    const io::VariableInfo* x = f.find("x");
    ASSERT_NE(x, nullptr);
    EXPECT_TRUE(x->is_virtual);
    EXPECT_EQ(x->sources, (std::vector<std::string>{"parts/a.h5", "parts/b.h5"}));
    EXPECT_EQ(x->dims, (std::vector<std::string>{"row", "col"}));
    EXPECT_EQ(x->type_name(), "float64");
    ASSERT_EQ(x->attrs.size(), 2u);
    EXPECT_EQ(std::get<std::string>(x->attrs[1].value), "joined");
    const auto values = f.read<double>("x");
    for (int r = 0; r < 5; ++r)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(values[static_cast<std::size_t>(r * 3 + c)], r * 10.0 + c);
    EXPECT_EQ(f.read<double>("x", {3, 1}, {2, 2}), (std::vector<double>{31, 32, 41, 42}));
  }

  // A missing source reads as the fill value.
  fs::remove(moved / "parts" / "b.h5");
  const io::H5Inspect g(moved / "master.h5");
  const auto holes = g.read<double>("x");
  EXPECT_TRUE(std::isnan(holes[6]) && std::isnan(holes[11]));
  EXPECT_EQ(holes[12], 40.0);
}

TEST(NcWriterVirtual, RefusesMisuse) {
  const fs::path dir = test_folder();
  io::NcWriter old_format(dir / "a.h5", false);
  old_format.add_dimension("row", std::vector<std::int32_t>{0, 1});
  old_format.add_dimension("col", std::vector<std::int32_t>{0, 1, 2});
  EXPECT_THROW(old_format.define_virtual<double>("x", {"row", "col"}, {}, {}, 0.0), std::logic_error);
  io::NcWriter m(dir / "b.h5", false, io::NcWriter::Format::Hdf5_110);
  m.add_dimension("row", std::vector<std::int32_t>{0, 1});
  m.add_dimension("col", std::vector<std::int32_t>{0, 1, 2});
  m.add_dimension("none", std::vector<std::int32_t>{});
  EXPECT_THROW(m.define_virtual<double>("x", {"row", "col"}, {}, {block("s.h5", 2, 1, 0, 2)}, 0.0),
               std::invalid_argument);  // out of bounds
  EXPECT_THROW(m.define_virtual<double>("y", {"none"}, {}, {}, 0.0), std::invalid_argument);
  EXPECT_THROW(m.define_virtual<double>("z", {"nowhere"}, {}, {}, 0.0), std::invalid_argument);
}

}  // namespace
