#include "sim/sweep/shards.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace schoolsim::sweep {

ShardSpec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto bad = [&](const std::string& why) { return std::invalid_argument("--shard '" + text + "': " + why); };
  if (slash == std::string::npos) throw bad("expected K/N, e.g. 0/4 for the first of four parts");
  const auto number = [&](std::size_t from, std::size_t to, const char* what) {
    long long v = 0;
    const char* first = text.data() + from;
    const char* last = text.data() + to;
    const auto [end, error] = std::from_chars(first, last, v);
    if (first == last || error != std::errc() || end != last) throw bad(std::string(what) + " is not a whole number");
    return v;
  };
  const long long k = number(0, slash, "K"), n = number(slash + 1, text.size(), "N");
  if (n < 1 || n > 100000) throw bad("N must be in [1, 100000]");
  if (k < 0 || k >= n) throw bad("K must be in [0, N-1] (parts are numbered from 0)");
  return ShardSpec{static_cast<int>(k), static_cast<int>(n)};
}

RunBlock shard_block(int index, int count, std::int64_t runs) {
  if (count < 1 || index < 0 || index >= count || runs < 0) throw std::invalid_argument("shard_block: bad arguments");
  const std::int64_t base = runs / count, extra = runs % count;
  const std::int64_t k = index;
  const std::int64_t begin = k * base + std::min(k, extra);
  return RunBlock{begin, begin + base + (k < extra ? 1 : 0)};
}

std::string id_ranges(const std::vector<std::int64_t>& ids, std::size_t limit) {
  std::string out;
  std::size_t ranges = 0;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (ranges == limit) {
      out += ", ...";
      return out;
    }
    if (!out.empty()) out += ", ";
    out += std::to_string(ids[i]);
    if (j > i) {
      out += '-';
      out += std::to_string(ids[j]);
    }
    ++ranges;
    i = j + 1;
  }
  return out;
}

std::vector<RunSegment> join_shards(const std::vector<std::vector<std::int64_t>>& shard_runs, std::int64_t runs) {
  struct Where {
    int shard = -1;
    std::int64_t row = 0;
  };
  std::vector<Where> where(static_cast<std::size_t>(runs));
  std::vector<std::int64_t> twice;
  for (std::size_t k = 0; k < shard_runs.size(); ++k) {
    const auto& ids = shard_runs[k];
    for (std::size_t row = 0; row < ids.size(); ++row) {
      const std::int64_t id = ids[row];
      if (id < 0 || id >= runs)
        throw std::invalid_argument("shard " + std::to_string(k) + " holds run " + std::to_string(id) +
                                    ", outside the sweep's runs 0-" + std::to_string(runs - 1));
      if (row > 0 && id <= ids[row - 1])
        throw std::invalid_argument("shard " + std::to_string(k) + ": its runs are not in ascending order");
      auto& w = where[static_cast<std::size_t>(id)];
      if (w.shard >= 0) {
        twice.push_back(id);
        continue;
      }
      w = Where{static_cast<int>(k), static_cast<std::int64_t>(row)};
    }
  }
  if (!twice.empty()) {
    std::sort(twice.begin(), twice.end());
    throw std::invalid_argument("runs in more than one shard: " + id_ranges(twice));
  }
  std::vector<std::int64_t> missing;
  for (std::int64_t id = 0; id < runs; ++id)
    if (where[static_cast<std::size_t>(id)].shard < 0) missing.push_back(id);
  if (!missing.empty())
    throw std::invalid_argument(std::to_string(missing.size()) + " of " + std::to_string(runs) +
                                " runs are in no shard: " + id_ranges(missing));
  std::vector<RunSegment> out;
  for (std::int64_t id = 0; id < runs; ++id) {
    const Where& w = where[static_cast<std::size_t>(id)];
    if (!out.empty() && out.back().shard == w.shard && out.back().first_row + out.back().length == w.row) {
      ++out.back().length;
    } else {
      out.push_back(RunSegment{w.shard, id, w.row, 1});
    }
  }
  return out;
}

}  // namespace schoolsim::sweep
