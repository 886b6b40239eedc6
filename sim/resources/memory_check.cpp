#include "sim/resources/memory_check.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <sstream>

#include "sim/io/nc_reader.hpp"
#include "sim/core/world.hpp"
#include "sim/io/world_builder.hpp"

namespace schoolsim {
namespace {

constexpr double kProgram = 50e6;
constexpr double kPerSchool = 1200;
// Per same-phase neighbour pair (a list entry): 16 bytes stored in the world (id, distance,
// reverse position) plus what building the lists holds for a moment; and 16 bytes in every
// run's state (competition and stored trust, aligned with the lists).
constexpr double kPerNeighbourPair = 24;
constexpr double kPerNeighbourPairPerRun = 16;
constexpr double kPerSchoolTerm =
    27;  // attainment, capacity (float), 3 expertise (float), pupils (int32), grade, partnerships
constexpr double kPerRun = 150;
constexpr double kPerDesignValue = 8;

/// A number of bytes from a file holding one integer ("max" or unreadable: nullopt).
std::optional<double> file_number(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(v > 0) || v > 1e18) return std::nullopt;
  return v;
}

std::optional<MemoryLimit> system_limit() {
  std::optional<MemoryLimit> best;
  const auto offer = [&](double bytes, const std::string& source) {
    if (!best || bytes < best->bytes) best = MemoryLimit{bytes, source};
  };
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    double kb = 0;
    if (fields >> kb && kb > 0) offer(kb * 1024, "MemAvailable in /proc/meminfo");
  }
  // A batch job's or container's limit (cgroup v2, then v1), less what the group already uses.
  if (const auto max = file_number("/sys/fs/cgroup/memory.max"))
    offer(*max - file_number("/sys/fs/cgroup/memory.current").value_or(0),
          "the cgroup's memory.max (a job or container limit)");
  if (const auto max = file_number("/sys/fs/cgroup/memory/memory.limit_in_bytes"); max && *max < 1e15)
    offer(*max - file_number("/sys/fs/cgroup/memory/memory.usage_in_bytes").value_or(0),
          "the cgroup's memory.limit_in_bytes (a job or container limit)");
  return best;
}

/// A positive number from an environment variable (unset, empty, 0 or not a number: nullopt).
std::optional<double> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(v > 0) || v > 1e15) return std::nullopt;
  return v;
}

}  // namespace

std::optional<MemoryLimit> slurm_job_limit() {
  constexpr double kMegabyte = 1024.0 * 1024.0;  // SLURM's MB are MiB
  if (const auto node = env_number("SLURM_MEM_PER_NODE")) {
    // Every task of the job on this node shares the node's memory (several MPI ranks per node).
    const double tasks = env_number("SLURM_NTASKS_PER_NODE").value_or(1);
    return MemoryLimit{*node * kMegabyte / tasks,
                       tasks > 1 ? "SLURM_MEM_PER_NODE / SLURM_NTASKS_PER_NODE, the job's --mem shared by its tasks"
                                 : "SLURM_MEM_PER_NODE, the job's --mem"};
  }
  if (const auto per_cpu = env_number("SLURM_MEM_PER_CPU")) {
    const double cpus = env_number("SLURM_CPUS_PER_TASK").value_or(1);
    return MemoryLimit{*per_cpu * kMegabyte * cpus, "SLURM_MEM_PER_CPU x SLURM_CPUS_PER_TASK, the job's --mem-per-cpu"};
  }
  return std::nullopt;
}

double MemoryEstimate::total() const {
  double sum = 0;
  for (const auto& [what, bytes] : parts) sum += bytes;
  return sum;
}

std::string MemoryEstimate::text() const {
  auto sorted = parts;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = memory_text(total()) + ":";
  bool first = true;
  for (const auto& [what, bytes] : sorted) {
    if (bytes < 0.005 * total() && !first) continue;  // leave out crumbs
    out += (first ? " " : ", ") + what + " " + memory_text(bytes);
    first = false;
  }
  return out;
}

