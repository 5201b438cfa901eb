#include "core/compliance.h"

#include <algorithm>
#include <array>

namespace ecotown::core {
namespace {

using Rule = bool (*)(const ComplianceFacts&);

struct RuleRow {
  Rule applies;
  ComplianceReason reason;
};

int64_t DaysSince(const CivilDate& date, const CivilDate& today) { return DaysFromCivil(today) - DaysFromCivil(date); }

// The rules, worst level first. A new rule is a new row.
const std::array<RuleRow, 9> kComplianceRules = {{
    {[](const ComplianceFacts& f) { return f.overdue_actions > 0; },
     {ComplianceLevel::kNonCompliant, "overdue_actions", "มีมาตรการแก้ไขที่เลยกำหนดแล้วยังไม่ดำเนินการ",
      "corrective actions are past their due date"}},
    {[](const ComplianceFacts& f) { return f.expired_licences > 0; },
     {ComplianceLevel::kNonCompliant, "expired_licence", "ใบอนุญาตหรือหนังสือรับรองหมดอายุ",
      "a licence or permit has expired"}},
    {[](const ComplianceFacts& f) { return f.open_critical_findings > 0; },
     {ComplianceLevel::kNonCompliant, "critical_findings", "มีข้อบกพร่องร้ายแรงที่ยังไม่แก้ไข",
      "serious findings are still open"}},
    {[](const ComplianceFacts& f) { return f.last_score_percent && *f.last_score_percent < kScoreNonCompliantBelow; },
     {ComplianceLevel::kNonCompliant, "low_score", "คะแนนการตรวจครั้งล่าสุดต่ำกว่าร้อยละ 60",
      "the latest inspection scored below 60%"}},
    {[](const ComplianceFacts& f) { return f.open_actions > f.overdue_actions; },
     {ComplianceLevel::kWatch, "open_actions", "มีมาตรการแก้ไขที่อยู่ระหว่างดำเนินการ",
      "corrective actions are in progress"}},
    {[](const ComplianceFacts& f) { return f.licences_expiring_soon > 0; },
     {ComplianceLevel::kWatch, "licence_expiring", "ใบอนุญาตจะหมดอายุภายใน 60 วัน",
      "a licence expires within 60 days"}},
    {[](const ComplianceFacts& f) {
       return f.last_inspection && DaysSince(*f.last_inspection, f.today) > kInspectionMaxAgeDays;
     },
     {ComplianceLevel::kWatch, "inspection_old", "ตรวจครั้งล่าสุดนานกว่า 1 ปี", "last inspected more than a year ago"}},
    {[](const ComplianceFacts& f) {
       return f.last_score_percent && *f.last_score_percent >= kScoreNonCompliantBelow &&
              *f.last_score_percent < kScoreWatchBelow;
     },
     {ComplianceLevel::kWatch, "fair_score", "คะแนนการตรวจครั้งล่าสุดต่ำกว่าร้อยละ 80",
      "the latest inspection scored below 80%"}},
    {[](const ComplianceFacts& f) { return f.open_clinic_cases > 0; },
     {ComplianceLevel::kCompliant, "clinic_in_progress", "อยู่ระหว่างรับคำปรึกษาจากคลินิกมลพิษ",
      "pollution clinic advice in progress"}},
}};

}  // namespace

std::string_view ComplianceLevelCode(ComplianceLevel level) {
  switch (level) {
    case ComplianceLevel::kNotInspected: return "not_inspected";
    case ComplianceLevel::kCompliant: return "compliant";
    case ComplianceLevel::kWatch: return "watch";
    case ComplianceLevel::kNonCompliant: return "non_compliant";
  }
  return "not_inspected";
}

Compliance AssessCompliance(const ComplianceFacts& facts) {
  Compliance result;
  result.level = facts.last_inspection ? ComplianceLevel::kCompliant : ComplianceLevel::kNotInspected;
  for (const auto& row : kComplianceRules) {
    if (!row.applies(facts)) continue;
    result.reasons.push_back(row.reason);
    // Information rows (level compliant) never raise a factory that was not inspected.
    if (row.reason.level > ComplianceLevel::kCompliant) result.level = std::max(result.level, row.reason.level);
  }
  return result;
}

}  // namespace ecotown::core
