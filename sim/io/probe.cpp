#include "sim/io/probe.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "sim/core/damaged_file_error.hpp"
#include "sim/io/h5_handle.hpp"
#include "sim/io/nc_reader.hpp"

namespace schoolsim::io {
namespace {

using h5::Handle;

/// Thrown inside the walk; caught at its top.
struct Damaged {
  std::string what;
};

[[noreturn]] void damaged(const std::string& where, const std::string& what) {
  throw Damaged{where + ": " + h5::take_error(what)};
}

/// Reads a file's metadata and (with `data`) its datasets as schoolsim's readers do; throws
/// Damaged naming the first object that does not read back.
struct Walker {
  bool data = true;  ///< read datasets (else metadata only)
  static Handle memory_type(hid_t file_type) {
    if (H5Tget_class(file_type) == H5T_STRING && H5Tis_variable_str(file_type) > 0) return Handle(H5Tcopy(file_type));
    return Handle(H5Tget_native_type(file_type, H5T_DIR_ASCEND));
  }

  static bool has_vlen(hid_t type) {
    return H5Tdetect_class(type, H5T_VLEN) > 0 || (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0);
  }

  void attributes(hid_t object, const std::string& where) {
    const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    // Both listings (readers use creation order, falling back to names where it is not tracked).
    std::vector<std::string> by_order, by_name;
    hsize_t index = 0;
    if (H5Aiterate2(object, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect, &by_order) < 0) H5Eclear2(H5E_DEFAULT);
    index = 0;
    if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &by_name) < 0)
      damaged(where, "cannot list its attributes");
    for (const auto& name : by_name) read_attribute(object, where, name);
  }

