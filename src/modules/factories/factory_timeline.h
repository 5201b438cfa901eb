// The factory page: one timeline of what the LAO knows about a factory (licences, inspections,
// findings, corrective actions, pollution clinic cases, residents' complaints) and its compliance
// status in words an executive understands (core/compliance.h). Read-only; needs organisation
// read (a factory representative sees its actions and cases on their own screens instead).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/compliance.h"
#include "core/result.h"
#include "modules/factories/factory.h"
#include "modules/unit_of_work.h"

namespace ecotown::factories {

struct TimelineEvent {
  std::string date;   // YYYY-MM-DD (Asia/Bangkok)
  std::string kind;   // licence_issued, licence_expires, inspection_planned, inspection_signed_off,
                      // finding, action_due, action_closed, clinic_case, complaint
  std::string title;  // what happened, in Thai (the record's own text where it has one)
  std::string status; // the record's status code (e.g. "open", "signed_off", "in_progress")
  std::string severity;  // findings: low, medium, high, critical
  int64_t ref_id = 0;    // the record (licence, inspection, action, clinic case, complaint)
};

struct FactoryTimeline {
  Factory factory;
  core::ComplianceFacts facts;
  core::Compliance compliance;
  std::optional<int64_t> last_inspection_id;
  std::vector<TimelineEvent> events;  // newest first
};

// NotFound outside the caller's organisations; Forbidden for a role without organisation read.
Result<FactoryTimeline> BuildFactoryTimeline(UnitOfWork& work, int64_t factory_id);

}  // namespace ecotown::factories
