// Tables for download: one header row and typed rows, written as CSV (UTF-8 with a byte-order
// mark, so that Excel opens Thai text correctly; RFC 4180 quoting) or as an XLSX workbook with one
// sheet (libxlsxwriter; numbers stay numbers). Shared by the registry, inspection and action exports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "report/document.h"

namespace ecotown::http {

// An empty cell, text, a whole number or a real number.
using TableCell = std::variant<std::monostate, std::string, int64_t, double>;

struct Table {
  std::string sheet_name;           // XLSX sheet name (at most 31 characters, no []:*?/\)
  std::vector<std::string> header;  // column titles
  std::vector<std::vector<TableCell>> rows;
};

// CSV bytes: BOM, header line, one line per row, CRLF line ends.
std::string TableToCsv(const Table& table);
// XLSX bytes; Internal when libxlsxwriter fails (a temporary file is written and removed).
Result<std::string> TableToXlsx(const Table& table);

// The download response of a list screen: format "csv" or "xlsx" (Invalid naming "format"
// otherwise), as an attachment named <file_stem>.<format>.
Result<Response> TableDownload(const Table& table, std::string_view format, std::string_view file_stem);

// A printable document (an inspection report, a training certificate) rendered to PDF and
// answered inline as <file_stem>.pdf; Internal when rendering fails.
Result<Response> PdfResponse(const report::Document& document, std::string_view file_stem);

inline constexpr const char* kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace ecotown::http
