#pragma once
// `schoolsim info FILE.h5`: what a schoolsim output file holds - its kind (run, sweep, shard
// or master of a sharded sweep), global attributes (provenance), dimensions and variables.
// For a master file it checks that every shard it reads (the `shard_files` attribute and the
// sources of its virtual datasets) exists and belongs to the same sweep, and names any that
// does not. With --verify it reads every dataset, so HDF5 checks every chunk's Fletcher-32
// checksum, and names each dataset that does not read back (docs/hardening.md).
// Exit status: 0 ok, 1 a shard is missing or unusable or the file is damaged ("damaged:
// FILE: ..."; info reads its metadata, --verify everything), 2 not an HDF5 file.
#include <CLI/CLI.hpp>

#include <string>

namespace schoolsim::cli {

class InfoCommand {
 public:
  /// Registers `info` on `app`.
  explicit InfoCommand(CLI::App& app);
  InfoCommand(const InfoCommand&) = delete;
  InfoCommand& operator=(const InfoCommand&) = delete;

  bool selected() const;
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::string file_;
  bool verify_ = false;
};

}  // namespace schoolsim::cli
