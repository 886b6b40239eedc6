#pragma once
// A CSV reader for register and attainment files (RFC 4180 as written by Excel and by the
// GIAS download): comma-separated, fields optionally in double quotes, a doubled quote
// inside quotes is one quote, quoted fields may hold commas and line breaks, lines end in
// CRLF, LF or CR, the last line may lack its line break. Blank lines are skipped.
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
  /// The record runs to the end of the text with no line break after it (or inside a quoted
  /// field that never closes): with too few fields, a sign of a truncated file.
  bool unterminated = false;
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
  /// Whether text_[pos] is a carriage return not followed by a line feed (a classic Mac
  /// line end, counted as a line like CRLF and LF).
  bool lone_cr(std::size_t pos) const;
  /// Consumes one line break at pos_ (CRLF, LF or CR) and counts the line.
  void skip_line_break();

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
