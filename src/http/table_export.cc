#include "http/table_export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/pdf.h"

namespace ecotown::http {
namespace {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CellText(const TableCell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&cell)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", *d);
    return buffer;
  }
  return {};
}

}  // namespace

std::string TableToCsv(const Table& table) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const auto& cells, auto text_of) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += CsvField(text_of(cells[i]));
    }
    out += "\r\n";
  };
  line(table.header, [](const std::string& s) { return s; });
  for (const auto& row : table.rows) line(row, CellText);
  return out;
}

Result<std::string> TableToXlsx(const Table& table) {
  static std::atomic<int> counter{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("ecotown-export-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (!workbook) return Status::Internal("cannot create the XLSX workbook");
  std::string sheet_name = table.sheet_name.empty() ? "Sheet1" : table.sheet_name;
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, sheet_name.c_str());
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  bool failed = sheet == nullptr;
  for (size_t c = 0; !failed && c < table.header.size(); ++c) {
    failed = worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), table.header[c].c_str(), bold) !=
             LXW_NO_ERROR;
  }
  for (size_t r = 0; !failed && r < table.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; !failed && c < table.rows[r].size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const TableCell& cell = table.rows[r][c];
      lxw_error error = LXW_NO_ERROR;
      if (const auto* s = std::get_if<std::string>(&cell)) {
        if (!s->empty()) error = worksheet_write_string(sheet, row, col, s->c_str(), nullptr);
      } else if (const auto* i = std::get_if<int64_t>(&cell)) {
        error = worksheet_write_number(sheet, row, col, static_cast<double>(*i), nullptr);
      } else if (const auto* d = std::get_if<double>(&cell)) {
        error = worksheet_write_number(sheet, row, col, *d, nullptr);
      }
      failed = error != LXW_NO_ERROR;
    }
  }
  if (!failed && sheet) worksheet_freeze_panes(sheet, 1, 0);
  const lxw_error closed = workbook_close(workbook);
  std::error_code ignored;
  if (failed || closed != LXW_NO_ERROR) {
    std::filesystem::remove(path, ignored);
    return Status::Internal("cannot write the XLSX workbook");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path, ignored);
  return bytes.str();
}

Result<Response> TableDownload(const Table& table, std::string_view format, std::string_view file_stem) {
  Response response;
  if (format == "csv") {
    response = Response::Text(200, TableToCsv(table), "text/csv; charset=utf-8");
  } else if (format == "xlsx") {
    ASSIGN_OR_RETURN(std::string bytes, TableToXlsx(table));
    response = Response::Text(200, std::move(bytes), kXlsxContentType);
  } else {
    return Status::Invalid("format must be csv or xlsx", "format");
  }
  response.AddHeader("Content-Disposition",
                     "attachment; filename=\"" + std::string(file_stem) + "." + std::string(format) + "\"");
  return response;
}

Result<Response> PdfResponse(const report::Document& document, std::string_view file_stem) {
  ASSIGN_OR_RETURN(std::string pdf, report::RenderPdf(document));
  Response response = Response::Text(200, std::move(pdf), "application/pdf");
  response.AddHeader("Content-Disposition", "inline; filename=\"" + std::string(file_stem) + ".pdf\"");
  return response;
}

}  // namespace ecotown::http