std::string memory_text(double bytes) {
  char buf[32];
  if (bytes >= 1e12)
    std::snprintf(buf, sizeof buf, "%.1f TB", bytes / 1e12);
  else if (bytes >= 1e9)
    std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  else
    std::snprintf(buf, sizeof buf, "%.0f MB", std::max(bytes / 1e6, 1.0));
  return buf;
}

double parse_memory_size(const std::string& text) {
  const auto bad = [&] {
    return std::invalid_argument("memory size '" + text + "': expected bytes or a number with K, M, G or T (e.g. 4G)");
  };
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    throw bad();
  }
  std::string unit = text.substr(used);
  unit.erase(std::remove_if(unit.begin(), unit.end(), [](unsigned char c) { return std::isspace(c); }), unit.end());
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();  // "GB" -> "G"
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();  // "GIB" -> "GI" -> "G"
  const std::string units = "KMGT";
  double factor = 1;
  if (unit == "B") unit.clear();
  if (!unit.empty()) {
    const auto k = units.find(unit);
    if (unit.size() != 1 || k == std::string::npos) throw bad();
    factor = std::pow(1024.0, static_cast<double>(k + 1));
  }
  if (!std::isfinite(v) || v <= 0 || v * factor > 1e18) throw bad();
  return v * factor;
}

std::optional<MemoryLimit> memory_limit(const std::string& option) {
  if (!option.empty()) return MemoryLimit{parse_memory_size(option), "--memory-limit"};
  if (const char* env = std::getenv("SCHOOLSIM_MEMORY_LIMIT"); env != nullptr && *env != '\0')
    return MemoryLimit{parse_memory_size(env), "SCHOOLSIM_MEMORY_LIMIT"};
  // In a SLURM job, what the job asked for counts even where nothing enforces it (no cgroup).
  auto limit = system_limit();
  if (const auto job = slurm_job_limit(); job && (!limit || job->bytes <= limit->bytes)) limit = job;
  return limit;
}

double estimated_neighbour_pairs(const Scenario& s) {
  const auto radius = required_neighbour_radius(s);
  const double area = std::max(s.world.width_km * s.world.height_km, 1e-9);
  const double counts[kPhases] = {static_cast<double>(s.world.n_primary), static_cast<double>(s.world.n_secondary)};
  double pairs = 0;
  for (int p = 0; p < kPhases; ++p) {
    const double share = std::min(1.0, std::numbers::pi * radius[p] * radius[p] / area);
    pairs += counts[p] * std::max(counts[p] - 1, 0.0) * share;
  }
  return pairs;
}

MemoryEstimate run_memory(const Scenario& s, double schools, double neighbour_pairs) {
  MemoryEstimate e;
  e.parts.emplace_back("program", kProgram);
  e.parts.emplace_back("schools (world and state)", kPerSchool * schools);
  e.parts.emplace_back("neighbour lists", (kPerNeighbourPair + kPerNeighbourPairPerRun) * neighbour_pairs);
  if (s.output.per_school)
    e.parts.emplace_back("per-school output", kPerSchoolTerm * schools * (static_cast<double>(s.run.terms) + 1));
  return e;
}

MemoryEstimate sweep_memory(const Scenario& base, double schools, double neighbour_pairs, double runs, double values,
                            int in_flight, bool per_school) {
  MemoryEstimate e;
  const double flights = std::max(in_flight, 1);
  e.parts.emplace_back("program", kProgram);
  e.parts.emplace_back("world", kPerSchool / 4 * schools);
  e.parts.emplace_back("neighbour lists", kPerNeighbourPair * neighbour_pairs);
  e.parts.emplace_back("runs in flight", flights * (kPerSchool * schools + kPerNeighbourPairPerRun * neighbour_pairs));
  if (per_school)
    e.parts.emplace_back("per-school output of the runs in flight",
                         flights * kPerSchoolTerm * schools * (static_cast<double>(base.run.terms) + 1));
  e.parts.emplace_back("sweep bookkeeping", kPerRun * runs + kPerDesignValue * values);
  return e;
}