  void read_attribute(hid_t object, const std::string& where, const std::string& name) {
    const std::string what = where + " attribute '" + name + "'";
    if (H5Aexists(object, name.c_str()) <= 0) damaged(what, "cannot find it");
    const Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    if (!attr.valid()) damaged(what, "cannot open it");
    const Handle type(H5Aget_type(attr.get()));
    const Handle space(H5Aget_space(attr.get()));
    if (!type.valid() || !space.valid()) damaged(what, "cannot read its type or shape");
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n < 0) damaged(what, "cannot read its shape");
    const Handle memory = memory_type(type.get());
    if (!memory.valid()) damaged(what, "cannot convert its type");
    const std::size_t size = H5Tget_size(memory.get());
    if (size == 0) damaged(what, "has an element size of 0");
    std::vector<unsigned char> buffer(static_cast<std::size_t>(std::max<hssize_t>(n, 1)) * size, 0);
    if (H5Aread(attr.get(), memory.get(), buffer.data()) < 0) damaged(what, "cannot read it");
    if (has_vlen(memory.get())) H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, buffer.data());
  }

  /// Every dataset: its data in slabs, allocated chunks against its shape, its scales and,
  /// for a variable-length string variable with a schoolsim_crc32 attribute, that checksum.
  void dataset(hid_t file, const std::string& name) {
    const std::string where = "variable '" + name + "'";
    const Handle d(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    if (!d.valid()) damaged(where, "cannot open it");
    attributes(d.get(), where);
    const Handle space(H5Dget_space(d.get()));
    const Handle type(H5Dget_type(d.get()));
    const Handle dcpl(H5Dget_create_plist(d.get()));
    if (!space.valid() || !type.valid() || !dcpl.valid()) damaged(where, "cannot read its shape, type or layout");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > H5S_MAX_RANK) damaged(where, "cannot read its shape");
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr) < 0)
      damaged(where, "cannot read its shape");
    hsize_t total = 1;
    for (const hsize_t s : shape) total *= s;

    // Dimension scales (read by H5Inspect).
    for (int axis = 0; axis < rank; ++axis) {
      if (H5DSget_num_scales(d.get(), static_cast<unsigned>(axis)) > 0) {
        int index = 0;
        const auto visit = [](hid_t, unsigned, hid_t scale, void*) -> herr_t {
          char buffer[256] = {};
          H5DSget_scale_name(scale, buffer, sizeof buffer);
          return 1;
        };
        H5DSiterate_scales(d.get(), static_cast<unsigned>(axis), &index, visit, nullptr);
      }
    }
    H5Eclear2(H5E_DEFAULT);
    if (!data) return;

    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_VIRTUAL) {
      std::size_t count = 0;
      if (H5Pget_virtual_count(dcpl.get(), &count) < 0) damaged(where, "cannot read its virtual mappings");
      for (std::size_t i = 0; i < count; ++i)
        if (H5Pget_virtual_filename(dcpl.get(), i, nullptr, 0) < 0) damaged(where, "cannot read its virtual mappings");
    }
    std::vector<hsize_t> chunk;
    if (layout == H5D_CHUNKED) {
      chunk.assign(static_cast<std::size_t>(rank), 1);
      if (H5Pget_chunk(dcpl.get(), rank, chunk.data()) < 0) damaged(where, "cannot read its chunk shape");
      for (const hsize_t c : chunk)
        if (c == 0) damaged(where, "has a chunk dimension of 0");
      // NcWriter writes every element of every variable: each chunk the shape needs must be
      // in the chunk index. A damaged index (HDF5 1.8 format: unchecksummed B-trees) would
      // otherwise read back as fill values.
      if (total > 0) {
        hsize_t needed = 1;
        for (std::size_t a = 0; a < shape.size(); ++a) needed *= (shape[a] + chunk[a] - 1) / chunk[a];
        hsize_t allocated = 0;
        if (H5Dget_num_chunks(d.get(), space.get(), &allocated) < 0) damaged(where, "cannot read its chunk index");
        if (allocated != needed)
          throw Damaged{where + ": " + std::to_string(allocated) + " of its " + std::to_string(needed) +
                        " chunks are in the chunk index"};
      }
    } else if (layout == H5D_CONTIGUOUS && total > 0) {
      haddr_t address = H5Dget_offset(d.get());
      if (address == HADDR_UNDEF) {
        H5Eclear2(H5E_DEFAULT);
        throw Damaged{where + ": its data was never written (no storage allocated)"};
      }
    }
    if (total == 0) return;

    const Handle memory = memory_type(type.get());
    if (!memory.valid()) damaged(where, "cannot convert its type");
    const bool vlen = has_vlen(memory.get());
    const bool vlen_string = H5Tget_class(memory.get()) == H5T_STRING && H5Tis_variable_str(memory.get()) > 0;
    const std::size_t element = H5Tget_size(memory.get());
    if (element == 0) damaged(where, "has an element size of 0");

    // The checksum of a string variable, if it has one.
    std::optional<std::int64_t> expected_crc;
    if (vlen_string && H5Aexists(d.get(), kStringsChecksumAttribute) > 0) {
      const Handle attr(H5Aopen(d.get(), kStringsChecksumAttribute, H5P_DEFAULT));
      std::int64_t v = 0;
      if (!attr.valid() || H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) damaged(where, "cannot read its checksum");
      expected_crc = v;
    }
    H5Eclear2(H5E_DEFAULT);
    std::vector<std::string> strings;

    hsize_t row_elements = 1;
    for (std::size_t a = 1; a < shape.size(); ++a) row_elements *= shape[a];
    const hsize_t rows = rank == 0 ? 1 : shape[0];
    const hsize_t step0 = chunk.empty() ? 1 : chunk[0];
    const hsize_t budget = std::max<hsize_t>(1, (hsize_t{64} << 20) / std::max<hsize_t>(1, row_elements * element));
    const hsize_t slab_rows = rank == 0 ? 1 : std::max(step0, budget / step0 * step0);
    std::vector<unsigned char> buffer;
    for (hsize_t first = 0; first < rows; first += slab_rows) {
      const hsize_t count0 = rank == 0 ? 1 : std::min(slab_rows, rows - first);
      buffer.assign(static_cast<std::size_t>((rank == 0 ? 1 : count0 * row_elements) * element), 0);
      std::vector<hsize_t> start(shape.size(), 0), count(shape);
      if (rank > 0) start[0] = first, count[0] = count0;
      const Handle file_space(rank > 0 ? H5Scopy(space.get()) : H5Screate(H5S_SCALAR));
      const Handle memory_space(rank > 0 ? H5Screate_simple(rank, count.data(), nullptr) : H5Screate(H5S_SCALAR));
      if (!file_space.valid() || !memory_space.valid() ||
          (rank > 0 &&
           H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0))
        damaged(where, "cannot select a block of it");
      if (H5Dread(d.get(), memory.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, buffer.data()) < 0)
        damaged(where, "cannot read it");
      if (expected_crc) {
        const auto* p = reinterpret_cast<char* const*>(buffer.data());
        for (std::size_t k = 0; k < buffer.size() / sizeof(char*); ++k) strings.emplace_back(p[k] ? p[k] : "");
      }
      if (vlen) H5Dvlen_reclaim(memory.get(), memory_space.get(), H5P_DEFAULT, buffer.data());
    }
    if (expected_crc && strings_crc32(strings) != *expected_crc)
      throw Damaged{where + ": its strings do not match their " + kStringsChecksumAttribute + " checksum"};
  }

  void walk(hid_t file) {
    // Every object's full header information, including the sizes of its B-trees and heaps
    // (h5py, netCDF and xarray read these: damage there makes them refuse the file).
    H5O_info_t root{};
    if (H5Oget_info(file, &root) < 0) damaged("the root group", "cannot read its object header");
    const auto visit = [](hid_t, const char*, const H5O_info_t*, void*) -> herr_t { return 0; };
    if (H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, nullptr) < 0)
      damaged("the root group", "cannot visit its objects");
    attributes(file, "global");
    // Both listings of the root group (H5Inspect and verify use creation order, H5Lexists and
    // H5Ovisit names).
    std::vector<std::string> by_order, by_name;
    const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    hsize_t index = 0;
    if (H5Literate(file, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect, &by_order) < 0) {
      H5Eclear2(H5E_DEFAULT);
      by_order.clear();
    }
    index = 0;
    if (H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &by_name) < 0)
      damaged("the root group", "cannot list its variables");
    if (!by_order.empty()) {
      std::vector<std::string> sorted = by_order;
      std::sort(sorted.begin(), sorted.end());
      if (sorted != by_name) throw Damaged{"the root group: its two indexes of variables disagree"};
    }
    for (const auto& name : by_name) {
      if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) damaged("'" + name + "'", "cannot find it");
      H5O_info_t info{};
      if (H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT) < 0)
        damaged("'" + name + "'", "cannot read its object header");
      if (info.type == H5O_TYPE_DATASET) {
        dataset(file, name);
      } else if (info.type == H5O_TYPE_GROUP) {
        // schoolsim writes no groups; reading a group's contents is not needed by any reader.
        const Handle g(H5Gopen2(file, name.c_str(), H5P_DEFAULT));
        if (!g.valid()) damaged("group '" + name + "'", "cannot open it");
        attributes(g.get(), "group '" + name + "'");
      }
    }
  }
};

