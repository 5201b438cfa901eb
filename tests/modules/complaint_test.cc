// Pure rules of the complaints area, table-driven: the workflow table, tracking numbers,
// categories, settings and field validation.
#include "modules/complaints/complaint.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace ecotown::complaints {
namespace {

using S = ComplaintStatus;

TEST(ComplaintWorkflowTest, EveryMoveOfTheTableIsAllowedAndNothingElse) {
  const std::set<std::pair<S, S>> allowed = {
      {S::kReceived, S::kAssigned},      {S::kReceived, S::kRejected},      {S::kAssigned, S::kAssigned},
      {S::kAssigned, S::kInvestigating}, {S::kAssigned, S::kRejected},      {S::kInvestigating, S::kAssigned},
      {S::kInvestigating, S::kResolved}, {S::kInvestigating, S::kRejected}, {S::kResolved, S::kInvestigating},
      {S::kResolved, S::kClosed},        {S::kRejected, S::kClosed},
  };
  const S all[] = {S::kReceived, S::kAssigned, S::kInvestigating, S::kResolved, S::kRejected, S::kClosed, S::kMerged};
  for (S from : all) {
    for (S to : all) {
      EXPECT_EQ(CanTransition(from, to), allowed.contains({from, to})) << StatusName(from) << " -> " << StatusName(to);
    }
  }
}

TEST(ComplaintWorkflowTest, OnlyTheFirstThreeStatesAreOpen) {
  EXPECT_TRUE(IsOpen(S::kReceived));
  EXPECT_TRUE(IsOpen(S::kAssigned));
  EXPECT_TRUE(IsOpen(S::kInvestigating));
  for (S s : {S::kResolved, S::kRejected, S::kClosed, S::kMerged}) EXPECT_FALSE(IsOpen(s)) << StatusName(s);
}

TEST(ComplaintCodesTest, StatusesAndCategoriesRoundTripAndUnknownCodesNameTheField) {
  for (const auto& info : AllCategories()) {
    auto parsed = ParseCategory(info.code);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, info.category);
    EXPECT_GE(info.default_deadline_days, 1);
  }
  EXPECT_EQ(ParseCategory("potholes").status().field(), "category");
  EXPECT_EQ(ParseCategory("potholes", "service_code").status().field(), "service_code");
  EXPECT_EQ(ParseStatus("lost").status().field(), "status");
  EXPECT_EQ(*ParseStatus("merged"), S::kMerged);
}

TEST(TrackingNumberTest, HasThePrefixTheBuddhistYearAndFiveUnambiguousCharacters) {
  // 2026-01-01 00:30 Bangkok is still 2025-12-31 in UTC: the Bangkok year counts.
  const int64_t new_year_bangkok = 1'767'202'200;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string n = NewTrackingNumber("BP", new_year_bangkok);
    EXPECT_TRUE(std::regex_match(n, std::regex("BP-2569-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}"))) << n;
    seen.insert(n);
  }
  EXPECT_GT(seen.size(), 195u);  // random, not a sequence
}

TEST(TrackingNumberTest, NormalisingForgivesCaseAndSpacesButNothingElse) {
  const struct {
    const char* in;
    const char* out;
  } rows[] = {{"bp-2569-7kq4m", "BP-2569-7KQ4M"},
              {"  BP-2569-7KQ4M \n", "BP-2569-7KQ4M"},
              {"", ""},
              {"BP-2569-7KQ4M'; --", ""},
              {"BP 2569 7KQ4M", ""},
              {"BP-2569-7KQ4MXXXXXXXXXXX", ""}};
  for (const auto& row : rows) EXPECT_EQ(NormalizeTracking(row.in), row.out) << row.in;
}

TEST(ComplaintValidationTest, DescriptionsEmailsAndPhonesAtTheirBoundaries) {
  EXPECT_EQ(ValidateDescription("สั้นไป").field(), "description");
  EXPECT_TRUE(ValidateDescription("กลิ่นเหม็นมาก").ok());  // 13 characters, 39 bytes
  EXPECT_TRUE(ValidateDescription(std::string(4000, 'a')).ok());
  EXPECT_EQ(ValidateDescription(std::string(4001, 'a')).field(), "description");
  EXPECT_EQ(ValidateDescription("\xff\xfe not utf-8 at all").field(), "description");
  EXPECT_EQ(ValidateDescription("bell \x07 in the text").field(), "description");
  EXPECT_TRUE(ValidateEmail("somsri@example.org").ok());
  for (const char* bad : {"somsri", "@example.org", "a@b", "a@@b.org", "a b@c.org", "a@b.org.", "<a@b.org>"}) {
    EXPECT_EQ(ValidateEmail(bad).field(), "email") << bad;
  }
  EXPECT_TRUE(ValidatePhone("081-234-5678").ok());
  EXPECT_TRUE(ValidatePhone("+66 81 234 5678").ok());
  EXPECT_EQ(ValidatePhone("12345").field(), "phone");
  EXPECT_EQ(ValidatePhone("call me").field(), "phone");
}

TEST(ComplaintSettingsTest, DefaultsAreValidAndEachLimitNamesItsField) {
  Settings s = DefaultSettings(7, "banpong");
  EXPECT_EQ(s.tracking_prefix, "BA");
  EXPECT_TRUE(ValidateSettings(s).ok());
  EXPECT_EQ(DefaultSettings(7, "9-x").tracking_prefix, "CP");
  Settings bad = s;
  bad.deadline_days[Category::kNoise] = 366;
  EXPECT_EQ(ValidateSettings(bad).field(), "deadline_days.noise");
  bad = s;
  bad.retention_days = 29;
  EXPECT_EQ(ValidateSettings(bad).field(), "retention_days");
  bad = s;
  bad.tracking_prefix = "ABCDE";
  EXPECT_EQ(ValidateSettings(bad).field(), "tracking_prefix");
}

}  // namespace
}  // namespace ecotown::complaints
