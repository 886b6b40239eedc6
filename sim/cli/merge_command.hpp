#pragma once
// `schoolsim merge SHARD.h5... -o OUT.h5 [--copy] [--force] [-q]`: joins the shard files of
// `schoolsim sweep --shard K/N` (e.g. a SLURM job array) into one sweep file: a master file
// of HDF5 virtual datasets over the shards (default), or with --copy a self-contained copy.
// See docs/cluster.md. Exit status: 0 ok, 1 runtime error, 2 usage or input error (missing
// or foreign shards), 130 interrupted.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace schoolsim::cli {

class MergeCommand {
 public:
  /// Registers `merge` on `app`.
  explicit MergeCommand(CLI::App& app);
  MergeCommand(const MergeCommand&) = delete;
  MergeCommand& operator=(const MergeCommand&) = delete;

  bool selected() const;
  int run(const std::string& history) const;

 private:
  CLI::App* command_ = nullptr;
  std::vector<std::string> shards_;
  std::string output_;
  bool copy_ = false, force_ = false, quiet_ = false;
};

}  // namespace schoolsim::cli
