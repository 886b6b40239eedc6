#include "sim/sweep/shard_merge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>

#include "sim/io/h5_inspect.hpp"
#include "sim/io/nc_writer.hpp"
#include "sim/sweep/shards.hpp"
#include "sim/sweep/sweep_error.hpp"
#include "sim/sweep/sweep_file.hpp"

namespace schoolsim::sweep {
namespace {

namespace fs = std::filesystem;
using io::Attributes;
using io::AttributeValue;
using io::H5Inspect;
using io::NcWriter;
using io::VariableInfo;

constexpr std::size_t kCopyBytes = std::size_t{8} << 20;  // copy mode: rows read at once
constexpr std::size_t kEventChunk = 16384;                // events per chunk, as in sweep files

/// What the merge keeps of a shard after reading its metadata once.
struct Shard {
  fs::path path;
  std::string relative;  ///< from the master's folder
  std::string fingerprint;
  std::int64_t index = 0, count = 0, runs_in_sweep = 0, failed = 0;
  std::vector<std::int64_t> runs;               ///< global run id of each row
  std::vector<std::int64_t> event_at;           ///< first event of each row, plus the total at the end
  std::size_t members = 0;                      ///< size of its `member` dimension
  std::map<std::string, AttributeValue> fills;  ///< `_FillValue` attributes by variable
};

std::optional<std::int64_t> integer(const H5Inspect& f, const std::string& name) {
  const AttributeValue* v = f.global(name);
  if (v == nullptr || !std::holds_alternative<std::int64_t>(*v)) return std::nullopt;
  return std::get<std::int64_t>(*v);
}

std::string text(const H5Inspect& f, const std::string& name) {
  const AttributeValue* v = f.global(name);
  return v != nullptr && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string();
}

Shard read_shard(const fs::path& path, const fs::path& out) {
  std::unique_ptr<H5Inspect> file;
  try {
    file = std::make_unique<H5Inspect>(path);
  } catch (const io::InputFileError& e) {
    throw SweepInputError(e.what());
  }
  const H5Inspect& f = *file;
  const auto bad = [&](const std::string& why) { return SweepInputError(path.string() + ": " + why); };
  if (f.global("shard_files") != nullptr) throw bad("is a master file of a sharded sweep, not a shard");
  Shard s;
  s.path = path;
  s.relative = path_from_master(out, path);
  s.fingerprint = text(f, "sweep_fingerprint");
  const auto index = integer(f, "shard_index"), count = integer(f, "shard_count"), runs = integer(f, "sweep_runs");
  if (s.fingerprint.empty() || !runs) throw bad("is not a schoolsim sweep file");
  if (!index || !count)
    throw bad(
        "is not a shard (no shard_index/shard_count attributes): merge joins the files of `schoolsim sweep "
        "--shard K/N` or of an MPI sweep");
  s.index = *index, s.count = *count, s.runs_in_sweep = *runs;
  s.failed = integer(f, "sweep_failed_runs").value_or(0);
  if (f.find("run") == nullptr) throw bad("has no `run` dimension");
  s.runs = f.read<std::int64_t>("run");
  std::vector<std::int64_t> per_row(s.runs.size(), 0);
  if (f.find("event_run") != nullptr) {
    const auto event_run = f.read<std::int64_t>("event_run");
    std::size_t row = 0;
    for (const std::int64_t id : event_run) {
      while (row < s.runs.size() && s.runs[row] != id) ++row;
      if (row == s.runs.size()) throw bad("its events are not in the order of its runs");
      ++per_row[row];
    }
  }
  s.event_at.assign(s.runs.size() + 1, 0);
  std::partial_sum(per_row.begin(), per_row.end(), s.event_at.begin() + 1);
  if (const VariableInfo* m = f.find("member"); m != nullptr && m->dimension) s.members = m->shape.at(0);
  for (const VariableInfo& v : f.variables())
    for (const auto& a : v.attrs)
      if (a.name == "_FillValue") s.fills.emplace(v.name, a.value);
  return s;
}

template <class F>
void with_numeric(const VariableInfo& v, const fs::path& file, F&& f) {
  if (v.kind == io::ElementKind::SignedInt) {
    switch (v.bytes) {
      case 1: return f(std::int8_t{});
      case 2: return f(std::int16_t{});
      case 4: return f(std::int32_t{});
      case 8: return f(std::int64_t{});
      default: break;
    }
  } else if (v.kind == io::ElementKind::Float) {
    if (v.bytes == 4) return f(float{});
    if (v.bytes == 8) return f(double{});
  }
  throw SweepInputError(file.string() + ": variable '" + v.name + "' has a type merge does not handle (" +
                        v.type_name() + ")");
}

/// Opens shards for reading data (copy mode), keeping a bounded number open.
class ShardFiles {
 public:
  explicit ShardFiles(const std::vector<Shard>& shards) : shards_(shards) {}
  const H5Inspect& get(std::size_t k) {
    if (auto it = open_.find(k); it != open_.end()) return *it->second;
    if (open_.size() >= 64) open_.erase(open_.begin());
    try {
      return *open_.emplace(k, std::make_unique<H5Inspect>(shards_[k].path)).first->second;
    } catch (const io::InputFileError& e) {
      throw SweepInputError(e.what());
    }
  }

