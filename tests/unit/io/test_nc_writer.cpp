// Long file: one test suite for the one writer of the output format; its cases share helpers.
// Tests of the netCDF-4-compatible HDF5 writer: values, types, dimension scales, attributes,
// the temporary-file-and-rename protocol, errors, and byte-identical output.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "sim/io/nc_writer.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = schoolsim::io;

// Closes an HDF5 identifier at scope exit.
class H5 {
 public:
  H5(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  ~H5() {
    if (id_ >= 0) closer_(id_);
  }
  H5(const H5&) = delete;
  H5& operator=(const H5&) = delete;
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: reads like the C API it wraps

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

H5 open_file(const fs::path& path) { return H5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose); }
H5 open_dataset(hid_t file, const std::string& name) { return H5(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose); }

std::vector<hsize_t> shape_of(hid_t dataset, std::vector<hsize_t>* max_shape = nullptr) {
  H5 space(H5Dget_space(dataset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  std::vector<hsize_t> max(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, shape.data(), max.data());
  if (max_shape != nullptr) *max_shape = max;
  return shape;
}

template <class T>
std::vector<T> read_all(hid_t file, const std::string& name, hid_t memory_type) {
  H5 dataset = open_dataset(file, name);
  std::size_t count = 1;
  for (const hsize_t size : shape_of(dataset)) count *= size;
  std::vector<T> values(count);
  EXPECT_GE(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0) << name;
  return values;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  H5 attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  H5 type(H5Aget_type(attribute), H5Tclose);
  std::string value(H5Tget_size(type), '\0');
  EXPECT_GE(H5Aread(attribute, type, value.data()), 0);
  return value.substr(0, value.find('\0'));
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has_file(const fs::path& path) {
  std::error_code ignored;
  return fs::exists(fs::symlink_status(path, ignored));
}

fs::path find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string folders = path != nullptr ? path : "";
  std::size_t start = 0;
  while (start <= folders.size()) {
    const std::size_t end = std::min(folders.find(':', start), folders.size());
    const fs::path candidate = fs::path(folders.substr(start, end - start)) / program;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

// A small file shaped like a schoolsim run (docs/output_format.md), every element type,
// a string dimension, a zero-length dimension and a scalar.
void write_sample(const fs::path& path, bool overwrite) {
  io::NcWriter writer(path, overwrite);
  writer.set_global("Conventions", std::string("CF-1.8"));
  writer.set_global("title", std::string("schoolsim run: sample"));
  writer.set_global("scenario_yaml", std::string("name: sample\nterms: 2\n"));
  writer.set_global("seed", std::int64_t{1234567890123});
  writer.set_global("replicate", std::int64_t{3});
  writer.set_global("discount", 0.25);

  const std::vector<std::int32_t> terms{0, 1, 2};
  const std::vector<std::int32_t> schools{0, 1, 2, 3};
  const std::vector<std::int8_t> grades{1, 2, 3, 4};
  const std::vector<std::int32_t> no_events;
  const std::vector<std::int32_t> members{0, 1, 2};
  writer.add_dimension("term", terms, {{"units", std::string("term")}});
  writer.add_dimension("school", schools, {{"long_name", std::string("school id")}});
  writer.add_dimension("phase", std::vector<std::string>{"primary", "secondary"});
  writer.add_dimension("grade", grades, {{"long_name", std::string("inspection grade")}});
  writer.add_dimension("event", no_events);
  writer.add_dimension("member", members);

  writer.write<std::int8_t>("school_phase", {"school"}, std::vector<std::int8_t>{0, 0, 1, 1},
                            {{"flag_meanings", std::string("primary secondary")}});
  writer.write<double>("school_x", {"school"}, std::vector<double>{0.5, 1.5, 2.5, 3.5}, {{"units", std::string("km")}});
  std::vector<float> attainment(12);
  for (std::size_t i = 0; i < attainment.size(); ++i) attainment[i] = 0.125f * float(i);
  writer.write<float>("school_attainment", {"term", "school"}, attainment,
                      {{"units", std::string("pupil_sd")}, {"_FillValue", std::nan("")}});
  writer.write<std::int16_t>("school_partnerships", {"term", "school"}, std::vector<std::int16_t>(12, 2));
  writer.write<std::int64_t>("pupils_moved", {"term"}, std::vector<std::int64_t>{0, 5, 9},
                             {{"units", std::string("pupils")}});
  writer.write<double>("grade_share_by_phase", {"term", "phase", "grade"}, std::vector<double>(24, 0.25),
                       {{"units", std::string("1")}});
  writer.write<std::int32_t>("event_members", {"event", "member"}, std::vector<std::int32_t>{},
                             {{"_FillValue", std::int64_t{-1}}});
  writer.write<std::int8_t>("event_kind", {"event"}, std::vector<std::int8_t>{});
  writer.write<double>("money_total", {}, std::vector<double>{1.5e6}, {{"units", std::string("GBP")}});
  writer.commit();
}

// Each test gets its own empty folder: CTest runs tests as separate, parallel processes.
class NcWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
    folder_ = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) / "nc_writer" /
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override {
    if (!HasFailure()) {
      std::error_code ignored;
      fs::permissions(folder_, fs::perms::owner_all, fs::perm_options::add, ignored);
      fs::remove_all(folder_, ignored);
    }
  }
  fs::path folder_;
};

TEST_F(NcWriter, RoundTripsEveryNumericType) {
  const fs::path path = folder_ / "types.h5";
  const std::vector<std::int8_t> i8{-128, 0, 127};
  const std::vector<std::int16_t> i16{-32768, 1, 32767};
  const std::vector<std::int32_t> i32{std::numeric_limits<std::int32_t>::min(), 2,
                                      std::numeric_limits<std::int32_t>::max()};
  const std::vector<std::int64_t> i64{std::numeric_limits<std::int64_t>::min(), 3,
                                      std::numeric_limits<std::int64_t>::max()};
  const std::vector<float> f32{-1.5f, 0.0f, 3.25e30f};
  const std::vector<double> f64{-2.5, 1e-300, 6.02e23};
  {
    io::NcWriter writer(path, false);
    writer.add_dimension("x", std::vector<std::int32_t>{10, 20, 30});
    writer.write<std::int8_t>("i8", {"x"}, i8);
    writer.write<std::int16_t>("i16", {"x"}, i16);
    writer.write<std::int32_t>("i32", {"x"}, i32);
    writer.write<std::int64_t>("i64", {"x"}, i64);
    writer.write<float>("f32", {"x"}, f32);
    writer.write<double>("f64", {"x"}, std::span<const double>(f64));
    writer.commit();
  }
  H5 file = open_file(path);
  ASSERT_GE(file.get(), 0);
  EXPECT_EQ(read_all<std::int32_t>(file, "x", H5T_NATIVE_INT32), (std::vector<std::int32_t>{10, 20, 30}));
  EXPECT_EQ(read_all<std::int8_t>(file, "i8", H5T_NATIVE_INT8), i8);
  EXPECT_EQ(read_all<std::int16_t>(file, "i16", H5T_NATIVE_INT16), i16);
  EXPECT_EQ(read_all<std::int32_t>(file, "i32", H5T_NATIVE_INT32), i32);
  EXPECT_EQ(read_all<std::int64_t>(file, "i64", H5T_NATIVE_INT64), i64);
  EXPECT_EQ(read_all<float>(file, "f32", H5T_NATIVE_FLOAT), f32);
  EXPECT_EQ(read_all<double>(file, "f64", H5T_NATIVE_DOUBLE), f64);

  // Stored as little-endian standard types, the narrowest the caller chose.
  const std::array<std::pair<const char*, hid_t>, 6> stored{{{"i8", H5T_STD_I8LE},
                                                             {"i16", H5T_STD_I16LE},
                                                             {"i32", H5T_STD_I32LE},
                                                             {"i64", H5T_STD_I64LE},
                                                             {"f32", H5T_IEEE_F32LE},
                                                             {"f64", H5T_IEEE_F64LE}}};
  for (const auto& [name, type] : stored) {
    H5 dataset = open_dataset(file, name);
    H5 file_type(H5Dget_type(dataset), H5Tclose);
    EXPECT_GT(H5Tequal(file_type, type), 0) << name;
  }
}

TEST_F(NcWriter, DatasetsAreChunkedWithShuffleDeflateAndFletcher32) {
  const fs::path path = folder_ / "filters.h5";
  {
    io::NcWriter writer(path, false);
    writer.add_dimension("x", std::vector<std::int32_t>{0, 1, 2, 3});
    writer.write<double>("v", {"x"}, std::vector<double>{1, 2, 3, 4});
    writer.commit();
  }
  H5 file = open_file(path);
  H5 dataset = open_dataset(file, "v");
  H5 dcpl(H5Dget_create_plist(dataset), H5Pclose);
  ASSERT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
  ASSERT_EQ(H5Pget_nfilters(dcpl), 3);
  const std::array<H5Z_filter_t, 3> expected{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32};
  for (unsigned i = 0; i < expected.size(); ++i) {
    unsigned flags = 0;
    std::size_t count = 1;
    unsigned values[1] = {0};
    const H5Z_filter_t filter = H5Pget_filter2(dcpl, i, &flags, &count, values, 0, nullptr, nullptr);
    EXPECT_EQ(filter, expected[i]) << "filter " << i;
    if (filter == H5Z_FILTER_DEFLATE) {
      EXPECT_EQ(values[0], 1u);  // level 1: docs/performance.md, round of 2026-12-06
    }
  }
}

TEST_F(NcWriter, ChunksAreAtMostOneMebibyte) {
  const fs::path path = folder_ / "chunks.h5";
  const std::size_t terms = 10;
  const std::size_t schools = 100000;
  std::vector<std::int32_t> term_ids(terms);
  std::vector<std::int32_t> school_ids(schools);
  for (std::size_t i = 0; i < terms; ++i) term_ids[i] = static_cast<std::int32_t>(i);
  for (std::size_t i = 0; i < schools; ++i) school_ids[i] = static_cast<std::int32_t>(i);
  std::vector<float> values(terms * schools);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 977);
  {
    io::NcWriter writer(path, false);
    writer.add_dimension("term", term_ids);
    writer.add_dimension("school", school_ids);
    writer.write<float>("big", {"term", "school"}, values);
    writer.write<float>("small", {"term"}, std::vector<float>(terms, 1.0f));
    writer.commit();
  }
  H5 file = open_file(path);
  {
    H5 dataset = open_dataset(file, "big");
    H5 dcpl(H5Dget_create_plist(dataset), H5Pclose);
    std::array<hsize_t, 2> chunk{};
    ASSERT_EQ(H5Pget_chunk(dcpl, 2, chunk.data()), 2);
    EXPECT_EQ(chunk[0], terms) << "split by school, not by term";
    EXPECT_LE(chunk[0] * chunk[1] * sizeof(float), std::size_t{1} << 20);
    EXPECT_GE(chunk[0] * chunk[1] * sizeof(float), std::size_t{1} << 19);
  }
  {
    H5 dataset = open_dataset(file, "small");
    H5 dcpl(H5Dget_create_plist(dataset), H5Pclose);
    hsize_t chunk = 0;
    ASSERT_EQ(H5Pget_chunk(dcpl, 1, &chunk), 1);
    EXPECT_EQ(chunk, terms) << "a small variable is one chunk";
  }
  EXPECT_EQ(read_all<float>(file, "big", H5T_NATIVE_FLOAT), values);
}

TEST_F(NcWriter, AttachesDimensionScales) {
  const fs::path path = folder_ / "scales.h5";
  write_sample(path, false);
  H5 file = open_file(path);
  for (const char* dim : {"term", "school", "phase", "grade", "event", "member"}) {
    H5 scale = open_dataset(file, dim);
    EXPECT_GT(H5DSis_scale(scale), 0) << dim;
    char name[64] = {};
    ASSERT_GT(H5DSget_scale_name(scale, name, sizeof name), 0) << dim;
    EXPECT_STREQ(name, dim);
  }
  const auto expect_attached = [&](const char* variable, std::vector<const char*> dims) {
    H5 dataset = open_dataset(file, variable);
    EXPECT_EQ(H5DSis_scale(dataset), 0) << variable;
    for (unsigned axis = 0; axis < dims.size(); ++axis) {
      H5 scale = open_dataset(file, dims[axis]);
      EXPECT_GT(H5DSis_attached(dataset, scale, axis), 0) << variable << " axis " << axis;
    }
  };
  expect_attached("school_attainment", {"term", "school"});
  expect_attached("grade_share_by_phase", {"term", "phase", "grade"});
  expect_attached("event_members", {"event", "member"});
}

TEST_F(NcWriter, StringDimensionIsVariableLengthUtf8) {
  const fs::path path = folder_ / "strings.h5";
  const std::vector<std::string> labels{"pair", "network", "federation", "mat", "é"};
  {
    io::NcWriter writer(path, false);
    writer.add_dimension("partnership_type", labels);
    writer.commit();
  }
  H5 file = open_file(path);
  H5 dataset = open_dataset(file, "partnership_type");
  H5 type(H5Dget_type(dataset), H5Tclose);
  EXPECT_GT(H5Tis_variable_str(type), 0);
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  EXPECT_GT(H5DSis_scale(dataset), 0);

  std::vector<char*> read(labels.size());
  H5 memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory_type, H5T_VARIABLE);
  H5Tset_cset(memory_type, H5T_CSET_UTF8);
  ASSERT_GE(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, read.data()), 0);
  for (std::size_t i = 0; i < labels.size(); ++i) EXPECT_EQ(std::string(read[i]), labels[i]);
  H5 space(H5Dget_space(dataset), H5Sclose);
  H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, read.data());
}

