#include "core/csv.h"

namespace ecotown::core {

bool CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  std::string line;
  if (!std::getline(in_, line)) return false;
  ++line_;
  record_line_ = line_;
  if (first_) {
    first_ = false;
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  }
  std::string field;
  bool quoted = false;
  size_t i = 0;
  for (;;) {
    if (i >= line.size()) {
      if (quoted) {
        // A quoted field spans lines: keep the newline and read on.
        std::string more;
        if (!std::getline(in_, more)) {
          error_ = "unclosed quote in record starting at line " + std::to_string(record_line_);
          fields.push_back(field);
          return true;
        }
        ++line_;
        field += '\n';
        line = std::move(more);
        i = 0;
        continue;
      }
      break;
    }
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 == line.size()) {
      // CRLF line end
    } else {
      field += c;
    }
    ++i;
  }
  fields.push_back(std::move(field));
  return true;
}

}  // namespace ecotown::core
