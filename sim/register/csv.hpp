#pragma once
// A CSV reader for register and attainment files (RFC 4180 as written by Excel and by the
// GIAS download): comma-separated, fields optionally in double quotes, a doubled quote
// inside quotes is one quote, quoted fields may hold commas and line breaks, lines end in
// CRLF or LF, the last line may lack its line break. Blank lines are skipped.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace schoolsim::school_register {

/// One record: its fields, the line it starts on (1-based; the header is line 1 of a
/// register) and, for a malformed record, what is wrong with it.
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;
  std::string error;  ///< empty if well-formed
};

/// Reads records one at a time from UTF-8 text (the reader does not copy the text: it must
/// outlive the reader).
class CsvReader {
 public:
  explicit CsvReader(std::string_view text);
  /// Reads the next non-blank record into `r`; false at the end of the text. A malformed
  /// record (a quote that never closes, text after a closing quote) is returned with
  /// `r.error` set; after an unclosed quote the reader resumes on the line after the one the
  /// record started on, so one bad quote costs one record, not the rest of the file.
  bool next(CsvRecord& r);
  /// The line the next record would start on.
  std::size_t line() const { return line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

/// If `bytes` (the start of a file, or all of it) cannot be a CSV text file, says why:
/// "is empty", "is binary data (...)", "is an HTML page, not a CSV file ...", "is a ZIP
/// archive ..."; otherwise returns "".
std::string why_not_csv(std::string_view bytes);

/// Trims spaces and tabs at both ends.
std::string_view trim(std::string_view s);

/// Case-insensitive (ASCII) equality after trimming both sides.
bool same_text(std::string_view a, std::string_view b);

}  // namespace schoolsim::school_register
