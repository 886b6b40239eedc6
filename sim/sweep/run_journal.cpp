#include "sim/sweep/run_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "sim/io/nc_writer.hpp"
#include "sim/sweep/hash.hpp"
#include "sim/sweep/sweep_error.hpp"

namespace schoolsim::sweep {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'S', 'S', 'I', 'M', 'P', 'A', 'R', 'T'};
constexpr char kEndMagic[8] = {'S', 'S', 'I', 'M', 'E', 'N', 'D', '\n'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kTrailer = sizeof(std::uint64_t) + sizeof kEndMagic;

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

ElementType type_of(const Column& c) {
  switch (c.index()) {
    case 0: return ElementType::I8;
    case 1: return ElementType::I16;
    case 2: return ElementType::I32;
    case 3: return ElementType::F32;
    default: return ElementType::F64;
  }
}

/// Reads values from a part with bounds checks.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    T v;
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  void raw(void* out, std::size_t n) {
    need(n);
    std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
  }
  std::size_t position() const { return pos_; }

 private:
  void need(std::size_t n) const {
    if (n > bytes_.size() - pos_) throw PartError("truncated");
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

template <class T>
Column read_column(Reader& r, std::uint64_t n) {
  std::vector<T> v(static_cast<std::size_t>(n));
  r.raw(v.data(), v.size() * sizeof(T));
  return v;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

/// Writes `bytes` to `path` via a temporary file and rename; fsyncs when `durable`.
void write_atomically(const fs::path& path, const std::string& bytes, bool durable) {
  fs::path tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io::OutputError("cannot create '" + tmp.string() + "': " + errno_text(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw io::OutputError("cannot write '" + tmp.string() + "': " + errno_text(e));
    }
    done += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw io::OutputError("cannot sync '" + tmp.string() + "': " + errno_text(e));
  }
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw io::OutputError("cannot close '" + tmp.string() + "': " + errno_text(e));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw io::OutputError("cannot rename '" + tmp.string() + "' to '" + path.string() + "': " + errno_text(e));
  }
}

std::string manifest_text(std::uint64_t fingerprint, std::int64_t runs, const WorldDigest& world) {
  return "schoolsim sweep parts 1\nfingerprint " + hex(fingerprint) + "\nruns " + std::to_string(runs) + "\n" +
         world.manifest_lines();
}

/// Refuses an entry of the parts folder that exists but is not a regular file: a journal
/// linked to /dev/zero would take every append and read back zeros at the merge; a pipe
/// would block its reader.
void require_regular_or_absent(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (!fs::exists(status) || fs::is_regular_file(status)) return;
  const char* kind = fs::is_symlink(status)     ? "a symbolic link"
                     : fs::is_directory(status) ? "a folder"
                     : fs::is_fifo(status)      ? "a pipe"
                                                : "a device or socket";
  throw SweepInputError(path.string() + ": is " + kind + ", not a regular file; the parts folder " +
                        path.parent_path().string() + " is damaged: use --force to discard it and start over");
}

/// Opens an entry of the parts folder without following links or blocking on a pipe, and
/// checks that it is a regular file (closing the race with require_regular_or_absent).
int open_regular(const fs::path& path, int flags) {
  require_regular_or_absent(path);
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) {
    const int e = errno;
    if (e == ELOOP || e == EISDIR || e == ENXIO) require_regular_or_absent(path);
    throw io::OutputError("cannot open '" + path.string() + "': " + errno_text(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw SweepInputError(path.string() + ": is not a regular file; the parts folder " + path.parent_path().string() +
                          " is damaged: use --force to discard it and start over");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

/// "pid 1234 on host node7", as written into a lock file by its owner ("" if unreadable).
std::string lock_owner(int fd) {
  char buf[256] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text;
}

void write_lock_owner(int fd) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "?");
  const std::string text = "pid " + std::to_string(::getpid()) + " on host " + host + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t n = ::pwrite(fd, text.data(), text.size(), 0);
  }
}

std::string in_use_message(const fs::path& folder, int lock_fd) {
  const std::string owner = lock_owner(lock_fd);
  return "a running schoolsim sweep" + (owner.empty() ? std::string() : " (" + owner + ")") + " holds the lock of " +
         folder.string();
}

}  // namespace

std::string encode_record(const RunSchema& schema, std::uint64_t fingerprint, const RunRecord& rec) {
  std::string out;
  std::size_t payload = 0;
  for (const auto& c : rec.columns) payload += std::visit([](const auto& v) { return v.size() * sizeof(v[0]); }, c);
  out.reserve(128 + rec.error.size() + payload + rec.events.size() * 40);
  out.append(kMagic, sizeof kMagic);
  put(out, kVersion);
  put(out, std::uint32_t{0});
  put(out, fingerprint);
  put(out, rec.run_id);
  put(out, static_cast<std::int64_t>(rec.status));
  put(out, static_cast<std::uint64_t>(rec.error.size()));
  out.append(rec.error);
  if (rec.status == 0 && rec.columns.size() != schema.variables.size())
    throw std::logic_error("encode_part: record does not match the schema");
  put(out, static_cast<std::uint64_t>(rec.columns.size()));
  for (const auto& c : rec.columns) {
    std::visit(
        [&](const auto& v) {
          put(out, static_cast<std::uint8_t>(type_of(c)));
          put(out, static_cast<std::uint64_t>(v.size()));
          out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0]));
        },
        c);
  }
  put(out, static_cast<std::uint64_t>(rec.events.size()));
  for (const auto& e : rec.events) {
    put(out, e.term), put(out, e.kind), put(out, e.partnership), put(out, e.type), put(out, e.broker);
    put(out, e.programme), put(out, e.reason);
    put(out, static_cast<std::uint32_t>(e.members.size()));
    out.append(reinterpret_cast<const char*>(e.members.data()), e.members.size() * sizeof(std::int32_t));
  }
  Fnv1a h;
  h.bytes(out.data(), out.size());
  put(out, h.digest());
  out.append(kEndMagic, sizeof kEndMagic);
  return out;
}

