// Reading PDFs back in tests with poppler-utils (installed by scripts/setup.sh): the text
// (pdftotext), the fonts (pdffonts) and the document information (pdfinfo).
#pragma once

#include <string>

namespace ecotown::testing {

// What `tool FILE` (pdftotext writes to stdout) prints for the PDF bytes.
std::string RunPoppler(const std::string& tool, const std::string& pdf);

// White space removed: pdftotext may put spaces inside Thai words, where glyph clusters are
// positioned one by one, and breaks lines inside table cells. Compare texts squeezed.
std::string Squeeze(const std::string& text);

// pdftotext's text of the PDF, squeezed.
inline std::string PdfText(const std::string& pdf) { return Squeeze(RunPoppler("pdftotext", pdf)); }

}  // namespace ecotown::testing
