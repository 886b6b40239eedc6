// The one HDF5 layer (sim/io/h5_handle.hpp): a handle closes its identifier exactly once, and
// a failed open is reported with the path and HDF5's own reason while HDF5's automatic error
// printing stays whatever it was before (it is switched off only during schoolsim's calls).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>

#include "sim/io/h5_handle.hpp"
#include "sim/io/h5_inspect.hpp"
#include "sim/io/nc_reader.hpp"
#include "sim/io/verify.hpp"
#include "sim/io/world_file.hpp"

namespace {

using namespace schoolsim;
namespace fs = std::filesystem;

fs::path temp_folder(const std::string& name) {
  const char* base = std::getenv("SCHOOLSIM_TEST_TMP");
  const fs::path folder = (base != nullptr && *base != '\0' ? fs::path(base) : fs::temp_directory_path()) /
                          ("schoolsim_h5_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

fs::path text_file(const std::string& name) {
  const fs::path path = temp_folder(name) / "notes.nc";
  std::ofstream(path) << "this is a text file, not a world or result file\n";
  return path;
}

/// The message of the exception `open` throws ("" if it throws none).
std::string message_of(const std::function<void()>& open) {
  try {
    open();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

/// Stands in for a program's own HDF5 error handler; counts the failures it is shown.
int printed = 0;
herr_t counting_handler(hid_t, void*) {
  ++printed;
  return 0;
}

/// Restores HDF5's automatic error handler as it was when the test started.
class SavedAutoHandler {
 public:
  SavedAutoHandler() { H5Eget_auto2(H5E_DEFAULT, &func_, &data_); }
  ~SavedAutoHandler() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

TEST(H5Handle, ClosesItsIdentifier) {
  hid_t id = H5I_INVALID_HID;
  {
    const io::h5::Handle space(H5Screate(H5S_SCALAR));
    id = space.get();
    ASSERT_TRUE(space.valid());
    EXPECT_GT(H5Iis_valid(id), 0);
  }
  EXPECT_EQ(H5Iis_valid(id), 0);
}

TEST(H5Handle, ClosesEachKindWithItsOwnClose) {
  io::h5::Handle plist(H5Pcreate(H5P_FILE_ACCESS));
  io::h5::Handle type(H5Tcopy(H5T_NATIVE_INT32));
  io::h5::Handle space(H5Screate(H5S_SCALAR));
  const hid_t ids[] = {plist.get(), type.get(), space.get()};
  EXPECT_EQ(plist.close(), 0);
  EXPECT_EQ(type.close(), 0);
  EXPECT_EQ(space.close(), 0);
  for (const hid_t id : ids) EXPECT_EQ(H5Iis_valid(id), 0);
  EXPECT_FALSE(plist.valid());
  EXPECT_EQ(plist.close(), 0);  // owns nothing any more: nothing to close
}

TEST(H5Handle, AMovedFromHandleDoesNotCloseAgain) {
  io::h5::Handle first(H5Screate(H5S_SCALAR));
  const hid_t id = first.get();
  io::h5::Handle second(std::move(first));
  EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): what a move leaves is the point
  EXPECT_EQ(second.get(), id);
  first.reset();  // a no-op: `second` still owns the id
  EXPECT_GT(H5Iis_valid(id), 0);
  io::h5::Handle third;
  third = std::move(second);
  EXPECT_GT(H5Iis_valid(id), 0);
  EXPECT_EQ(third.get(), id);
  third.reset();
  EXPECT_EQ(H5Iis_valid(id), 0);
  // Another identifier may now reuse the number: the moved-from handles must not close it.
  const io::h5::Handle other(H5Screate(H5S_SCALAR));
  first.reset();
  second.reset();
  EXPECT_GT(H5Iis_valid(other.get()), 0);
}

TEST(H5Handle, TakeErrorGivesTheInnermostReasonAndClearsTheStack) {
  const io::h5::ErrorCapture capture;
  const fs::path path = text_file("take_error");
  const io::h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_FALSE(file.valid());
  EXPECT_EQ(io::h5::take_error(), "file signature not found");
  EXPECT_EQ(io::h5::take_error("nothing left"), "nothing left");
}

TEST(H5Handle, ErrorCaptureRestoresTheHandlerItFound) {
  const SavedAutoHandler saved;
  ASSERT_GE(H5Eset_auto2(H5E_DEFAULT, counting_handler, nullptr), 0);
  printed = 0;
  {
    const io::h5::ErrorCapture outer;
    {
      const io::h5::ErrorCapture inner;
      EXPECT_LT(H5Sclose(H5I_INVALID_HID), 0);  // fails silently
    }
    EXPECT_LT(H5Sclose(H5I_INVALID_HID), 0);  // still silent after the inner one ends
  }
  EXPECT_EQ(printed, 0);
  EXPECT_LT(H5Sclose(H5I_INVALID_HID), 0);  // the program's handler is back
  EXPECT_EQ(printed, 1);
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  ASSERT_GE(H5Eget_auto2(H5E_DEFAULT, &func, &data), 0);
  EXPECT_EQ(func, &counting_handler);
  H5Eclear2(H5E_DEFAULT);
}

TEST(H5Handle, ATextFileIsRefusedWithHdf5sReasonAndTheHandlerRestored) {
  const SavedAutoHandler saved;
  H5E_auto2_t before = nullptr;
  void* before_data = nullptr;
  ASSERT_GE(H5Eget_auto2(H5E_DEFAULT, &before, &before_data), 0);
  ASSERT_NE(before, nullptr);  // HDF5's default handler prints the stack
  const fs::path path = text_file("text");
  const std::function<void()> opens[] = {
      [&] { static_cast<void>(read_world_file(path)); },  // a world file
      [&] { const io::NcReader f(path); },                // a run or sweep file (loaders, resume)
      [&] { const io::H5Inspect f(path, false); },        // info, merge
      [&] { static_cast<void>(io::verify_file(path)); },  // info --verify
  };
  for (const auto& open : opens) {
    const std::string message = message_of(open);
    EXPECT_EQ(message, path.string() + ": not an HDF5 file (file signature not found)");
    H5E_auto2_t after = nullptr;
    void* after_data = nullptr;
    ASSERT_GE(H5Eget_auto2(H5E_DEFAULT, &after, &after_data), 0);
    EXPECT_EQ(after, before);
    EXPECT_EQ(after_data, before_data);
  }
}

TEST(H5Handle, ATextFileIsAnInputError) {
  const fs::path path = text_file("input_error");
  EXPECT_THROW(io::NcReader{path}, io::InputFileError);
  EXPECT_THROW(read_world_file(path), InputError);
}

}  // namespace
