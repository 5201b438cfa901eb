// The inspection report: an inspections::InspectionReport (what was asked, answered, found and
// ordered, and who signed it off) laid out as a report::Document in Thai official style, or in
// English. Rendered to PDF by report/pdf.h; served by GET /api/v1/inspections/{id}/report.pdf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "modules/factories/factory.h"
#include "modules/inspections/inspection_service.h"
#include "report/document.h"

namespace ecotown::report {

enum class Language { kThai, kEnglish };

// A photo to print: its metadata from the report and its bytes.
struct ReportPhoto {
  inspections::Photo photo;  // bytes set
};

struct InspectionReportContext {
  std::string organisation;       // the LAO's name in the report's language
  factories::Factory factory;     // registration and address for the header fields
  std::vector<ReportPhoto> photos;  // in the order to print; at most kMaxReportPhotos
  int64_t printed_at = 0;         // Unix seconds, for the footer
  Language language = Language::kThai;
};

inline constexpr size_t kMaxReportPhotos = 12;

Document InspectionDocument(const inspections::InspectionReport& report, const InspectionReportContext& context);

}  // namespace ecotown::report
