// Renders a report::Document to PDF with Cairo and Pango: A4 portrait, Thai official margins
// (3 cm left, 2 cm right, 2.5 cm top and bottom), the TH Sarabun-compatible face Laksaman
// (fonts-thai-tlwg) at 16 pt, fonts embedded, "หน้า n/N" on every page.
//
// Thread-safe: each call owns its Cairo surface and Pango layouts.
#pragma once

#include <string>

#include "core/result.h"
#include "report/document.h"

namespace ecotown::report {

struct PdfOptions {
  std::string font_family = "Laksaman";
  double font_size = 16;  // points
};

// The PDF bytes. Internal when Cairo fails; an Image whose bytes are neither JPEG nor PNG is drawn
// as its caption with a note instead of failing the whole report.
[[nodiscard]] Result<std::string> RenderPdf(const Document& document, const PdfOptions& options = {});

}  // namespace ecotown::report
