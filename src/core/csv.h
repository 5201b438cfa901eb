// A small RFC 4180 CSV reader for project data and imports: quoted fields, doubled quotes,
// CRLF or LF line ends, a UTF-8 byte-order mark on the first line. Reads one record at a time.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace ecotown::core {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}
  // Reads the next record into fields; false at end of input. Sets error() for an unclosed quote.
  bool Next(std::vector<std::string>& fields);
  const std::string& error() const { return error_; }
  // 1-based line number where the last record started.
  size_t line() const { return record_line_; }

 private:
  std::istream& in_;
  std::string error_;
  size_t line_ = 0;
  size_t record_line_ = 0;
  bool first_ = true;
};

}  // namespace ecotown::core