std::mutex probe_mutex;
bool probe_disabled = false;
// Files probed: (device, inode, size, mtime seconds, mtime nanoseconds, data read too) -> ""
// if it passed, else what failed (a damaged file is probed once).
std::map<std::tuple<dev_t, ino_t, off_t, time_t, long, bool>, std::string> probed;

std::string signal_text(int signal) {
  const char* name = strsignal(signal);
  return "signal " + std::to_string(signal) + (name ? std::string(" ") + name : std::string());
}

/// The CPU time the child may use: HDF5 reads and checks our files at well over 50 MB/s of
/// CPU (docs/hardening.md); 4 s + 1 s per 10 MiB is a wide margin.
rlim_t cpu_limit_seconds(off_t size) { return 4 + static_cast<rlim_t>(size / (10 << 20)); }

/// The current virtual memory size of this process (the child starts with a copy).
rlim_t current_address_space() {
  std::ifstream statm("/proc/self/statm");
  unsigned long pages = 0;
  statm >> pages;
  return static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE));
}

[[noreturn]] void child(const std::function<std::string(int)>& work, int fd, rlim_t cpu_seconds) {
  // Ctrl-C and SIGTERM end the child at once (the parent's handlers clean up the parent's files).
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  const rlimit core{0, 0};
  setrlimit(RLIMIT_CORE, &core);  // no core file for a crash inside HDF5
  const rlimit cpu{cpu_seconds, cpu_seconds + 1};
  setrlimit(RLIMIT_CPU, &cpu);
  const rlim_t memory = current_address_space() + (rlim_t{4} << 30);
  const rlimit as{memory, memory};
  setrlimit(RLIMIT_AS, &as);
  std::string result;
  try {
    result = work(fd);
  } catch (const std::bad_alloc&) {
    result = "it needs more memory than any schoolsim file";
  } catch (const std::exception& e) {
    result = e.what();
  }
  if (!result.empty()) {
    result.resize(std::min<std::size_t>(result.size(), 2000));
    std::size_t off = 0;
    while (off < result.size()) {
      const ssize_t n = write(fd, result.data() + off, result.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
  }
  _exit(result.empty() ? 0 : 3);
}

/// How a child ended: `failure` is "" if it exited normally (status 0 or 3), else how it ended
/// (a crash, a limit); `report` is everything it wrote to the pipe.
struct ChildOutcome {
  std::string report;
  std::string failure;
  bool exited_zero = false;
};

/// Runs `work` (given the pipe's write end) in a forked child under the limits for a file of
/// `size` bytes. std::nullopt if no child could be started (the caller then reads as before).
/// Throws std::runtime_error if it was interrupted.
std::optional<ChildOutcome> run_child(const std::filesystem::path& path, off_t size,
                                      const std::function<std::string(int)>& work) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  const rlim_t cpu_seconds = cpu_limit_seconds(size);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    close(fds[0]);
    child(work, fds[1], cpu_seconds);
  }
  close(fds[1]);
  // The report, until the child closes the pipe (exits); a child blocked rather than busy is
  // killed after a wall-time limit.
  const int wall_ms = static_cast<int>(std::min<rlim_t>(4 * cpu_seconds + 30, 3600)) * 1000;
  ChildOutcome outcome;
  bool timed_out = false;
  int waited_ms = 0;
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) {
      waited_ms += 100;
      if (waited_ms >= wall_ms) {
        timed_out = true;
        kill(pid, SIGKILL);
        break;
      }
      continue;
    }
    char buffer[512];
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    outcome.report.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    outcome.failure = "reading it did not finish within " + std::to_string(wall_ms / 1000) + " s";
  } else if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL)
      outcome.failure = "reading it did not finish within " + std::to_string(cpu_seconds) + " s of CPU time";
    else if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
      throw std::runtime_error(path.string() + ": checking the file was interrupted");
    else
      outcome.failure = "HDF5 crashed reading it: " + signal_text(sig);
  } else {
    outcome.exited_zero = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return outcome;
}

