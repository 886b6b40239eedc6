#include "sim/register/rules.hpp"

#include <charconv>
#include <cmath>

#include "sim/register/csv.hpp"

namespace schoolsim::school_register {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  for (const auto& item : list)
    if (same_text(item, value)) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& required_columns() {
  static const std::vector<std::string> columns = {column::kUrn,    column::kLaCode,   column::kStatus,
                                                   column::kPhase,  column::kEasting,  column::kNorthing,
                                                   column::kPupils, column::kCapacity, column::kFsm};
  return columns;
}

int phase_of(const ImportRules& rules, std::string_view phase_name) {
  if (contains(rules.primary_phases, phase_name)) return 0;
  if (contains(rules.secondary_phases, phase_name)) return 1;
  return -1;
}

bool is_open_status(const ImportRules& rules, std::string_view status) { return contains(rules.open_statuses, status); }

bool is_kept_type_group(const ImportRules& rules, std::string_view group) {
  return rules.type_groups.empty() || contains(rules.type_groups, group);
}

std::int8_t ofsted_grade(std::string_view rating) {
  if (same_text(rating, "Outstanding")) return 1;
  if (same_text(rating, "Good")) return 2;
  if (same_text(rating, "Requires improvement") || same_text(rating, "Satisfactory")) return 3;
  if (same_text(rating, "Inadequate") || same_text(rating, "Serious Weaknesses") ||
      same_text(rating, "Special Measures"))
    return 4;
  return 0;
}

std::int8_t academy_of_type_group(std::string_view group) {
  if (same_text(group, "Academies") || same_text(group, "Free Schools")) return 1;
  if (same_text(group, "Local authority maintained schools")) return 0;
  return -1;
}

bool is_academy_trust_flag(std::string_view flag) { return !same_text(flag, "Supported by a trust"); }

bool is_missing(std::string_view value) {
  value = trim(value);
  if (value.empty()) return true;
  for (const char* marker : {"SUPP", "NE", "NP", "NA", "N/A", "LOWCOV", "x", "..", "-", "Not applicable"})
    if (same_text(value, marker)) return true;
  return false;
}

ParsedNumber parse_number(std::string_view text, bool percent) {
  text = trim(text);
  if (is_missing(text)) return {ParsedNumber::Missing, 0};
  if (percent && !text.empty() && text.back() == '%') text = trim(text.substr(0, text.size() - 1));
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return {ParsedNumber::Bad, 0};
  return {ParsedNumber::Ok, v};
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    const auto part = trim(text.substr(start, end - start));
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

}  // namespace schoolsim::school_register