TEST_F(NcWriter, AttributesHaveNetcdfTypes) {
  const fs::path path = folder_ / "attributes.h5";
  const std::string long_text(100000, 'y');  // bigger than HDF5's 64 KiB compact limit
  {
    io::NcWriter writer(path, false);
    writer.set_global("title", std::string("first"));
    writer.set_global("title", std::string("schoolsim run: é"));  // replaces
    writer.set_global("empty", std::string());
    writer.set_global("scenario_yaml", long_text);
    writer.set_global("seed", std::int64_t{-9000000000});
    writer.set_global("weight", 0.75);
    writer.add_dimension("x", std::vector<std::int8_t>{1, 2}, {{"units", std::string("1")}});
    writer.commit();
  }
  H5 file = open_file(path);
  H5 root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
  EXPECT_EQ(read_string_attribute(root, "title"), "schoolsim run: é");
  EXPECT_EQ(read_string_attribute(root, "empty"), "");
  EXPECT_EQ(read_string_attribute(root, "scenario_yaml"), long_text);
  {
    H5 attribute(H5Aopen(root, "title", H5P_DEFAULT), H5Aclose);
    H5 type(H5Aget_type(attribute), H5Tclose);
    H5 space(H5Aget_space(attribute), H5Sclose);
    EXPECT_EQ(H5Tget_class(type), H5T_STRING);
    EXPECT_EQ(H5Tis_variable_str(type), 0) << "fixed-length";
    EXPECT_EQ(H5Tget_strpad(type), H5T_STR_NULLTERM);
    EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
    EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR);
  }
  {
    H5 attribute(H5Aopen(root, "seed", H5P_DEFAULT), H5Aclose);
    H5 type(H5Aget_type(attribute), H5Tclose);
    EXPECT_GT(H5Tequal(type, H5T_STD_I64LE), 0);
    std::int64_t seed = 0;
    ASSERT_GE(H5Aread(attribute, H5T_NATIVE_INT64, &seed), 0);
    EXPECT_EQ(seed, -9000000000);
  }
  {
    H5 attribute(H5Aopen(root, "weight", H5P_DEFAULT), H5Aclose);
    H5 type(H5Aget_type(attribute), H5Tclose);
    EXPECT_GT(H5Tequal(type, H5T_IEEE_F64LE), 0);
    double weight = 0;
    ASSERT_GE(H5Aread(attribute, H5T_NATIVE_DOUBLE, &weight), 0);
    EXPECT_EQ(weight, 0.75);
  }
  H5 x = open_dataset(file, "x");
  EXPECT_EQ(read_string_attribute(x, "units"), "1");
}