/// Runs `work` in a forked child under the limits for a file of `size` bytes: "" if it
/// returned "", else what it returned or how it ended. std::nullopt if no child could be
/// started (the caller then reads as before). Throws std::runtime_error if it was interrupted.
std::optional<std::string> isolated(const std::filesystem::path& path, off_t size,
                                    const std::function<std::string()>& work) {
  const auto outcome = run_child(path, size, [&](int) { return work(); });
  if (!outcome) return std::nullopt;
  if (!outcome->failure.empty()) return outcome->failure;
  if (outcome->exited_zero) return std::string();
  return outcome->report.empty() ? std::string("HDF5 could not read it") : outcome->report;
}

/// Reads one dataset as probe_readable reads it (the file opened afresh): "" or what failed.
std::string read_one_dataset(const std::filesystem::path& path, const std::string& name) {
  const h5::ErrorCapture capture;
  const Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_file_locking(fapl.get(), false, true);
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid()) return "cannot open the file: " + h5::take_error("HDF5 could not open it");
  try {
    Walker().dataset(file.get(), name);
  } catch (const Damaged& d) {
    const std::string prefix = "variable '" + name + "': ";
    return d.what.rfind(prefix, 0) == 0 ? d.what.substr(prefix.size()) : d.what;
  }
  return {};
}

}  // namespace

