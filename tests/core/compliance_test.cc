#include "core/compliance.h"

#include <gtest/gtest.h>

#include <string>

namespace ecotown::core {
namespace {

constexpr CivilDate kToday{2026, 11, 27};

struct Row {
  const char* name;
  ComplianceFacts facts;
  ComplianceLevel level;
  std::string codes;  // reason codes, comma-separated, in rule order
};

ComplianceFacts Inspected(double score, CivilDate on = {2026, 6, 1}) {
  ComplianceFacts f;
  f.today = kToday;
  f.last_inspection = on;
  f.last_score_percent = score;
  return f;
}

std::string Codes(const Compliance& c) {
  std::string out;
  for (const auto& r : c.reasons) out += (out.empty() ? "" : ",") + std::string(r.code);
  return out;
}

TEST(ComplianceTest, StatusIsTheWorstRuleThatApplies) {
  auto overdue = Inspected(95);
  overdue.open_actions = 2;
  overdue.overdue_actions = 1;
  auto expired = Inspected(90);
  expired.expired_licences = 1;
  auto critical = Inspected(85);
  critical.open_critical_findings = 1;
  auto open_not_due = Inspected(90);
  open_not_due.open_actions = 1;
  auto expiring = Inspected(90);
  expiring.licences_expiring_soon = 1;
  auto clinic = Inspected(90);
  clinic.open_clinic_cases = 1;
  ComplianceFacts never;
  never.today = kToday;
  auto never_but_expired = never;
  never_but_expired.expired_licences = 1;
  auto never_in_clinic = never;
  never_in_clinic.open_clinic_cases = 1;

  const Row rows[] = {
      {"clean inspection", Inspected(92), ComplianceLevel::kCompliant, ""},
      {"score exactly 80 is compliant", Inspected(80), ComplianceLevel::kCompliant, ""},
      {"score 79.9 is watched", Inspected(79.9), ComplianceLevel::kWatch, "fair_score"},
      {"score exactly 60 is watched", Inspected(60), ComplianceLevel::kWatch, "fair_score"},
      {"score 59.9 is non-compliant", Inspected(59.9), ComplianceLevel::kNonCompliant, "low_score"},
      {"overdue action", overdue, ComplianceLevel::kNonCompliant, "overdue_actions,open_actions"},
      {"expired licence", expired, ComplianceLevel::kNonCompliant, "expired_licence"},
      {"critical finding", critical, ComplianceLevel::kNonCompliant, "critical_findings"},
      {"action not yet due", open_not_due, ComplianceLevel::kWatch, "open_actions"},
      {"licence expiring", expiring, ComplianceLevel::kWatch, "licence_expiring"},
      {"inspected 365 days ago", Inspected(90, {2025, 11, 27}), ComplianceLevel::kCompliant, ""},
      {"inspected 366 days ago", Inspected(90, {2025, 11, 26}), ComplianceLevel::kWatch, "inspection_old"},
      {"clinic case is information only", clinic, ComplianceLevel::kCompliant, "clinic_in_progress"},
      {"never inspected", never, ComplianceLevel::kNotInspected, ""},
      {"never inspected, licence expired", never_but_expired, ComplianceLevel::kNonCompliant, "expired_licence"},
      {"never inspected, in the clinic", never_in_clinic, ComplianceLevel::kNotInspected, "clinic_in_progress"},
  };
  for (const auto& row : rows) {
    const Compliance c = AssessCompliance(row.facts);
    EXPECT_EQ(c.level, row.level) << row.name;
    EXPECT_EQ(Codes(c), row.codes) << row.name;
  }
}

TEST(ComplianceTest, EveryReasonHasThaiAndEnglishText) {
  auto f = Inspected(10, {2020, 1, 1});
  f.open_actions = 3;
  f.overdue_actions = 1;
  f.expired_licences = 1;
  f.licences_expiring_soon = 1;
  f.open_critical_findings = 1;
  f.open_clinic_cases = 1;
  const Compliance c = AssessCompliance(f);
  EXPECT_EQ(c.level, ComplianceLevel::kNonCompliant);
  EXPECT_EQ(c.reasons.size(), 8u);  // all but fair_score, which a score of 10 does not meet
  for (const auto& r : c.reasons) {
    EXPECT_FALSE(r.th.empty()) << r.code;
    EXPECT_FALSE(r.en.empty()) << r.code;
  }
  EXPECT_EQ(ComplianceLevelCode(c.level), "non_compliant");
}

}  // namespace
}  // namespace ecotown::core