RunRecord decode_record(const RunSchema& schema, std::uint64_t fingerprint, std::int64_t run_id,
                        std::string_view bytes) {
  if (bytes.size() < sizeof kMagic + kTrailer) throw PartError(bytes.empty() ? "empty" : "truncated");
  if (std::memcmp(bytes.data() + bytes.size() - sizeof kEndMagic, kEndMagic, sizeof kEndMagic) != 0)
    throw PartError("truncated (no end marker)");
  const std::size_t body = bytes.size() - kTrailer;
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body, sizeof stored);
  Fnv1a h;
  h.bytes(bytes.data(), body);
  if (h.digest() != stored) throw PartError("checksum mismatch (corrupted)");
  Reader r(bytes.substr(0, body));
  char magic[sizeof kMagic];
  r.raw(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) throw PartError("not a schoolsim part file");
  if (r.get<std::uint32_t>() != kVersion) throw PartError("unsupported part format version");
  r.get<std::uint32_t>();
  if (r.get<std::uint64_t>() != fingerprint) throw PartError("written by a different sweep (fingerprint differs)");
  RunRecord rec;
  rec.run_id = r.get<std::int64_t>();
  if (run_id >= 0 && rec.run_id != run_id)
    throw PartError("holds run " + std::to_string(rec.run_id) + ", expected run " + std::to_string(run_id));
  const auto status = r.get<std::int64_t>();
  if (status != 0 && status != 1) throw PartError("bad run status");
  rec.status = static_cast<std::int8_t>(status);
  rec.error.resize(static_cast<std::size_t>(r.get<std::uint64_t>() & 0xFFFFFFFFu));
  r.raw(rec.error.data(), rec.error.size());
  const auto n_columns = r.get<std::uint64_t>();
  if (rec.status == 0 ? n_columns != schema.variables.size() : n_columns != 0)
    throw PartError("wrong number of variables");
  for (std::size_t i = 0; i < n_columns; ++i) {
    const auto& var = schema.variables[i];
    const auto type = static_cast<ElementType>(r.get<std::uint8_t>());
    const auto n = r.get<std::uint64_t>();
    if (type != var.type || n != var.size) throw PartError("variable " + var.name + " has the wrong type or size");
    switch (type) {
      case ElementType::I8: rec.columns.push_back(read_column<std::int8_t>(r, n)); break;
      case ElementType::I16: rec.columns.push_back(read_column<std::int16_t>(r, n)); break;
      case ElementType::I32: rec.columns.push_back(read_column<std::int32_t>(r, n)); break;
      case ElementType::F32: rec.columns.push_back(read_column<float>(r, n)); break;
      case ElementType::F64: rec.columns.push_back(read_column<double>(r, n)); break;
    }
  }
  const auto n_events = r.get<std::uint64_t>();
  if (n_events > body) throw PartError("bad event count");
  rec.events.resize(static_cast<std::size_t>(n_events));
  for (auto& e : rec.events) {
    e.term = r.get<std::int32_t>(), e.kind = r.get<std::int8_t>(), e.partnership = r.get<std::int32_t>();
    e.type = r.get<std::int8_t>(), e.broker = r.get<std::int32_t>(), e.programme = r.get<std::int16_t>();
    e.reason = r.get<std::int8_t>();
    const auto members = r.get<std::uint32_t>();
    if (members > body) throw PartError("bad member count");
    e.members.resize(members);
    r.raw(e.members.data(), e.members.size() * sizeof(std::int32_t));
  }
  if (r.position() != body) throw PartError("unexpected bytes after the data");
  return rec;
}