TEST_F(NcWriter, FillValueHasTheDataType) {
  const fs::path path = folder_ / "fill.h5";
  {
    io::NcWriter writer(path, false);
    writer.add_dimension("x", std::vector<std::int32_t>{0, 1});
    writer.write<std::int8_t>("grade", {"x"}, std::vector<std::int8_t>{1, -1}, {{"_FillValue", std::int64_t{-1}}});
    writer.write<float>("attainment", {"x"}, std::vector<float>{0.5f, 1.0f}, {{"_FillValue", -999.0}});
    writer.write<std::int16_t>("programme", {"x"}, std::vector<std::int16_t>{3, -1}, {{"_FillValue", -1.0}});
    writer.commit();
  }
  H5 file = open_file(path);
  const auto check = [&](const char* name, hid_t file_type, hid_t memory_type, auto expected) {
    using T = decltype(expected);
    H5 dataset = open_dataset(file, name);
    H5 attribute(H5Aopen(dataset, "_FillValue", H5P_DEFAULT), H5Aclose);
    H5 type(H5Aget_type(attribute), H5Tclose);
    EXPECT_GT(H5Tequal(type, file_type), 0) << name;
    T value{};
    ASSERT_GE(H5Aread(attribute, memory_type, &value), 0);
    EXPECT_EQ(value, expected) << name;
    H5 dcpl(H5Dget_create_plist(dataset), H5Pclose);
    T fill{};
    ASSERT_GE(H5Pget_fill_value(dcpl, memory_type, &fill), 0);
    EXPECT_EQ(fill, expected) << name << " HDF5 fill value";
  };
  check("grade", H5T_STD_I8LE, H5T_NATIVE_INT8, std::int8_t{-1});
  check("attainment", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, -999.0f);
  check("programme", H5T_STD_I16LE, H5T_NATIVE_INT16, std::int16_t{-1});
}

