#include "sim/register/csv.hpp"

#include <algorithm>
#include <cctype>

namespace schoolsim::school_register {

CsvReader::CsvReader(std::string_view text) : text_(text) {}

bool CsvReader::lone_cr(std::size_t pos) const {
  return text_[pos] == '\r' && (pos + 1 >= text_.size() || text_[pos + 1] != '\n');
}

void CsvReader::skip_line_break() {
  if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
  ++line_;
}

bool CsvReader::next(CsvRecord& r) {
  const std::size_t n = text_.size();
  // Skip blank lines (CRLF, LF or lone CR, each one line).
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) skip_line_break();
  if (pos_ >= n) return false;
  r.fields.clear();
  r.error.clear();
  r.unterminated = false;
  r.line = line_;
  const std::size_t start = pos_, start_line = line_;
  std::string field;
  for (;;) {
    field.clear();
    if (pos_ < n && text_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < n) {
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
            field += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          closed = true;
          break;
        }
        if (c == '\n' || lone_cr(pos_)) ++line_;
        field += c;
        ++pos_;
      }
      if (!closed) {
        // Resynchronise on the line after the record's first line.
        r.error = "a quoted field is never closed";
        r.unterminated = text_.back() != '\n' && text_.back() != '\r';
        pos_ = start;
        line_ = start_line;
        while (pos_ < n && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
        if (pos_ < n) skip_line_break();
        r.fields.clear();
        return true;
      }
      // After a closing quote only a separator or the end of the line may follow.
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (r.error.empty()) r.error = "text after a closing quote in field " + std::to_string(r.fields.size() + 1);
        while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') field += text_[pos_++];
      }
    } else {
      const std::size_t begin = pos_;
      while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
      field.assign(text_.substr(begin, pos_ - begin));
    }
    r.fields.push_back(field);
    if (pos_ < n && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of record: CRLF, LF, lone CR or end of text.
    if (pos_ < n)
      skip_line_break();
    else
      r.unterminated = true;
    return true;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool same_text(std::string_view a, std::string_view b) {
  a = trim(a), b = trim(b);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string why_not_csv(std::string_view bytes) {
  std::string_view head = bytes.substr(0, 65536);
  if (trim(head).find_first_not_of("\r\n") == std::string_view::npos)
    return bytes.empty() ? "is empty (0 bytes)" : "is empty (only blank lines)";
  if (head.substr(0, 8) == "\x89HDF\r\n\x1a\n") return "is an HDF5 file, not a CSV file (a world or run file?)";
  if (head.substr(0, 4) == "PK\x03\x04") return "is a ZIP archive, not a CSV file (unzip it first)";
  if (head.substr(0, 2) == "\x1f\x8b") return "is gzip-compressed, not a CSV file (gunzip it first)";
  if (head.substr(0, 5) == "%PDF-") return "is a PDF document, not a CSV file";
  std::size_t control = 0;
  for (const char ch : head) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) return "is binary data (it contains NUL bytes), not a CSV text file";
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ++control;
  }
  if (control * 100 > head.size()) return "is binary data (control characters), not a CSV text file";
  // Skip a byte-order mark and leading white space, then look for markup.
  std::string_view t = head;
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  std::string start(t.substr(0, 512));
  std::transform(start.begin(), start.end(), start.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (start.starts_with("<!doctype html") || start.starts_with("<html") || start.find("<html") != std::string::npos ||
      start.find("<head>") != std::string::npos || start.find("<body") != std::string::npos)
    return "is an HTML page, not a CSV file (did the download return an error or sign-in page?)";
  if (start.starts_with("<?xml")) return "is an XML document, not a CSV file";
  if (start.starts_with("{") || start.starts_with("[")) {
    // JSON has no commas-separated header of plain names; a CSV header never starts with these.
    return "looks like JSON, not a CSV file";
  }
  return "";
}

}  // namespace schoolsim::school_register