// ------------------------------------------------------------------------------ journal

namespace {

constexpr std::uint64_t kMinRecord = sizeof kMagic + kTrailer;

/// Reads exactly n bytes at offset; false at end of file.
bool read_at(int fd, std::uint64_t offset, void* out, std::size_t n) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got, n -= static_cast<std::size_t>(got), offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

}  // namespace

fs::path RunJournal::folder_for(const fs::path& output) {
  fs::path p = output;
  p += ".parts";
  return p;
}

RunJournal::RunJournal(fs::path folder, Mode mode, std::uint64_t fingerprint, std::int64_t runs,
                       const WorldDigest& world)
    : folder_(std::move(folder)), fingerprint_(fingerprint), runs_(runs), offset_(static_cast<std::size_t>(runs), 0) {
  std::error_code ec;
  if (mode == Mode::Create) {
    if (!fs::create_directory(folder_, ec)) {
      if (ec) throw io::OutputError("cannot create the parts folder '" + folder_.string() + "': " + ec.message());
      throw SweepInputError(folder_.string() +
                            " exists (an interrupted sweep?): use --resume to continue it or --force to start over");
    }
  } else if (!fs::is_directory(folder_, ec)) {
    throw SweepInputError(folder_.string() + ": no parts folder to resume");
  }
  const fs::path lock = folder_ / "lock";
  lock_fd_ = open_regular(lock, O_RDWR | O_CREAT);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    const std::string message = in_use_message(folder_, lock_fd_);
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (e == EWOULDBLOCK) throw SweepInputError(message);
    throw io::OutputError("cannot lock '" + lock.string() + "': " + errno_text(e));
  }
  const auto release = [&] {
    ::close(lock_fd_);
    lock_fd_ = -1;
  };
  write_lock_owner(lock_fd_);
  const fs::path manifest = folder_ / "manifest";
  const std::string expected = manifest_text(fingerprint, runs, world);
  bool ok = false;
  try {
    require_regular_or_absent(manifest);
    require_regular_or_absent(path());
  } catch (...) {
    release();
    throw;
  }
  if (mode == Mode::Resume && fs::exists(manifest, ec)) {
    std::ifstream in(manifest);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str() != expected) {
      release();
      const std::string world_change = world.change_since(ss.str());
      if (!world_change.empty())
        throw SweepInputError(folder_.string() + " holds runs made on another world: " + world_change +
                              "; use --force to discard them and start over");
      throw SweepInputError(folder_.string() +
                            " holds runs of a different sweep (the sweep file, its base scenario, --set options or the "
                            "schoolsim build changed): use --force to discard them and start over");
    }
    ok = true;
  }
  try {
    if (!ok) write_atomically(manifest, expected, true);
    fd_ = open_regular(path(), O_RDWR | O_CREAT);
  } catch (...) {
    release();
    throw;
  }
}

RunJournal::FolderLocks RunJournal::lock_for_removal(const fs::path& folder) {
  FolderLocks held;
  std::vector<fs::path> locks{folder / "lock"};
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(folder, ec)))
    for (const auto& entry : fs::directory_iterator(folder, ec))
      if (entry.path().filename().string().rfind("rank-", 0) == 0) locks.push_back(entry.path() / "lock");
  for (const fs::path& lock : locks) {
    const fs::file_status status = fs::symlink_status(lock, ec);
    if (!fs::is_regular_file(status)) continue;  // no sweep ever locked it
    const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const std::string message = in_use_message(lock.parent_path(), fd);
      ::close(fd);
      throw SweepInputError(message +
                            ": --force only replaces a finished or interrupted sweep, never a running one "
                            "(wait for it to finish, or stop it first)");
    }
    held.add(fd);
  }
  return held;
}