 private:
  const std::vector<Shard>& shards_;
  std::map<std::size_t, std::unique_ptr<H5Inspect>> open_;
};

/// A stretch of rows of one shard and where it goes in the output, along `run` or `event`.
struct Block {
  std::size_t shard = 0;
  std::size_t row = 0, length = 0, at = 0;
};

std::vector<Block> blocks_along(const std::string& dim, const std::vector<RunSegment>& segments,
                                const std::vector<Shard>& shards) {
  std::vector<Block> out;
  std::size_t at = 0;
  for (const RunSegment& s : segments) {
    const auto k = static_cast<std::size_t>(s.shard);
    if (dim == "run") {
      out.push_back({k, static_cast<std::size_t>(s.first_row), static_cast<std::size_t>(s.length),
                     static_cast<std::size_t>(s.first_run)});
    } else {
      const auto& at_row = shards[k].event_at;
      const auto first = static_cast<std::size_t>(at_row[static_cast<std::size_t>(s.first_row)]);
      const auto last = static_cast<std::size_t>(at_row[static_cast<std::size_t>(s.first_row + s.length)]);
      if (last > first) out.push_back({k, first, last - first, at});
      at += last - first;
    }
  }
  return out;
}

template <class T>
T fill_for(const std::string& name, const std::optional<AttributeValue>& fill_attr) {
  if (fill_attr) {
    if (const auto* i = std::get_if<std::int64_t>(&*fill_attr)) return static_cast<T>(*i);
    if (const auto* d = std::get_if<double>(&*fill_attr)) return static_cast<T>(*d);
  }
  if constexpr (std::is_floating_point_v<T>) {
    return std::numeric_limits<T>::quiet_NaN();
  } else {
    return name == "event_members" ? T(-1) : std::numeric_limits<T>::min();
  }
}

}  // namespace

std::string path_from_master(const fs::path& master, const fs::path& file) {
  std::error_code ec;
  const fs::path folder = fs::weakly_canonical(fs::absolute(master, ec).parent_path(), ec);
  const fs::path target = fs::weakly_canonical(fs::absolute(file, ec), ec);
  const fs::path rel = target.lexically_relative(folder);
  return rel.empty() ? target.string() : rel.string();
}

MergeOutcome merge_shards(const std::vector<fs::path>& paths, const fs::path& out, const MergeOptions& options) {
  const auto keep_going = [&] { return !options.keep_going || options.keep_going(); };
  if (paths.empty()) throw SweepInputError("no shard files given");
  std::vector<Shard> shards;
  for (const auto& p : paths) shards.push_back(read_shard(p, out));
  std::stable_sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.index < b.index; });
  const Shard& first = shards.front();
  for (const Shard& s : shards) {
    if (s.fingerprint != first.fingerprint || s.runs_in_sweep != first.runs_in_sweep)
      throw SweepInputError(s.path.string() + " and " + first.path.string() +
                            " are shards of different sweeps (sweep_fingerprint differs)");
    if (s.count != first.count)
      throw SweepInputError(s.path.string() + " is part of " + std::to_string(s.count) + " shards, " +
                            first.path.string() + " of " + std::to_string(first.count));
  }
  for (std::size_t k = 1; k < shards.size(); ++k)
    if (shards[k].index == shards[k - 1].index)
      throw SweepInputError(shards[k - 1].path.string() + " and " + shards[k].path.string() + " are both shard " +
                            std::to_string(shards[k].index));
  const std::int64_t R = first.runs_in_sweep;
  std::vector<std::vector<std::int64_t>> shard_runs;
  for (const Shard& s : shards) shard_runs.push_back(s.runs);
  std::vector<RunSegment> segments;
  try {
    segments = join_shards(shard_runs, R);
  } catch (const std::invalid_argument& e) {
    std::vector<std::int64_t> absent;
    for (std::int64_t k = 0, i = 0; k < first.count; ++k) {
      while (static_cast<std::size_t>(i) < shards.size() && shards[static_cast<std::size_t>(i)].index < k) ++i;
      if (static_cast<std::size_t>(i) == shards.size() || shards[static_cast<std::size_t>(i)].index != k)
        absent.push_back(k);
    }
    std::string message = "cannot join the shards: ";
    message += e.what();
    if (!absent.empty() && absent.size() < static_cast<std::size_t>(first.count))
      message += " (missing: shard " + id_ranges(absent) + " of " + std::to_string(first.count) + ", numbered from 0)";
    throw SweepInputError(message);
  }

  MergeOutcome outcome;
  outcome.runs = R;
  outcome.shards = shards.size();
  outcome.segments = segments.size();
  std::size_t members = 0;
  for (const Shard& s : shards) {
    outcome.failed += s.failed;
    outcome.events += s.event_at.back();
    members = std::max(members, s.members);
  }
  const auto E = static_cast<std::size_t>(outcome.events);

  ShardFiles files(shards);
  std::unique_ptr<H5Inspect> first_file;  // the layout, dimensions and static variables
  try {
    first_file = std::make_unique<H5Inspect>(first.path);
  } catch (const io::InputFileError& e) {
    throw SweepInputError(e.what());
  }
  const H5Inspect& templ = *first_file;
  NcWriter f(out, options.overwrite, options.copy ? NcWriter::Format::Hdf5_18 : NcWriter::Format::Hdf5_110);

  for (const auto& a : templ.globals()) {
    if (a.name == "shard_index" || a.name == "shard_count") continue;
    if (a.name == "history") {
      f.set_global("history", options.history);
    } else if (a.name == "sweep_failed_runs") {
      f.set_global(a.name, outcome.failed);
    } else {
      f.set_global(a.name, a.value);
    }
  }
  if (!options.copy) {
    std::string list;
    for (const Shard& s : shards) list += (list.empty() ? "" : "\n") + s.relative;
    f.set_global("shard_files", list);
  }

  const std::vector<Block> run_blocks = blocks_along("run", segments, shards);
  const std::vector<Block> event_blocks = blocks_along("event", segments, shards);
  for (const VariableInfo& v : templ.variables()) {
    if (!keep_going()) {
      outcome.complete = false;
      return outcome;
    }
    const std::string& lead = v.dims.empty() ? std::string() : v.dims.front();
    Attributes attrs = v.attrs;
    std::optional<AttributeValue> fill_attr;
    for (const Shard& s : shards)
      if (auto it = s.fills.find(v.name); it != s.fills.end()) {
        fill_attr = it->second;
        break;
      }
    if (fill_attr && std::none_of(attrs.begin(), attrs.end(), [](const auto& a) { return a.name == "_FillValue"; }))
      attrs.push_back({"_FillValue", *fill_attr});

    if (v.dimension) {
      const auto iota = [](std::size_t n) {
        std::vector<std::int32_t> ids(n);
        std::iota(ids.begin(), ids.end(), 0);
        return ids;
      };
      if (v.name == "run") {
        f.add_dimension("run", iota(static_cast<std::size_t>(R)), attrs);
      } else if (v.name == "event") {
        f.add_dimension("event", iota(E), attrs);
      } else if (v.name == "member") {
        f.add_dimension("member", iota(members), attrs);
      } else if (v.kind == io::ElementKind::String) {
        f.add_dimension(v.name, templ.read_strings(v.name), attrs);
      } else if (v.kind == io::ElementKind::SignedInt && v.bytes == 1) {
        f.add_dimension(v.name, templ.read<std::int8_t>(v.name), attrs);
      } else if (v.kind == io::ElementKind::SignedInt && v.bytes == 4) {
        f.add_dimension(v.name, templ.read<std::int32_t>(v.name), attrs);
      } else {
        throw SweepInputError(templ.path().string() + ": dimension '" + v.name + "' has a type merge does not handle");
      }
      continue;
    }
    if (lead != "run" && lead != "event") {  // static (the school table): from the first shard
      if (v.kind == io::ElementKind::String) {
        f.write_strings(v.name, v.dims, templ.read_strings(v.name), attrs);
      } else {
        with_numeric(v, templ.path(), [&](auto zero) {
          using T = decltype(zero);
          f.write<T>(v.name, v.dims, templ.read<T>(v.name), attrs);
        });
      }
      continue;
    }
    if (v.dims.size() == 1 && lead == "run") {  // run description: small, copied in run order
      if (v.kind == io::ElementKind::String) {
        std::vector<std::string> values(static_cast<std::size_t>(R));
        for (std::size_t k = 0; k < shards.size(); ++k) {
          const auto part = files.get(k).read_strings(v.name);
          for (std::size_t row = 0; row < part.size(); ++row)
            values[static_cast<std::size_t>(shards[k].runs[row])] = part[row];
        }
        f.write_strings(v.name, v.dims, values, attrs);
      } else {
        with_numeric(v, templ.path(), [&](auto zero) {
          using T = decltype(zero);
          std::vector<T> values(static_cast<std::size_t>(R));
          for (std::size_t k = 0; k < shards.size(); ++k) {
            const auto part = files.get(k).read<T>(v.name);
            for (std::size_t row = 0; row < part.size(); ++row)
              values[static_cast<std::size_t>(shards[k].runs[row])] = part[row];
          }
          f.write<T>(v.name, v.dims, values, attrs);
        });
      }
      continue;
    }

    // Results over (run, ...) and events over (event[, member]).
    const std::vector<Block>& blocks = lead == "run" ? run_blocks : event_blocks;
    const std::size_t rows = lead == "run" ? static_cast<std::size_t>(R) : E;
    std::vector<std::size_t> rest;  // the output's shape after the leading axis
    for (std::size_t axis = 1; axis < v.dims.size(); ++axis)
      rest.push_back(v.dims[axis] == "member" ? members : v.shape[axis]);
    const auto source_rest = [&](std::size_t k) {
      std::vector<std::size_t> r = rest;
      for (std::size_t axis = 1; axis < v.dims.size(); ++axis)
        if (v.dims[axis] == "member") r[axis - 1] = shards[k].members;
      return r;
    };
    with_numeric(v, templ.path(), [&](auto zero) {
      using T = decltype(zero);
      if (!options.copy && rows > 0) {
        std::vector<NcWriter::VirtualMapping> mappings;
        for (const Block& b : blocks) {
          NcWriter::VirtualMapping m;
          m.source_file = shards[b.shard].relative;
          m.source_dataset = v.name;
          const auto sr = source_rest(b.shard);
          const std::size_t source_rows =
              lead == "run" ? shards[b.shard].runs.size() : static_cast<std::size_t>(shards[b.shard].event_at.back());
          m.source_shape = {source_rows};
          m.start = {b.at};
          m.source_start = {b.row};
          m.count = {b.length};
          for (const std::size_t n : sr)
            m.source_shape.push_back(n), m.start.push_back(0), m.source_start.push_back(0), m.count.push_back(n);
          mappings.push_back(std::move(m));
        }
        f.define_virtual<T>(v.name, v.dims, attrs, mappings, fill_for<T>(v.name, fill_attr));
        return;
      }
      std::vector<std::size_t> chunk;
      if (lead == "run") {
        const bool per_school = std::find(v.dims.begin(), v.dims.end(), "school") != v.dims.end();
        chunk = sweep_chunk(rest, sizeof(T), per_school, static_cast<std::size_t>(R));
      } else {
        chunk = {std::clamp<std::size_t>(E, 1, kEventChunk)};
        for (const std::size_t n : rest) chunk.push_back(std::max<std::size_t>(n, 1));
      }
      f.define<T>(v.name, v.dims, attrs, chunk);
      std::size_t row_values = 1;
      for (const std::size_t n : rest) row_values *= n;
      const std::size_t step = std::max<std::size_t>(1, kCopyBytes / std::max<std::size_t>(row_values * sizeof(T), 1));
      for (const Block& b : blocks) {
        const auto sr = source_rest(b.shard);
        std::size_t source_values = 1;
        for (const std::size_t n : sr) source_values *= n;
        for (std::size_t done = 0; done < b.length; done += step) {
          const std::size_t n = std::min(step, b.length - done);
          std::vector<std::size_t> start{b.row + done}, count{n};
          for (const std::size_t s : sr) start.push_back(0), count.push_back(s);
          std::vector<T> part = files.get(b.shard).read<T>(v.name, start, count);
          if (source_values != row_values) {  // fewer members than the widest shard: pad with -1
            std::vector<T> wide(n * row_values, T(-1));
            for (std::size_t r = 0; r < n; ++r)
              std::copy_n(part.begin() + static_cast<std::ptrdiff_t>(r * source_values), source_values,
                          wide.begin() + static_cast<std::ptrdiff_t>(r * row_values));
            part.swap(wide);
          }
          std::vector<std::size_t> out_start{b.at + done}, out_count{n};
          for (const std::size_t s : rest) out_start.push_back(0), out_count.push_back(s);
          f.write_slab<T>(v.name, out_start, out_count, part);
        }
      }
    });
  }
  if (!keep_going()) {
    outcome.complete = false;
    return outcome;
  }
  f.commit();
  return outcome;
}

}  // namespace schoolsim::sweep
