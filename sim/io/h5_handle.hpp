#pragma once
// The one layer between schoolsim and HDF5's C API (docs/architecture.md "HDF5"): every HDF5
// identifier schoolsim opens is owned by an h5::Handle, and every failed HDF5 call becomes an
// exception whose message carries HDF5's own reason, taken from its error stack.
//
// Why an ErrorCapture instead of switching HDF5's error printing off once: HDF5's default is
// to print its whole error stack to stderr at every failed call. Switching that off for the
// whole process (a null automatic error handler, as the readers and the writer used to set)
// also silences HDF5 for any other code in the process (a test, a program linking
// schoolsim::core) and hides the reason from us unless we walk the stack at the right moment.
// So printing is off only while schoolsim's own calls run, and the stack is read (take_error)
// right after the call that failed: any later HDF5 call other than H5E* clears it.
//
// Internal header of sim/io: it includes <hdf5.h>, which the public headers do not.
#include <hdf5.h>

#include <string>
#include <vector>

namespace schoolsim::io::h5 {

/// Owns one HDF5 identifier (file, group, dataset, attribute, datatype, dataspace, property
/// list) and closes it with the matching H5*close, chosen by H5Iget_type when it closes: one
/// type for every kind of identifier, so no call site can pair an id with the wrong close.
/// Move-only; a moved-from or default Handle owns nothing. Never wrap a predefined identifier
/// (H5T_NATIVE_INT, H5P_DEFAULT): they are not ours to close.
class Handle {
 public:
  Handle() noexcept = default;
  /// Takes ownership of `id`; a negative id (a failed call) is kept as "not valid".
  explicit Handle(hid_t id) noexcept : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Closes now and returns HDF5's status (a failed close of a file being written loses data,
  /// so the writer checks it); the handle then owns nothing. 0 if it owned nothing.
  herr_t close() noexcept;
  /// close(), ignoring the status (destructors, error paths).
  void reset() noexcept { static_cast<void>(close()); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// For its lifetime, HDF5 does not print its error stack (the failure is reported by
/// schoolsim, with take_error's reason); its destructor restores the automatic error handler
/// that was set before (saved with H5Eget_auto2), so nesting is harmless and the rest of
/// the process keeps HDF5's default. Put one at the top of every function that calls HDF5.
/// With a thread-safe HDF5 (Debian's is) the handler and the error stack are per thread, so
/// a capture in one sweep thread does not touch another's.
class ErrorCapture {
 public:
  ErrorCapture() noexcept;
  ~ErrorCapture();
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

/// One entry of HDF5's error stack: what went wrong there ("file signature not found") and
/// HDF5's minor error class ("Not an HDF5 file").
struct ErrorEntry {
  std::string description;
  std::string minor;
};

/// The current error stack, innermost entry (where HDF5 detected the problem, the useful one)
/// first, newlines replaced by spaces; the stack is then cleared.
std::vector<ErrorEntry> take_errors();

/// The innermost description of the current error stack ("file signature not found",
/// "incorrect metadata checksum after all read tries", "data error detected by Fletcher32
/// checksum"), or `fallback` if the stack is empty; the stack is then cleared. Call it right
/// after the failed call, before any other HDF5 call (closing a Handle included).
std::string take_error(const std::string& fallback = "HDF5 gave no reason");

}  // namespace schoolsim::io::h5