void check_memory(const MemoryEstimate& estimate, const std::optional<MemoryLimit>& limit, const std::string& what,
                  const std::string& advice) {
  if (!limit || estimate.total() <= limit->bytes) return;
  throw MemoryError(what + " would need about " + estimate.text() + "; but " + memory_text(limit->bytes) +
                    " are available (" + limit->source + "). " + advice +
                    "; --memory-limit SIZE (or SCHOOLSIM_MEMORY_LIMIT) overrides the limit.");
}

}  // namespace schoolsim

namespace schoolsim {
namespace {

/// Schools in a scenario's world before it is built (the world file's count, read from its
/// metadata; nullopt if the file cannot be read: build_world then reports why).
std::optional<double> schools_of(const Scenario& s, const std::filesystem::path& scenario_dir) {
  if (s.world.file.empty()) return static_cast<double>(s.world.n_primary) + s.world.n_secondary;
  try {
    const io::NcReader f(world_file_path(s, scenario_dir), /*probe_data=*/false);  // its shape only
    const auto shape = f.shape("school_urn");
    if (shape.size() == 1) return static_cast<double>(shape[0]);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<MemoryLimit> limit_or_input_error(const std::string& option) {
  try {
    return memory_limit(option);
  } catch (const std::invalid_argument& e) {
    throw MemoryError(std::string(option.empty() ? "SCHOOLSIM_MEMORY_LIMIT: " : "--memory-limit: ") + e.what());
  }
}

}  // namespace

void check_run_memory(const Scenario& s, const std::filesystem::path& scenario_dir, const World* world,
                      const std::string& option) {
  const auto limit = limit_or_input_error(option);
  double schools = 0, pairs = 0;
  if (world != nullptr) {
    schools = world->n;
    pairs = static_cast<double>(world->neighbours.index.size());
  } else if (const auto n = schools_of(s, scenario_dir)) {
    schools = *n;
    pairs = s.world.file.empty() ? estimated_neighbour_pairs(s) : 0;
  } else {
    return;
  }
  Scenario effective = s;  // per-school output switches itself off above its limit (MODEL.md section 9)
  if (schools * (s.run.terms + 1) > static_cast<double>(s.output.per_school_limit)) effective.output.per_school = false;
  check_memory(run_memory(effective, schools, pairs), limit,
               world ? "this run" : "this run (before building its world)",
               std::string("Turn off per-school output (--set output.per_school=false), use fewer schools") +
                   (s.world.file.empty() ? " (world.n_primary, world.n_secondary)" : "") +
                   " or smaller radii (choice, broker and self-organised radii set the neighbour lists), "
                   "or run on a machine with more memory");
}

}  // namespace schoolsim

namespace schoolsim {

std::optional<MemoryEstimate> sweep_memory_estimate(const Scenario& base, const std::filesystem::path& base_dir,
                                                    double runs, double values, int threads, bool per_school) {
  const auto schools = schools_of(base, base_dir);
  if (!schools) return std::nullopt;
  const double pairs = base.world.file.empty() ? estimated_neighbour_pairs(base) : 0;
  return sweep_memory(base, *schools, pairs, runs, values, threads, per_school);
}

std::optional<MemoryEstimate> check_sweep_memory(const Scenario& base, const std::filesystem::path& base_dir,
                                                 double runs, double values, int threads, bool per_school,
                                                 const std::string& option) {
  const auto limit = limit_or_input_error(option);
  const auto estimate = sweep_memory_estimate(base, base_dir, runs, values, threads, per_school);
  if (!estimate) return std::nullopt;
  check_memory(*estimate, limit, "this sweep",
               "Shard it (schoolsim sweep --shard K/N, one part per machine or job, or mpirun across nodes; "
               "docs/cluster.md), turn off per-school output (output: {per_school: false}), run fewer runs at once "
               "(--threads N) or use fewer schools");
  return estimate;
}

}  // namespace schoolsim
