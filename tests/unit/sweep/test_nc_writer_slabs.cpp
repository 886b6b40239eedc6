// Tests of the NcWriter extension the sweep writer uses: variables defined first and written
// in hyperslabs (define / write_slab), and string variables over dimensions.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/io/nc_writer.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = schoolsim::io;

fs::path test_folder() {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          "sweep_slabs" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

template <class T>
std::vector<T> read_all(const fs::path& path, const std::string& name, hid_t type,
                        std::vector<hsize_t>* chunk = nullptr) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<T> out(n);
  EXPECT_GE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0);
  if (chunk != nullptr) {
    const hid_t dcpl = H5Dget_create_plist(ds);
    chunk->assign(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)), 0);
    H5Pget_chunk(dcpl, static_cast<int>(chunk->size()), chunk->data());
    H5Pclose(dcpl);
  }
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(file);
  return out;
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_slabbed(const fs::path& path, bool reverse) {
  io::NcWriter w(path, true);
  w.add_dimension("run", std::vector<std::int32_t>{0, 1, 2, 3});
  w.add_dimension("term", std::vector<std::int32_t>{0, 1, 2});
  w.define<double>("metric", {"run", "term"}, {{"units", std::string("1")}}, {2, 3});
  w.define<std::int16_t>("count", {"run", "term"}, {{"_FillValue", std::int64_t{-32768}}});
  for (int k = 0; k < 4; ++k) {
    const std::size_t r = reverse ? 3 - static_cast<std::size_t>(k) : static_cast<std::size_t>(k);
    const std::vector<double> row{10.0 * double(r), 10.0 * double(r) + 1, 10.0 * double(r) + 2};
    w.write_slab<double>("metric", {r, 0}, {1, 3}, row);
    if (r != 2)
      w.write_slab<std::int16_t>("count", {r, 0}, {1, 3}, std::vector<std::int16_t>(3, static_cast<std::int16_t>(r)));
  }
  w.write_strings("label", {"run"}, {"a", "", "ccc", "d"}, {{"long_name", std::string("labels")}});
  w.commit();
}

TEST(SweepSlabWriter, SlabsLandInPlaceAndUnwrittenValuesAreFill) {
  const fs::path path = test_folder() / "slabs.h5";
  write_slabbed(path, false);
  std::vector<hsize_t> chunk;
  const auto metric = read_all<double>(path, "metric", H5T_NATIVE_DOUBLE, &chunk);
  ASSERT_EQ(metric.size(), 12u);
  for (int r = 0; r < 4; ++r)
    for (int t = 0; t < 3; ++t) EXPECT_EQ(metric[static_cast<std::size_t>(r * 3 + t)], 10.0 * r + t);
  EXPECT_EQ(chunk, (std::vector<hsize_t>{2, 3}));
  const auto count = read_all<std::int16_t>(path, "count", H5T_NATIVE_INT16);
  EXPECT_EQ(count, (std::vector<std::int16_t>{0, 0, 0, 1, 1, 1, -32768, -32768, -32768, 3, 3, 3}));
}

TEST(SweepSlabWriter, SameSlabsInTheSameOrderGiveByteIdenticalFiles) {
  const fs::path folder = test_folder();
  write_slabbed(folder / "a.h5", false);
  write_slabbed(folder / "b.h5", false);
  EXPECT_EQ(bytes_of(folder / "a.h5"), bytes_of(folder / "b.h5"));
  // Another order places chunks differently in the file, but the data are the same.
  write_slabbed(folder / "reverse.h5", true);
  EXPECT_EQ(read_all<double>(folder / "a.h5", "metric", H5T_NATIVE_DOUBLE),
            read_all<double>(folder / "reverse.h5", "metric", H5T_NATIVE_DOUBLE));
  EXPECT_EQ(read_all<std::int16_t>(folder / "a.h5", "count", H5T_NATIVE_INT16),
            read_all<std::int16_t>(folder / "reverse.h5", "count", H5T_NATIVE_INT16));
}

TEST(SweepSlabWriter, StringVariableOverADimensionHasAttachedScale) {
  const fs::path path = test_folder() / "strings.h5";
  write_slabbed(path, false);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, "label", H5P_DEFAULT);
  const hid_t run = H5Dopen2(file, "run", H5P_DEFAULT);
  EXPECT_GT(H5DSis_attached(ds, run, 0), 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  std::vector<char*> values(4);
  ASSERT_GE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  EXPECT_STREQ(values[0], "a");
  EXPECT_STREQ(values[1], "");
  EXPECT_STREQ(values[2], "ccc");
  const hid_t space = H5Dget_space(ds);
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, values.data());
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(run);
  H5Dclose(ds);
  H5Fclose(file);
}

TEST(SweepSlabWriter, MisuseThrowsInvalidArgument) {
  const fs::path path = test_folder() / "misuse.h5";
  io::NcWriter w(path, true);
  w.add_dimension("run", std::vector<std::int32_t>{0, 1});
  w.add_dimension("term", std::vector<std::int32_t>{0, 1, 2});
  w.define<float>("x", {"run", "term"});
  EXPECT_THROW(w.define<float>("x", {"run"}), std::invalid_argument);                      // duplicate
  EXPECT_THROW(w.define<float>("y", {"run", "term"}, {}, {3, 1}), std::invalid_argument);  // chunk > size
  EXPECT_THROW(w.define<float>("z", {"run"}, {}, {1, 1}), std::invalid_argument);          // chunk rank
  EXPECT_THROW(w.write_slab<double>("x", {0, 0}, {1, 3}, std::vector<double>(3)), std::invalid_argument);  // type
  EXPECT_THROW(w.write_slab<float>("x", {1, 1}, {1, 3}, std::vector<float>(3)), std::invalid_argument);    // bounds
  EXPECT_THROW(w.write_slab<float>("x", {0, 0}, {1, 3}, std::vector<float>(2)), std::invalid_argument);    // size
  EXPECT_THROW(w.write_slab<float>("nope", {0}, {1}, std::vector<float>(1)), std::invalid_argument);
  EXPECT_THROW(w.write_strings("s", {"run"}, {"only one"}), std::invalid_argument);
  w.write_slab<float>("x", {1, 0}, {1, 3}, std::vector<float>{1, 2, 3});
  w.commit();
  EXPECT_THROW(w.write_slab<float>("x", {0, 0}, {1, 3}, std::vector<float>(3)), std::logic_error);
  const auto x = read_all<float>(path, "x", H5T_NATIVE_FLOAT);
  EXPECT_EQ(x, (std::vector<float>{0, 0, 0, 1, 2, 3}));
}

}  // namespace
