// Fuzz target: the register CSV reader and import. The reader must make progress on every
// record and end; the import must either produce a consistent world or refuse the file with
// school_register::RegisterError.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sim/register/csv.hpp"
#include "sim/register/register_import.hpp"

namespace {
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace reg = schoolsim::school_register;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // The raw reader: lines only move forward and it stops within one record per byte.
  reg::CsvReader reader(bytes);
  reg::CsvRecord rec;
  std::size_t records = 0, last_line = 0;
  while (reader.next(rec)) {
    check(rec.line >= last_line && rec.line >= 1, "record lines increase");
    last_line = rec.line;
    check(++records <= size, "at most one record per byte");
  }

  reg::ImportResult result;
  try {
    result = reg::import_register(bytes, "fuzz.csv", reg::ImportRules{});
  } catch (const reg::RegisterError&) {
    return 0;
  }
  const auto& w = result.world;
  check(w.size() > 0, "an import keeps at least one school");
  check(static_cast<std::int64_t>(w.size()) == result.report.kept, "kept count matches the world");
  for (std::size_t i = 0; i < w.size(); ++i) {
    check(w.phase[i] == 0 || w.phase[i] == 1, "phase 0 or 1");
    check(w.la[i] >= 0 && static_cast<std::size_t>(w.la[i]) < w.la_code.size(), "LA index in range");
    check(std::isfinite(w.x[i]) && std::isfinite(w.y[i]), "finite location");
    check(w.disadvantage[i] >= 0 && w.disadvantage[i] <= 1, "disadvantage in 0..1");
    check(w.places[i] > 0 && w.pupils[i] >= 0 && w.pupils[i] <= w.places[i], "0 <= pupils <= places, places > 0");
    check(w.grade[i] >= 0 && w.grade[i] <= 4, "grade 0..4");
  }
  return 0;
}
