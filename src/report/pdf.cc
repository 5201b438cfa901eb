#include "report/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>

namespace ecotown::report {
namespace {

// A4 in points, Thai official margins (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ usage: 3 cm left, 2 cm right).
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kCm = 28.3465;
constexpr double kLeft = 3.0 * kCm;
constexpr double kRight = 2.0 * kCm;
constexpr double kTop = 2.5 * kCm;
constexpr double kBottom = 2.5 * kCm;
constexpr double kTextWidth = kPageWidth - kLeft - kRight;
constexpr double kCellPad = 4;
constexpr double kLine = 0.6;

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  if (closure) static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct LayoutDeleter {
  void operator()(PangoLayout* layout) const { g_object_unref(layout); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;

struct ImageSize {
  int width = 0;
  int height = 0;
  bool jpeg = false;
};

// Width and height from a JPEG's start-of-frame segment or a PNG's IHDR; nullopt for anything else.
std::optional<ImageSize> SizeOf(const std::string& bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  if (n > 24 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
    auto be32 = [&](size_t at) { return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]; };
    return ImageSize{be32(16), be32(20), false};
  }
  if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return std::nullopt;
  size_t at = 2;
  while (at + 9 < n) {
    if (b[at] != 0xFF) return std::nullopt;
    const unsigned char marker = b[at + 1];
    if (marker == 0xFF) {
      ++at;
      continue;
    }
    const size_t length = (b[at + 2] << 8) | b[at + 3];
    const bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (start_of_frame) {
      const int height = (b[at + 5] << 8) | b[at + 6];
      const int width = (b[at + 7] << 8) | b[at + 8];
      if (width <= 0 || height <= 0) return std::nullopt;
      return ImageSize{width, height, true};
    }
    at += 2 + length;
  }
  return std::nullopt;
}

struct PngReader {
  const std::string& bytes;
  size_t at = 0;
};

cairo_status_t ReadPng(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->at + length > reader->bytes.size()) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(reader->bytes.data() + reader->at, length, data);
  reader->at += length;
  return CAIRO_STATUS_SUCCESS;
}

// A surface for the image: PNG decoded by Cairo; JPEG left compressed and attached as MIME data,
// which the PDF backend embeds as it is (no decoding, no re-encoding).
SurfacePtr ImageSurface(const std::string& bytes, const ImageSize& size) {
  if (!size.jpeg) {
    PngReader reader{bytes};
    SurfacePtr surface(cairo_image_surface_create_from_png_stream(ReadPng, &reader));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
    return surface;
  }
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, size.width, size.height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
  if (cairo_surface_set_mime_data(surface.get(), CAIRO_MIME_TYPE_JPEG,
                                  reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr,
                                  nullptr) != CAIRO_STATUS_SUCCESS) {
    return nullptr;
  }
  return surface;
}

// Lays the document out top to bottom. Run twice: once to count the pages (draw_ false), once to
// draw with "page n/N" known. Both runs measure on a PDF surface, so line breaks agree.
class Renderer {
 public:
  Renderer(cairo_t* cr, const Document& document, const PdfOptions& options, bool draw, int total_pages)
      : cr_(cr), document_(document), options_(options), draw_(draw), total_pages_(total_pages) {}

  int Run() {
    StartPage();
    DrawTitle();
    for (const Block& block : document_.blocks) {
      std::visit([this](const auto& b) { Draw(b); }, block);
    }
    FinishPage();
    return page_;
  }

