#include "sim/config/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

namespace schoolsim::io {

std::string size_text(std::size_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  double v = static_cast<double>(bytes);
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%zu bytes", bytes);
  else
    std::snprintf(buf, sizeof buf, v == static_cast<double>(static_cast<long long>(v)) ? "%.0f %s" : "%.1f %s", v,
                  units[u]);
  return buf;
}

namespace {

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

/// "" for a regular file, else "not a regular file (a FIFO)" etc.
std::string kind_problem(mode_t mode) {
  if (S_ISREG(mode)) return "";
  const char* kind = S_ISDIR(mode)    ? "a folder"
                     : S_ISFIFO(mode) ? "a FIFO"
                     : S_ISCHR(mode)  ? "a character device"
                     : S_ISBLK(mode)  ? "a block device"
                     : S_ISSOCK(mode) ? "a socket"
                                      : "an unknown kind of file";
  return std::string("not a regular file (") + kind + ")";
}

}  // namespace

std::string regular_file_problem(const std::filesystem::path& path) {
  if (path.empty()) return "no such file (the file name is empty)";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    return e == ENOENT || e == ENOTDIR ? "no such file" : "cannot read the file: " + errno_text(e);
  }
  return kind_problem(st.st_mode);
}

BoundedRead read_bounded(const std::filesystem::path& path, std::size_t limit) {
  BoundedRead out;
  // First by name (a socket cannot even be opened), then again on the open descriptor below.
  if (out.problem = regular_file_problem(path); !out.problem.empty()) return out;
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever. It has no
  // effect on the regular files that are read below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR)
      out.problem = "no such file";
    else
      out.problem = "cannot open the file for reading: " + errno_text(e);
    return out;
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.problem = "cannot read the file: " + errno_text(errno);
    return out;
  }
  const auto too_large = [&](const std::string& size) {
    return "is too large (" + size + "; the limit is " + size_text(limit) + ")";
  };
  if (out.problem = kind_problem(st.st_mode); !out.problem.empty()) return out;
  if (static_cast<std::size_t>(st.st_size) > limit) {
    out.problem = too_large(size_text(static_cast<std::size_t>(st.st_size)));
    return out;
  }
  out.bytes.reserve(static_cast<std::size_t>(st.st_size));
  // Read to the end, still bounded (a regular file may grow meanwhile).
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      out.problem = "cannot read the file: " + errno_text(errno);
      out.bytes.clear();
      return out;
    }
    if (n == 0) break;
    if (out.bytes.size() + static_cast<std::size_t>(n) > limit) {
      out.problem = too_large("more than " + size_text(limit));
      out.bytes.clear();
      out.bytes.shrink_to_fit();
      return out;
    }
    out.bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace schoolsim::io