RunJournal::FolderLocks::~FolderLocks() {
  for (const int fd : fds_) ::close(fd);
}

RunJournal::~RunJournal() {
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void RunJournal::scan(const RunSchema& schema, const std::function<void(const RunRecord&)>& found,
                      const std::function<void(const std::string&)>& problem) {
  std::lock_guard lock(mutex_);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw io::OutputError("cannot stat '" + path().string() + "': " + errno_text(errno));
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t at = 0;
  std::string bytes;
  while (at < size) {
    std::uint64_t length = 0;
    if (size - at < sizeof length || !read_at(fd_, at, &length, sizeof length) || length < kMinRecord ||
        length > size - at - sizeof length) {
      problem("the journal ends in a torn record at byte " + std::to_string(at) + " (" + std::to_string(size - at) +
              " bytes cut off; the runs it held are redone)");
      break;
    }
    bytes.resize(static_cast<std::size_t>(length));
    if (!read_at(fd_, at + sizeof length, bytes.data(), bytes.size()))
      throw io::OutputError("cannot read '" + path().string() + "'");
    try {
      const RunRecord rec = decode_record(schema, fingerprint_, -1, bytes);
      if (rec.run_id < 0 || rec.run_id >= runs_)
        throw PartError("names run " + std::to_string(rec.run_id) + ", not in this sweep");
      offset_[static_cast<std::size_t>(rec.run_id)] = at + 1;
      found(rec);
    } catch (const PartError& e) {
      problem("the record at byte " + std::to_string(at) + " is " + e.what() + "; its run is redone");
    }
    at += sizeof length + length;
  }
  end_ = at;
  if (end_ < size && ::ftruncate(fd_, static_cast<off_t>(end_)) != 0)
    throw io::OutputError("cannot cut the torn tail off '" + path().string() + "': " + errno_text(errno));
}

void RunJournal::append(const RunSchema& schema, const RunRecord& record) {
  const std::string body = encode_record(schema, fingerprint_, record);
  std::string frame;
  frame.reserve(sizeof(std::uint64_t) + body.size());
  put(frame, static_cast<std::uint64_t>(body.size()));
  frame += body;
  std::lock_guard lock(mutex_);
  std::uint64_t at = end_;
  std::size_t done = 0;
  while (done < frame.size()) {
    const ssize_t n = ::pwrite(fd_, frame.data() + done, frame.size() - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      // Leave no partial record behind for the next append to follow.
      [[maybe_unused]] const int ignored = ::ftruncate(fd_, static_cast<off_t>(end_));
      throw io::OutputError("cannot append to '" + path().string() + "': " + errno_text(e));
    }
    done += static_cast<std::size_t>(n);
  }
  end_ = at + frame.size();
  offset_[static_cast<std::size_t>(record.run_id)] = at + 1;
}

RunRecord RunJournal::read(const RunSchema& schema, std::int64_t run_id) const {
  std::uint64_t at = 0;
  {
    std::lock_guard lock(mutex_);
    at = offset_[static_cast<std::size_t>(run_id)];
  }
  if (at == 0) throw PartError("missing");
  --at;
  std::uint64_t length = 0;
  if (!read_at(fd_, at, &length, sizeof length) || length < kMinRecord || length > (std::uint64_t{1} << 40))
    throw PartError("unreadable");
  std::string bytes(static_cast<std::size_t>(length), '\0');
  if (!read_at(fd_, at + sizeof length, bytes.data(), bytes.size())) throw PartError("truncated");
  return decode_record(schema, fingerprint_, run_id, bytes);
}

std::int64_t RunJournal::records() const {
  std::lock_guard lock(mutex_);
  return std::count_if(offset_.begin(), offset_.end(), [](std::uint64_t o) { return o != 0; });
}

void RunJournal::remove_all() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove_all(folder_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
  if (ec) throw io::OutputError("cannot remove '" + folder_.string() + "': " + ec.message());
}

}  // namespace schoolsim::sweep
