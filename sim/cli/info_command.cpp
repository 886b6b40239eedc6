#include "sim/cli/info_command.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/core/damaged_file_error.hpp"
#include "sim/io/h5_inspect.hpp"
#include "sim/io/verify.hpp"
#include "sim/io/world_file.hpp"

namespace schoolsim::cli {
namespace {

namespace fs = std::filesystem;

std::string value_text(const io::AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    const auto lines = std::count(s->begin(), s->end(), '\n');
    if (lines > 0 || s->size() > 160)
      return "(" + std::to_string(lines + 1) + (lines == 0 ? " line, " : " lines, ") + std::to_string(s->size()) +
             " characters)";
    return *s;
  }
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(v));
  return buf;
}

std::string text_of(const io::H5Inspect& f, const std::string& name) {
  const auto* v = f.global(name);
  return v != nullptr && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string();
}

/// --verify: reads every dataset (HDF5 checks each chunk's Fletcher-32 checksum); names every
/// dataset that does not read back. 0 if all do, 1 otherwise.
int verify(const std::string& file) {
  io::VerifyReport report;
  try {
    report = io::verify_file(file);
  } catch (const std::runtime_error& e) {  // InputFileError (not HDF5, cannot open) or DamagedFileError
    std::cerr << "schoolsim: " << e.what() << "\n";
    return kExitRuntimeError;
  }
  std::size_t checksummed = 0;
  std::uint64_t bytes = 0;
  std::string unprotected;
  for (const auto& d : report.datasets) {
    checksummed += d.checksummed ? 1 : 0;
    bytes += d.bytes;
  }
  for (const auto& d : report.datasets)
    if (!d.checksummed && !d.is_virtual) unprotected += (unprotected.empty() ? "" : ", ") + d.name;
  std::cout << "verify: read " << report.datasets.size() << " datasets (" << bytes << " bytes), " << checksummed
            << " with Fletcher-32 checksums";
  if (!unprotected.empty()) std::cout << "; without (strings, scalars): " << unprotected;
  std::cout << "\n";
  if (report.ok()) {
    std::cout << "verify: ok\n";
    return kExitOk;
  }
  std::cout.flush();
  std::cerr << "schoolsim: damaged: " << file << ": " << report.failures() << " of " << report.datasets.size()
            << " datasets do not read back:";
  for (const auto& d : report.datasets)
    if (!d.error.empty()) std::cerr << "\n  " << d.name << ": " << d.error;
  std::cerr << "\n";
  return kExitRuntimeError;
}

}  // namespace

InfoCommand::InfoCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "info", "Describe an output file (dimensions, variables, provenance); for a sharded sweep, check its shards");
  command_->add_option("file", file_, "A run, sweep, shard or master file (.h5)")->required();
  command_->add_flag("--verify", verify_,
                     "Read every dataset and check its Fletcher-32 checksums; exit 1 naming any damaged dataset");
}

bool InfoCommand::selected() const { return command_->parsed(); }

