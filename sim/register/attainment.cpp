#include "sim/register/attainment.hpp"

#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/register/csv.hpp"
#include "sim/register/register_import.hpp"
#include "sim/register/rules.hpp"

namespace schoolsim::school_register {

const std::vector<std::string>& default_attainment_columns() {
  static const std::vector<std::string> columns = {"ATT8SCR", "PTRWM_EXP", "attainment8_average"};
  return columns;
}

AttainmentTable read_attainment(std::string_view bytes, const std::string& source,
                                const std::vector<std::string>& columns, Encoding encoding) {
  const Decoded text = decode_or_throw(bytes, source, encoding);
  CsvReader reader(text.text);
  CsvRecord rec;
  if (!reader.next(rec)) throw RegisterError(source + ": is empty");
  const std::vector<std::string> header = rec.fields;
  auto find = [&](std::string_view name) {
    for (std::size_t k = 0; k < header.size(); ++k)
      if (same_text(header[k], name)) return static_cast<int>(k);
    return -1;
  };
  AttainmentTable t;
  t.source = source;
  int urn_col = find("URN");
  if (urn_col < 0) urn_col = find("school_urn");
  if (urn_col < 0)
    throw RegisterError(source +
                        ": no URN column (expected 'URN' or 'school_urn'): not a school-level attainment file?");
  int value_col = -1;
  for (const auto& c : columns)
    if ((value_col = find(c)) >= 0) {
      t.column = std::string(trim(header[static_cast<std::size_t>(value_col)]));
      break;
    }
  if (value_col < 0) {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
    throw RegisterError(source + ": none of the attainment columns " + names +
                        " is in the header (name one with --attainment-column)");
  }
  const int breakdown = find("breakdown"), topic = find("breakdown_topic");
  while (reader.next(rec)) {
    ++t.rows;
    if (!rec.error.empty() || rec.fields.size() != header.size()) {
      ++t.bad;
      continue;
    }
    auto field = [&](int k) { return std::string_view(rec.fields[static_cast<std::size_t>(k)]); };
    if ((breakdown >= 0 && !same_text(field(breakdown), "Total")) || (topic >= 0 && !same_text(field(topic), "Total")))
      continue;
    const ParsedNumber urn = parse_number(field(urn_col));
    if (urn.status != ParsedNumber::Ok || urn.value <= 0 || urn.value > std::numeric_limits<std::int32_t>::max() ||
        urn.value != std::floor(urn.value)) {
      ++t.no_urn;
      continue;
    }
    const ParsedNumber v = parse_number(field(value_col), true);
    if (v.status == ParsedNumber::Missing) {
      ++t.missing;
      continue;
    }
    if (v.status == ParsedNumber::Bad) {
      ++t.bad;
      continue;
    }
    if (!t.value.emplace(static_cast<std::int32_t>(urn.value), v.value).second) ++t.duplicates;
  }
  return t;
}

AttainmentTable read_attainment_file(const std::filesystem::path& path, const std::vector<std::string>& columns,
                                     Encoding encoding) {
  return read_attainment(read_input_file(path), path.string(), columns, encoding);
}

std::vector<double> standardised_attainment(const std::vector<AttainmentTable>& tables,
                                            const std::vector<std::int32_t>& urn, const std::vector<std::int8_t>& phase,
                                            std::vector<AttainmentUse>* uses) {
  const std::size_t n = urn.size();
  std::vector<double> z(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<int> source(n, -1);
  std::vector<AttainmentUse> use(tables.size());
  for (std::size_t k = 0; k < tables.size(); ++k) {
    std::array<std::int64_t, 2> by_phase{};
    for (std::size_t i = 0; i < n; ++i)
      if (tables[k].value.count(urn[i])) ++by_phase[static_cast<std::size_t>(phase[i])];
    use[k].matched = by_phase[0] + by_phase[1];
    if (use[k].matched > 0) use[k].phase = by_phase[1] > by_phase[0] ? 1 : 0;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < tables.size() && source[i] < 0; ++k)
      if (use[k].phase == phase[i]) {
        const auto it = tables[k].value.find(urn[i]);
        if (it != tables[k].value.end()) source[i] = static_cast<int>(k), z[i] = it->second;
      }
  for (std::size_t k = 0; k < tables.size(); ++k) {
    double sum = 0, sum2 = 0;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (source[i] == static_cast<int>(k)) sum += z[i], ++count;
    if (count == 0) continue;
    const double mean = sum / static_cast<double>(count);
    for (std::size_t i = 0; i < n; ++i)
      if (source[i] == static_cast<int>(k)) sum2 += (z[i] - mean) * (z[i] - mean);
    const double sd = std::sqrt(sum2 / static_cast<double>(count));
    use[k].mean = mean, use[k].sd = sd;
    const bool usable = count >= 2 && sd > 0;
    use[k].used = usable ? count : 0;
    for (std::size_t i = 0; i < n; ++i)
      if (source[i] == static_cast<int>(k))
        z[i] = usable ? (z[i] - mean) / sd : std::numeric_limits<double>::quiet_NaN();
  }
  if (uses) *uses = std::move(use);
  return z;
}

}  // namespace schoolsim::school_register