 private:
  LayoutPtr Layout(const std::string& text, double width, bool bold, double size,
                   PangoAlignment align = PANGO_ALIGN_LEFT, double indent = 0) {
    LayoutPtr layout(pango_cairo_create_layout(cr_));
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, options_.font_family.c_str());
    pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), align);
    if (indent != 0) pango_layout_set_indent(layout.get(), static_cast<int>(indent * PANGO_SCALE));
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }

  static double HeightOf(PangoLayout* layout) {
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout, &width, &height);
    return static_cast<double>(height) / PANGO_SCALE;
  }

  double Bottom() const { return kPageHeight - kBottom; }

  void NewPage() {
    FinishPage();
    if (draw_) cairo_show_page(cr_);
    StartPage();
  }

  // Moves to a new page unless `height` fits below y_ (or we are already at the top of a page).
  void EnsureSpace(double height) {
    if (y_ + height > Bottom() && y_ > kTop + 1) NewPage();
  }

  void StartPage() {
    ++page_;
    y_ = kTop;
    if (!draw_ || document_.organisation.empty()) return;
    auto layout = Layout(document_.organisation, kTextWidth, false, options_.font_size - 3, PANGO_ALIGN_RIGHT);
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    cairo_move_to(cr_, kLeft, 1.2 * kCm);
    pango_cairo_show_layout(cr_, layout.get());
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }

  void FinishPage() {
    if (!draw_) return;
    std::string number = document_.page_label + " " + std::to_string(page_) + "/" + std::to_string(total_pages_);
    auto right = Layout(number, kTextWidth, false, options_.font_size - 3, PANGO_ALIGN_RIGHT);
    auto left = Layout(document_.footer, kTextWidth * 0.75, false, options_.font_size - 3);
    const double y = kPageHeight - 1.6 * kCm;
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    cairo_move_to(cr_, kLeft, y);
    pango_cairo_show_layout(cr_, right.get());
    cairo_move_to(cr_, kLeft, y);
    pango_cairo_show_layout(cr_, left.get());
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }

  // Draws a layout line by line at x, breaking to a new page between lines.
  void Flow(PangoLayout* layout, double x) {
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double top = static_cast<double>(logical.y) / PANGO_SCALE;
      const double height = static_cast<double>(logical.height) / PANGO_SCALE;
      const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
      EnsureSpace(height);
      if (draw_) {
        cairo_move_to(cr_, x + static_cast<double>(logical.x) / PANGO_SCALE, y_ + baseline - top);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      }
      y_ += height;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  void DrawTitle() {
    if (!document_.reference.empty()) {
      auto layout = Layout(document_.reference, kTextWidth, false, options_.font_size);
      Flow(layout.get(), kLeft);
    }
    if (!document_.title.empty()) {
      auto layout = Layout(document_.title, kTextWidth, true, options_.font_size + 4, PANGO_ALIGN_CENTER);
      Flow(layout.get(), kLeft);
    }
    if (!document_.subtitle.empty()) {
      auto layout = Layout(document_.subtitle, kTextWidth, false, options_.font_size, PANGO_ALIGN_CENTER);
      Flow(layout.get(), kLeft);
    }
    y_ += 8;
  }

  void Draw(const Heading& heading) {
    const double size = heading.level <= 1 ? options_.font_size + 2 : options_.font_size;
    auto layout = Layout(heading.text, kTextWidth, true, size);
    y_ += heading.level <= 1 ? 10 : 6;
    // Keep a heading with at least two lines of what follows.
    EnsureSpace(HeightOf(layout.get()) + 2.5 * options_.font_size);
    Flow(layout.get(), kLeft);
    y_ += 2;
  }

  void Draw(const Paragraph& paragraph) {
    auto layout = Layout(paragraph.text, kTextWidth, false, options_.font_size, PANGO_ALIGN_LEFT,
                         paragraph.indent_first_line ? 2.5 * kCm : 0);
    Flow(layout.get(), kLeft);
    y_ += 4;
  }

  void Draw(const Fields& fields) {
    const double label_width = kTextWidth * 0.34;
    for (const auto& [label, value] : fields.items) {
      auto left = Layout(label, label_width - 6, true, options_.font_size);
      auto right = Layout(value.empty() ? "-" : value, kTextWidth - label_width, false, options_.font_size);
      const double height = std::max(HeightOf(left.get()), HeightOf(right.get()));
      if (height <= Bottom() - kTop) EnsureSpace(height);
      if (draw_) {
        cairo_move_to(cr_, kLeft, y_);
        pango_cairo_show_layout(cr_, left.get());
        cairo_move_to(cr_, kLeft + label_width, y_);
        pango_cairo_show_layout(cr_, right.get());
      }
      y_ += height;
    }
    y_ += 4;
  }

  std::vector<double> ColumnWidths(const Table& table) const {
    double total = 0;
    for (const auto& column : table.columns) total += column.width > 0 ? column.width : 1;
    std::vector<double> widths;
    for (const auto& column : table.columns) widths.push_back(kTextWidth * (column.width > 0 ? column.width : 1) / total);
    return widths;
  }

  // One row of cells; returns its height. Draws only when draw_ and `draw` are set.
  double Row(const Table& table, const std::vector<double>& widths, const std::vector<std::string>& cells, bool bold,
             bool shaded, bool draw) {
    std::vector<LayoutPtr> layouts;
    double height = 0;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string& text = i < cells.size() ? cells[i] : std::string();
      const auto align = table.columns[i].right_aligned ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
      layouts.push_back(Layout(text, widths[i] - 2 * kCellPad, bold, options_.font_size - 1, align));
      height = std::max(height, HeightOf(layouts.back().get()) + 2 * kCellPad);
    }
    if (draw && draw_) {
      double x = kLeft;
      for (size_t i = 0; i < widths.size(); ++i) {
        if (shaded) {
          cairo_set_source_rgb(cr_, 0.92, 0.92, 0.92);
          cairo_rectangle(cr_, x, y_, widths[i], height);
          cairo_fill(cr_);
          cairo_set_source_rgb(cr_, 0, 0, 0);
        }
        cairo_set_line_width(cr_, kLine);
        cairo_rectangle(cr_, x, y_, widths[i], height);
        cairo_stroke(cr_);
        cairo_move_to(cr_, x + kCellPad, y_ + kCellPad);
        pango_cairo_show_layout(cr_, layouts[i].get());
        x += widths[i];
      }
    }
    return height;
  }

  void Draw(const Table& table) {
    if (table.columns.empty()) return;
    const auto widths = ColumnWidths(table);
    std::vector<std::string> titles;
    for (const auto& column : table.columns) titles.push_back(column.title);
    const double header_height = Row(table, widths, titles, true, true, false);
    auto header = [&] {
      Row(table, widths, titles, true, true, true);
      y_ += header_height;
    };
    const double first = table.rows.empty() ? 0 : Row(table, widths, table.rows.front(), false, false, false);
    EnsureSpace(header_height + first);
    header();
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const bool emphasised = r < table.emphasised.size() && table.emphasised[r];
      const double height = Row(table, widths, table.rows[r], emphasised, emphasised, false);
      if (y_ + height > Bottom() && y_ > kTop + header_height + 1) {
        NewPage();
        header();
      }
      Row(table, widths, table.rows[r], emphasised, emphasised, true);
      y_ += height;
    }
    y_ += 6;
  }

  void Draw(const Image& image) {
    auto caption = Layout(image.caption, kTextWidth, false, options_.font_size - 2, PANGO_ALIGN_CENTER);
    const auto size = SizeOf(image.bytes);
    if (!size) {
      auto note = Layout(image.caption + " (ภาพนี้ไม่ใช่ JPEG หรือ PNG จึงไม่แสดงในรายงาน)", kTextWidth, false,
                         options_.font_size - 2, PANGO_ALIGN_CENTER);
      Flow(note.get(), kLeft);
      return;
    }
    const double scale = std::min({kTextWidth / size->width, image.max_height / size->height, 1.0});
    const double width = size->width * scale;
    const double height = size->height * scale;
    EnsureSpace(height + HeightOf(caption.get()) + 4);
    if (draw_) {
      SurfacePtr surface = ImageSurface(image.bytes, *size);
      if (surface) {
        const double sx = width / cairo_image_surface_get_width(surface.get());
        const double sy = height / cairo_image_surface_get_height(surface.get());
        cairo_save(cr_);
        cairo_translate(cr_, kLeft + (kTextWidth - width) / 2, y_);
        cairo_scale(cr_, sx, sy);
        cairo_set_source_surface(cr_, surface.get(), 0, 0);
        cairo_paint(cr_);
        cairo_restore(cr_);
      }
    }
    y_ += height + 2;
    Flow(caption.get(), kLeft);
    y_ += 6;
  }

  void Draw(const Signatures& signatures) {
    const double half = kTextWidth / 2;
    for (size_t i = 0; i < signatures.items.size(); i += 2) {
      std::vector<LayoutPtr> blocks;
      double height = 0;
      for (size_t j = i; j < std::min(i + 2, signatures.items.size()); ++j) {
        const Signature& s = signatures.items[j];
        std::string text = signatures.sign_label + " ........................................\n(" + s.name + ")\n" +
                           s.position + "\n" + signatures.date_label + " " +
                           (s.date.empty() ? "........................" : s.date);
        blocks.push_back(Layout(text, half - 8, false, options_.font_size, PANGO_ALIGN_CENTER));
        height = std::max(height, HeightOf(blocks.back().get()));
      }
      y_ += 14;
      EnsureSpace(height);
      if (draw_) {
        for (size_t k = 0; k < blocks.size(); ++k) {
          const double x = blocks.size() == 1 ? kLeft + half : kLeft + k * half;
          cairo_move_to(cr_, x, y_);
          pango_cairo_show_layout(cr_, blocks[k].get());
        }
      }
      y_ += height;
    }
  }

  cairo_t* cr_;
  const Document& document_;
  const PdfOptions& options_;
  const bool draw_;
  const int total_pages_;
  int page_ = 0;
  double y_ = kTop;
};

// One pass over a fresh PDF surface; `out` null discards the bytes (the counting pass).
Result<int> Pass(const Document& document, const PdfOptions& options, std::string* out, int total_pages) {
  SurfacePtr surface(cairo_pdf_surface_create_for_stream(AppendTo, out, kPageWidth, kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("cannot create the PDF: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  if (out) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, document.author.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "ecotown");
  }
  cairo_t* cr = cairo_create(surface.get());
  Renderer renderer(cr, document, options, out != nullptr, total_pages);
  const int pages = renderer.Run();
  const cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface.get());
  if (status != CAIRO_STATUS_SUCCESS || cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("cannot draw the PDF: ") + cairo_status_to_string(status));
  }
  return pages;
}

}  // namespace

Result<std::string> RenderPdf(const Document& document, const PdfOptions& options) {
  ASSIGN_OR_RETURN(int pages, Pass(document, options, nullptr, 0));
  std::string pdf;
  ASSIGN_OR_RETURN(int drawn, Pass(document, options, &pdf, pages));
  if (drawn != pages) return Status::Internal("the PDF layout changed between passes");
  return pdf;
}

}  // namespace ecotown::report
