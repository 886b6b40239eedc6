#pragma once
// The one problem type of the configuration front end (scenarios, --set, sweep specs,
// calibration targets): where (file, line, column), which key, what is wrong and what was
// probably meant, kept as fields until it is printed. format_problem() is the one place
// that turns a problem into "file:line:col: key: message (did you mean 'x'?)"; callers that
// move a problem (a sweep's `set:` entry, a targets file's `world:`) change its fields,
// never its text.
#include <cstddef>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"

namespace schoolsim::config {

/// Where a problem is: a file (or a command-line option such as "--set 'run.terms=x'") and,
/// when known, a 1-based line and column in it.
struct Location {
  Location() = default;
  Location(std::string file_, int line_ = 0, int column_ = 0)  // NOLINT: implicit from a file name
      : file(std::move(file_)), line(line_), column(column_) {}
  std::string file;
  int line = 0;    ///< 0: no line (the whole file, or an option)
  int column = 0;  ///< 0 when line is 0
};

struct Problem {
  Problem() = default;
  Problem(Location where_, std::string key_, std::string message_, std::string suggestion_ = "")
      : where(std::move(where_)),
        key(std::move(key_)),
        message(std::move(message_)),
        suggestion(std::move(suggestion_)) {}
  Location where;
  std::string key;         ///< key path as the user wrote it ("brokering.w_gap", "targets[0].id"), or ""
  std::string message;     ///< what is wrong ("unknown key", "value -5 is out of range [0, 1000]")
  std::string suggestion;  ///< the key probably meant, or "" (formatted as " (did you mean 'x'?)")
};

/// "file:line:col: key: message (did you mean 'suggestion'?)"; parts that are empty are left
/// out ("file: message", "message").
std::string format_problem(const Problem& p);

/// " (did you mean 'x'?)", or "" for no suggestion: how a suggestion reads inside a message.
std::string suggestion_text(const std::string& suggestion);

/// An input error of the front end (exit status 2): one problem per line of what().
class ConfigError : public InputError {
 public:
  explicit ConfigError(std::vector<Problem> problems);
  /// Problems that are only a message (a command-line option or a whole-file problem
  /// already names its place in the text): each becomes Problem{.message = text}.
  explicit ConfigError(const std::vector<std::string>& messages);
  ConfigError(std::initializer_list<std::string> messages) : ConfigError(std::vector<std::string>(messages)) {}
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

/// Problems listed in one error; the rest are counted ("... and 12345 more problems"), so a
/// huge broken file costs neither memory nor minutes of "did you mean" searches.
inline constexpr std::size_t kMaxProblems = 50;

/// Collects the problems of one input (named `source` in the "more problems" line).
class Problems {
 public:
  explicit Problems(std::string source) : source_(std::move(source)) {}
  void add(Problem p);
  /// Adds a problem at `where` in this input.
  void add(const Location& where, const std::string& key, const std::string& message,
           const std::string& suggestion = "");
  void add_all(const std::vector<Problem>& problems);
  /// Whether further problems are only counted (callers skip costly messages).
  bool full() const { return list_.size() >= kMaxProblems; }
  bool empty() const { return list_.empty(); }
  const std::string& source() const { return source_; }
  /// The problems, with the "... and N more problems" line when some were only counted.
  std::vector<Problem> list() const;
  /// Throws ConfigError with every problem, if there is any.
  void throw_if_any() const;

 private:
  std::string source_;
  std::vector<Problem> list_;
  std::size_t more_ = 0;
};

}  // namespace schoolsim::config
