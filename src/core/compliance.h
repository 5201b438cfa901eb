// A factory's compliance status in words an executive understands, from the facts the registry,
// inspections and the clinic hold about it. Pure and table-driven: each rule is one row of
// kComplianceRules (compliance.cc) with its level, code and Thai/English reason; the status is the
// worst level any rule gives. The rules are documented in docs/factories.md.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/thai_calendar.h"

namespace ecotown::core {

enum class ComplianceLevel {
  kNotInspected,  // no signed-off inspection yet and nothing known against the factory
  kCompliant,     // ปฏิบัติตามเกณฑ์
  kWatch,         // ต้องติดตาม: open actions not yet due, licence expiring, inspection getting old
  kNonCompliant,  // ไม่ปฏิบัติตามเกณฑ์: overdue actions, expired licence, open critical findings, low score
};

// Stable code: "not_inspected", "compliant", "watch", "non_compliant".
std::string_view ComplianceLevelCode(ComplianceLevel level);

struct ComplianceFacts {
  CivilDate today;
  std::optional<CivilDate> last_inspection;  // date of the latest signed-off inspection
  std::optional<double> last_score_percent;  // its overall score, 0..100
  int open_critical_findings = 0;            // open findings of severity critical (or high)
  int open_actions = 0;                      // corrective actions not closed, overdue included
  int overdue_actions = 0;                   // open actions past their due date
  int expired_licences = 0;                  // licences or permits whose expiry is before today
  int licences_expiring_soon = 0;            // expiring within kLicenceWarningDays
  int open_clinic_cases = 0;                 // advice still in progress (information, not a fault)
};

inline constexpr int kLicenceWarningDays = 60;
inline constexpr int kInspectionMaxAgeDays = 365;
inline constexpr double kScoreNonCompliantBelow = 60.0;
inline constexpr double kScoreWatchBelow = 80.0;

struct ComplianceReason {
  ComplianceLevel level;
  std::string_view code;  // stable, e.g. "overdue_actions"
  std::string_view th;
  std::string_view en;
};

struct Compliance {
  ComplianceLevel level = ComplianceLevel::kNotInspected;
  std::vector<ComplianceReason> reasons;  // every rule that applied, worst first
};

Compliance AssessCompliance(const ComplianceFacts& facts);

}  // namespace ecotown::core
