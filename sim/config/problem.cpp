#include "sim/config/problem.hpp"

namespace schoolsim::config {
namespace {

std::string join_lines(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += '\n';
    out += format_problem(p);
  }
  return out;
}

}  // namespace

std::string suggestion_text(const std::string& suggestion) {
  if (suggestion.empty()) return "";
  std::string out = " (did you mean '";
  out += suggestion;
  out += "'?)";
  return out;
}

std::string format_problem(const Problem& p) {
  std::string out = p.where.file;
  if (!out.empty() && p.where.line > 0) {
    out += ':';
    out += std::to_string(p.where.line);
    out += ':';
    out += std::to_string(p.where.column);
  }
  for (const std::string* part : {&p.key, &p.message}) {
    if (part->empty() && part == &p.key) continue;
    if (!out.empty()) out += ": ";
    out += *part;
  }
  out += suggestion_text(p.suggestion);
  return out;
}

ConfigError::ConfigError(std::vector<Problem> problems)
    : InputError(join_lines(problems)), problems_(std::move(problems)) {}

ConfigError::ConfigError(const std::vector<std::string>& messages)
    : ConfigError([&] {
        std::vector<Problem> problems;
        for (const auto& m : messages) problems.push_back(Problem(Location(), "", m));
        return problems;
      }()) {}

void Problems::add(Problem p) {
  if (full()) {
    ++more_;
    return;
  }
  list_.push_back(std::move(p));
}

void Problems::add(const Location& where, const std::string& key, const std::string& message,
                   const std::string& suggestion) {
  add(Problem{where, key, message, suggestion});
}

void Problems::add_all(const std::vector<Problem>& problems) {
  for (const auto& p : problems) add(p);
}

std::vector<Problem> Problems::list() const {
  std::vector<Problem> out = list_;
  if (more_) out.push_back(Problem{{source_}, "", "... and " + std::to_string(more_) + " more problems", ""});
  return out;
}

void Problems::throw_if_any() const {
  if (!list_.empty()) throw ConfigError(list());
}

}  // namespace schoolsim::config