TEST_F(NcWriter, RejectsFillValueThatDoesNotFit) {
  io::NcWriter writer(folder_ / "badfill.h5", false);
  writer.add_dimension("x", std::vector<std::int32_t>{0});
  const std::vector<std::int8_t> one{1};
  EXPECT_THROW(writer.write<std::int8_t>("a", {"x"}, one, {{"_FillValue", std::int64_t{300}}}), std::invalid_argument);
  EXPECT_THROW(writer.write<std::int8_t>("b", {"x"}, one, {{"_FillValue", 0.5}}), std::invalid_argument);
  EXPECT_THROW(writer.write<std::int8_t>("c", {"x"}, one, {{"_FillValue", std::string("-1")}}), std::invalid_argument);
  EXPECT_THROW(writer.write<float>("d", {"x"}, std::vector<float>{1.0f}, {{"_FillValue", 1e300}}),
               std::invalid_argument);
}

TEST_F(NcWriter, RefusesToOverwriteWithoutForce) {
  const fs::path path = folder_ / "run.h5";
  {
    std::ofstream out(path, std::ios::binary);
    out << "an earlier result";
  }
  const std::string before = file_bytes(path);
  try {
    io::NcWriter writer(path, false);
    FAIL() << "expected OutputError";
  } catch (const io::OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("exists"), std::string::npos) << error.what();
  }
  EXPECT_EQ(file_bytes(path), before);
}

