// A printable document in Thai official style, independent of how it is drawn.
//
// Areas build a Document (an inspection report, later plans and complaint summaries) from their
// records; report/pdf.h renders it. The text is plain UTF-8: the renderer escapes it, shapes Thai
// with Pango and breaks lines at Thai word boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ecotown::report {

struct Heading {
  std::string text;
  int level = 1;  // 1: section, 2: sub-section
};

struct Paragraph {
  std::string text;
  bool indent_first_line = true;  // Thai official letters indent the first line of a paragraph
};

// "label: value" lines, labels in bold in a fixed column.
struct Fields {
  std::vector<std::pair<std::string, std::string>> items;
};

struct Column {
  std::string title;
  double width = 1;  // relative to the other columns
  bool right_aligned = false;
};

// A ruled table; the header row repeats on each page the table continues on. A row is never split
// across pages.
struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> emphasised;  // per row, optional: drawn in bold on a light background
};

// A JPEG or PNG photo, scaled to the text width (at most max_height points high), with a caption.
struct Image {
  std::string bytes;
  std::string caption;
  double max_height = 220;
};

struct Signature {
  std::string name;      // printed in brackets under the dotted line, e.g. "(นางสาวสมศรี ใจดี)"
  std::string position;  // e.g. "ผู้ตรวจ" or "นักวิชาการสิ่งแวดล้อม"
  std::string date;      // e.g. "26 พฤศจิกายน 2569"; empty: a blank date line
};

struct Signatures {
  std::vector<Signature> items;  // laid out two per line
  std::string sign_label = "ลงชื่อ";  // before the dotted line; "Signed" in English
  std::string date_label = "วันที่";  // before the date; "Date" in English
};

using Block = std::variant<Heading, Paragraph, Fields, Table, Image, Signatures>;

struct Document {
  std::string organisation;  // printed at the top right of every page, e.g. "เทศบาลเมืองบ้านโป่ง"
  std::string title;         // centred, bold, on the first page
  std::string subtitle;
  std::string reference;      // e.g. "ที่ ตส. 12/2569", top left of the first page
  std::string footer;         // left of the page number on every page
  std::string page_label = "หน้า";  // "หน้า 1/3"; "Page" for English documents
  std::string author;         // PDF metadata
  std::vector<Block> blocks;
};

}  // namespace ecotown::report