int InfoCommand::run() const {
  std::unique_ptr<io::H5Inspect> opened;
  try {
    opened = std::make_unique<io::H5Inspect>(file_, /*probe_data=*/false);  // info reads metadata only
  } catch (const DamagedFileError& e) {  // the probe: an HDF5 file that does not read back
    std::cerr << "schoolsim: " << e.what() << "\n";
    return kExitRuntimeError;
  } catch (const io::InputFileError& e) {
    // An HDF5 file (by its signature) that cannot be opened is damaged or truncated (exit 1);
    // anything else is the wrong file (exit 2).
    if (is_hdf5_file(file_)) {
      std::cerr << "schoolsim: damaged: " << file_ << ": it has the HDF5 signature but does not open (damaged or "
                << "truncated)\n";
      return kExitRuntimeError;
    }
    std::cerr << "schoolsim: " << e.what() << "\n";
    return kExitInputError;
  }
  // Called last: closes the inspected file first (HDF5 refuses a second open with other settings).
  const auto verified = [&](int status) {
    if (!verify_) return status;
    opened.reset();
    return std::max(status, verify(file_));
  };
  const io::H5Inspect& f = *opened;
  std::vector<std::string> shards;
  {
    std::istringstream list(text_of(f, "shard_files"));
    for (std::string line; std::getline(list, line);)
      if (!line.empty()) shards.push_back(line);
  }
  std::vector<std::string> sources = shards;
  bool any_virtual = false;
  for (const auto& v : f.variables()) {
    any_virtual = any_virtual || v.is_virtual;
    for (const auto& s : v.sources)
      if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
  }
  const bool has_run = f.find("run") != nullptr;
  std::string kind;
  const std::string schoolsim_file = text_of(f, "schoolsim_file");
  if (schoolsim_file == "world")
    kind = "world file (schoolsim world import)";
  else if (schoolsim_file == "capacity")
    kind = "capacity analysis file (schoolsim capacity)";
  else if (!shards.empty() || any_virtual)
    kind = "sweep master file joining " + std::to_string(sources.size()) + " shard" + (sources.size() == 1 ? "" : "s") +
           " with HDF5 virtual datasets";
  else if (f.global("shard_index") != nullptr)
    kind = "sweep shard " + value_text(*f.global("shard_index")) + " of " +
           (f.global("shard_count") ? value_text(*f.global("shard_count")) : std::string("?")) +
           " (join with schoolsim merge)";
  else if (has_run)
    kind = "sweep file";
  else if (f.global("scenario_yaml") != nullptr)
    kind = "run file";
  else
    kind = "HDF5 file (not schoolsim output?)";
  std::cout << file_ << ": " << kind << "\n";

  std::cout << "attributes:\n";
  for (const auto& a : f.globals()) std::cout << "  " << a.name << ": " << value_text(a.value) << "\n";
  std::cout << "dimensions:\n";
  for (const auto& v : f.variables())
    if (v.dimension) std::cout << "  " << v.name << " = " << (v.shape.empty() ? 0 : v.shape.front()) << "\n";
  std::cout << "variables:\n";
  for (const auto& v : f.variables()) {
    if (v.dimension) continue;
    std::string dims;
    for (const auto& d : v.dims) dims += (dims.empty() ? "" : ", ") + (d.empty() ? std::string("?") : d);
    std::cout << "  " << v.type_name() << " " << v.name << "(" << dims << ")" << (v.is_virtual ? "  [virtual]" : "")
              << "\n";
  }

  if (sources.empty()) return verified(kExitOk);
  const fs::path folder = fs::path(file_).has_parent_path() ? fs::path(file_).parent_path() : fs::path(".");
  const std::string fingerprint = text_of(f, "sweep_fingerprint");
  std::vector<std::string> problems;
  std::cout << "shards (paths relative to " << folder.string() << "):\n";
  for (const auto& s : sources) {
    const fs::path path = fs::path(s).is_absolute() ? fs::path(s) : folder / s;
    std::string status = "ok";
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      status = "MISSING";
    } else {
      try {
        const io::H5Inspect shard(path, /*probe_data=*/false);
        if (!fingerprint.empty() && text_of(shard, "sweep_fingerprint") != fingerprint) {
          status = "OF ANOTHER SWEEP (sweep_fingerprint differs)";
        } else if (const auto* runs = shard.find("run"); runs != nullptr && !runs->shape.empty()) {
          status = "ok, " + std::to_string(runs->shape.front()) + " runs";
        }
      } catch (const DamagedFileError& e) {
        status = "DAMAGED (" + e.problem() + ")";
      } catch (const io::InputFileError&) {
        status = "UNREADABLE (not an HDF5 file)";
      }
    }
    std::cout << "  " << s << ": " << status << "\n";
    if (status.rfind("ok", 0) != 0) problems.push_back(s + " (" + status + ")");
  }
  if (!problems.empty()) {
    std::cout.flush();
    std::cerr << "schoolsim: " << problems.size() << " of " << sources.size() << " shards of " << file_
              << " cannot be read, so their runs would read as fill values:";
    for (const auto& p : problems) std::cerr << "\n  " << p;
    std::cerr << "\n";
    return verified(kExitRuntimeError);
  }
  return verified(kExitOk);
}

}  // namespace schoolsim::cli