TEST_F(NcWriter, RefusesAtCommitWhenTheFileAppearedMeanwhile) {
  const fs::path path = folder_ / "run.h5";
  fs::path temporary;
  {
    io::NcWriter writer(path, false);
    temporary = writer.temporary_path();
    writer.add_dimension("x", std::vector<std::int32_t>{1});
    {
      std::ofstream out(path, std::ios::binary);
      out << "another process finished first";
    }
    EXPECT_THROW(writer.commit(), io::OutputError);
  }
  EXPECT_EQ(file_bytes(path), "another process finished first");
  EXPECT_FALSE(has_file(temporary));
}

TEST_F(NcWriter, OverwritesWithForce) {
  const fs::path path = folder_ / "run.h5";
  {
    std::ofstream out(path, std::ios::binary);
    out << "an earlier result";
  }
  write_sample(path, true);
  H5 file = open_file(path);
  ASSERT_GE(file.get(), 0);
  EXPECT_EQ(read_all<std::int32_t>(file, "term", H5T_NATIVE_INT32), (std::vector<std::int32_t>{0, 1, 2}));
}

TEST_F(NcWriter, WritesUnderTemporaryNameUntilCommit) {
  const fs::path path = folder_ / "run.h5";
  io::NcWriter writer(path, false);
  EXPECT_EQ(writer.final_path(), path);
  EXPECT_EQ(writer.temporary_path().string(), path.string() + ".tmp-" + std::to_string(::getpid()));
  EXPECT_TRUE(has_file(writer.temporary_path()));
  EXPECT_FALSE(has_file(path));
  writer.add_dimension("x", std::vector<std::int32_t>{1, 2});
  writer.commit();
  EXPECT_TRUE(writer.committed());
  EXPECT_TRUE(has_file(path));
  EXPECT_FALSE(has_file(writer.temporary_path()));
}