std::int64_t strings_crc32(const std::vector<std::string>& values) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  const auto add = [&](unsigned char byte) { crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8); };
  for (const auto& s : values) {
    for (const char c : s) add(static_cast<unsigned char>(c));
    add(0);
  }
  return static_cast<std::int64_t>(crc ^ 0xFFFFFFFFu);
}

std::string walk_file(const std::filesystem::path& path, bool data) {
  const h5::ErrorCapture capture;
  const Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_file_locking(fapl.get(), false, true);
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid()) return "cannot open it (damaged or truncated): " + h5::take_error("HDF5 could not open it");
  try {
    Walker walker;
    walker.data = data;
    walker.walk(file.get());
  } catch (const Damaged& d) {
    return d.what;
  }
  return {};
}

void disable_probe() {
  const std::lock_guard lock(probe_mutex);
  probe_disabled = true;
}

void probe_readable(const std::filesystem::path& path, bool data) {
  const std::lock_guard lock(probe_mutex);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return;  // the caller's open reports it
  const auto key = std::make_tuple(st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, data);
  if (probe_disabled) return;
  for (const bool level : {data, true}) {
    auto found =
        probed.find(std::make_tuple(st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, level));
    if (found == probed.end()) continue;
    if (found->second.empty()) return;
    throw DamagedFileError(path.string(), found->second);
  }
  const auto fail = [&](const std::string& what) -> void {
    probed[key] = what;
    throw DamagedFileError(path.string(), what);
  };

  const auto result = isolated(path, st.st_size, [&] { return walk_file(path, data); });
  if (!result) return;  // cannot fork: read as before
  if (result->empty()) {
    probed[key] = "";
    return;
  }
  fail(*result);
}

std::vector<std::string> probe_datasets(const std::filesystem::path& path, const std::vector<std::string>& names) {
  std::vector<std::string> problems(names.size());
  {
    const std::lock_guard lock(probe_mutex);
    if (probe_disabled) return problems;
  }
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return problems;
  // One child reads the datasets in turn and reports each as "INDEX PROBLEM\0". If it dies
  // (a crash or a limit), the first dataset without a report gets how it died, and a new
  // child goes on with the next one: as if each dataset had a child of its own, without a
  // fork per dataset (a fork costs more than reading a small dataset).
  std::size_t next = 0;
  while (next < names.size()) {
    const std::size_t first = next;
    const auto outcome = run_child(path, st.st_size, [&](int fd) -> std::string {
      for (std::size_t k = first; k < names.size(); ++k) {
        std::string problem = read_one_dataset(path, names[k]);
        problem.resize(std::min<std::size_t>(problem.size(), 2000));
        std::replace(problem.begin(), problem.end(), '\0', ' ');
        const std::string record = std::to_string(k) + " " + problem + '\0';
        for (std::size_t off = 0; off < record.size();) {
          const ssize_t n = write(fd, record.data() + off, record.size() - off);
          if (n <= 0) _exit(4);
          off += static_cast<std::size_t>(n);
        }
      }
      return {};
    });
    if (!outcome) return problems;  // cannot fork: read as before
    std::size_t start = 0;
    for (std::size_t end; (end = outcome->report.find('\0', start)) != std::string::npos; start = end + 1) {
      const std::string record = outcome->report.substr(start, end - start);
      const std::size_t space = record.find(' ');
      const std::size_t k = std::stoul(record.substr(0, space));
      problems[k] = record.substr(space + 1);
      next = k + 1;
    }
    if (next < names.size()) {                                 // the child died at dataset `next`
      const std::string said = outcome->report.substr(start);  // an exception's message
      problems[next] = !outcome->failure.empty() ? outcome->failure
                       : said.empty()            ? std::string("HDF5 could not read it")
                                                 : said;
      ++next;
    }
  }
  return problems;
}

}  // namespace schoolsim::io
