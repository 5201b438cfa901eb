// The printable certificate of a training attendee who passed (เกียรติบัตร / ใบรับรองการผ่านการ
// ฝึกอบรม): a training::CertificateRecord laid out as a report::Document in Thai, BE dates,
// rendered by report/pdf.h and served by GET /api/v1/training/attendees/{id}/certificate.pdf.
#pragma once

#include <cstdint>
#include <string>

#include "modules/training/training_service.h"
#include "report/document.h"

namespace ecotown::report {

struct CertificateContext {
  std::string organisation;  // the issuing LAO's Thai name
  std::string factory_name;  // the attendee's factory (factory staff); empty for LAO staff
  int64_t printed_at = 0;    // Unix seconds, for the footer
};

Document CertificateDocument(const training::CertificateRecord& record, const CertificateContext& context);

}  // namespace ecotown::report