TEST_F(NcWriter, LeavesNoFileWhenDestroyedWithoutCommit) {
  const fs::path path = folder_ / "run.h5";
  fs::path temporary;
  {
    io::NcWriter writer(path, false);
    temporary = writer.temporary_path();
    writer.add_dimension("x", std::vector<std::int32_t>{1, 2});
    writer.write<double>("v", {"x"}, std::vector<double>{1, 2});
  }
  EXPECT_FALSE(has_file(path));
  EXPECT_FALSE(has_file(temporary));
  EXPECT_TRUE(fs::is_empty(folder_));
}

TEST_F(NcWriter, MissingFolderGivesOutputErrorNamingThePath) {
  const fs::path path = folder_ / "no_such_folder" / "run.h5";
  try {
    io::NcWriter writer(path, false);
    FAIL() << "expected OutputError";
  } catch (const io::OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("does not exist"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(has_file(path.parent_path()));
}

TEST_F(NcWriter, UnwritableFolderGivesOutputErrorNamingThePath) {
  const fs::path locked = folder_ / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  if (::access(locked.c_str(), W_OK) == 0) {
    fs::permissions(locked, fs::perms::owner_all);
    GTEST_SKIP() << "running with privileges that ignore folder permissions (root)";
  }
  const fs::path path = locked / "run.h5";
  try {
    io::NcWriter writer(path, false);
    ADD_FAILURE() << "expected OutputError";
  } catch (const io::OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("not writable"), std::string::npos) << error.what();
  }
  fs::permissions(locked, fs::perms::owner_all);
  EXPECT_TRUE(fs::is_empty(locked));
}

TEST_F(NcWriter, HDF5FailureGivesOutputErrorNamingThePath) {
  // A stale temporary file of this very process makes the exclusive create fail in HDF5.
  const fs::path path = folder_ / "run.h5";
  const fs::path stale = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(stale, std::ios::binary);
    out << "stale";
  }
  try {
    io::NcWriter writer(path, false);
    FAIL() << "expected OutputError";
  } catch (const io::OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("HDF5"), std::string::npos) << error.what();
  }
  EXPECT_EQ(file_bytes(stale), "stale");
  EXPECT_FALSE(has_file(path));
}

TEST_F(NcWriter, SizeMismatchThrows) {
  const fs::path path = folder_ / "run.h5";
  io::NcWriter writer(path, false);
  writer.add_dimension("term", std::vector<std::int32_t>{0, 1, 2});
  writer.add_dimension("school", std::vector<std::int32_t>{0, 1});
  EXPECT_THROW(writer.write<float>("v", {"term", "school"}, std::vector<float>(5)), std::invalid_argument);
  EXPECT_THROW(writer.write<float>("v", {"term"}, std::vector<float>{}), std::invalid_argument);
  EXPECT_THROW(writer.write<float>("v", {}, std::vector<float>(2)), std::invalid_argument);
  EXPECT_THROW(writer.write<float>("v", {"nope"}, std::vector<float>(1)), std::invalid_argument);
  EXPECT_THROW(writer.write<float>("term", {"term"}, std::vector<float>(3)), std::invalid_argument);
  EXPECT_THROW(writer.write<float>("v", {"term"}, std::vector<float>(3), {{"CLASS", 1.0}}), std::invalid_argument);
  // A rejected call leaves nothing behind: the name is still free.
  writer.write<float>("v", {"term", "school"}, std::vector<float>(6, 1.0f));
  EXPECT_THROW(writer.write<float>("v", {"term", "school"}, std::vector<float>(6)), std::invalid_argument);
  writer.commit();
  H5 file = open_file(path);
  EXPECT_EQ(read_all<float>(file, "v", H5T_NATIVE_FLOAT), std::vector<float>(6, 1.0f));
}

TEST_F(NcWriter, ZeroSizeDimension) {
  const fs::path path = folder_ / "run.h5";
  write_sample(path, false);
  H5 file = open_file(path);
  for (const char* name : {"event", "event_kind"}) {
    H5 dataset = open_dataset(file, name);
    std::vector<hsize_t> max_shape;
    EXPECT_EQ(shape_of(dataset, &max_shape), std::vector<hsize_t>{0}) << name;
    EXPECT_EQ(max_shape, std::vector<hsize_t>{H5S_UNLIMITED}) << name;
  }
  H5 members = open_dataset(file, "event_members");
  std::vector<hsize_t> max_shape;
  EXPECT_EQ(shape_of(members, &max_shape), (std::vector<hsize_t>{0, 3}));
  EXPECT_EQ(max_shape, (std::vector<hsize_t>{H5S_UNLIMITED, 3}));
  EXPECT_TRUE(read_all<std::int32_t>(file, "event_members", H5T_NATIVE_INT32).empty());
}

TEST_F(NcWriter, ScalarVariable) {
  const fs::path path = folder_ / "run.h5";
  write_sample(path, false);
  H5 file = open_file(path);
  H5 dataset = open_dataset(file, "money_total");
  EXPECT_TRUE(shape_of(dataset).empty());
  EXPECT_EQ(read_all<double>(file, "money_total", H5T_NATIVE_DOUBLE), std::vector<double>{1.5e6});
}

TEST_F(NcWriter, UseAfterCommitThrows) {
  io::NcWriter writer(folder_ / "run.h5", false);
  writer.commit();
  EXPECT_THROW(writer.set_global("title", std::string("late")), std::logic_error);
  EXPECT_THROW(writer.add_dimension("x", std::vector<std::int32_t>{1}), std::logic_error);
  EXPECT_THROW(writer.commit(), std::logic_error);
}

TEST_F(NcWriter, SameContentGivesByteIdenticalFiles) {
  // No object times, fixed format bounds: identical content means identical bytes.
  write_sample(folder_ / "a.h5", false);
  write_sample(folder_ / "b.h5", false);
  const std::string first = file_bytes(folder_ / "a.h5");
  ASSERT_FALSE(first.empty());
  EXPECT_TRUE(first == file_bytes(folder_ / "b.h5"));
}

TEST_F(NcWriter, NcdumpShowsNamedDimensions) {
  const fs::path ncdump = find_on_path("ncdump");
  if (ncdump.empty()) GTEST_SKIP() << "ncdump is not on PATH";
  const fs::path path = folder_ / "run.h5";
  write_sample(path, false);
  const std::string command = "'" + ncdump.string() + "' -h '" + path.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string header;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) header += buffer.data();
  ASSERT_EQ(::pclose(pipe), 0) << header;
  for (const char* expected :
       {"term = 3 ;", "school = 4 ;", "phase = 2 ;", "grade = 4 ;", "member = 3 ;",
        "event = UNLIMITED ; // (0 currently)", "string phase(phase) ;", "float school_attainment(term, school) ;",
        "double grade_share_by_phase(term, phase, grade) ;", "int event_members(event, member) ;",
        ":seed = 1234567890123LL ;", ":Conventions = \"CF-1.8\" ;", "school_attainment:units = \"pupil_sd\" ;",
        "event_members:_FillValue = -1 ;"}) {
    EXPECT_NE(header.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << header;
  }
  EXPECT_EQ(header.find("phony_dim"), std::string::npos) << header;
}

// Writes the sample file for tests/python/test_nc_writer_contract.py, which runs this test
// with SCHOOLSIM_NC_SAMPLE_OUT set and checks the file with xarray, netCDF4 and h5py.
TEST_F(NcWriter, WritesSampleFile) {
  const char* requested = std::getenv("SCHOOLSIM_NC_SAMPLE_OUT");
  const fs::path path = requested != nullptr && *requested != '\0' ? fs::path(requested) : folder_ / "sample.h5";
  write_sample(path, true);
  H5 file = open_file(path);
  EXPECT_GE(file.get(), 0);
}

}  // namespace
