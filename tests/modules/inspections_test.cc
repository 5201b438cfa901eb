// The pure parts of the inspections area: the scoring rule against hand-computed values, answer
// validation per answer type, template validation naming the field, and the shipped defaults.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "modules/inspections/checklist.h"
#include "modules/inspections/inspection.h"

namespace ecotown::inspections {
namespace {

ChecklistItem Item(std::string key, AnswerType type, double weight) {
  ChecklistItem item;
  item.key = std::move(key);
  item.text_th = "ข้อ " + item.key;
  item.answer_type = type;
  item.weight = weight;
  return item;
}

// Section A (weight 2): a1 yes/no w2, a2 yes/no w1, a3 yes/no w1.
// Section B (weight 1): b1 score 0..4 w1, b2 measure ≤ 70 dB(A) w1, b3 text.
ChecklistTemplate Sample() {
  ChecklistTemplate t;
  t.code = "sample";
  t.version = 1;
  t.title_th = "ตัวอย่าง";
  ChecklistSection a{"a", "หมวด ก", "", 2, {}};
  a.items = {Item("a1", AnswerType::kYesNo, 2), Item("a2", AnswerType::kYesNo, 1), Item("a3", AnswerType::kYesNo, 1)};
  ChecklistSection b{"b", "หมวด ข", "", 1, {}};
  auto score = Item("b1", AnswerType::kScore, 1);
  score.score_min = 0;
  score.score_max = 4;
  auto noise = Item("b2", AnswerType::kMeasure, 1);
  noise.upper = 70;
  noise.unit = "dB(A)";
  b.items = {score, noise, Item("b3", AnswerType::kText, 1)};
  t.sections = {a, b};
  return t;
}

Answer Choice(std::string key, std::string choice) {
  Answer a;
  a.item_key = std::move(key);
  a.choice = std::move(choice);
  return a;
}
Answer Number(std::string key, double v) {
  Answer a;
  a.item_key = std::move(key);
  a.number = v;
  return a;
}

TEST(InspectionScoresTest, WeightedSectionsAndOverallMatchHandComputedValues) {
  Answer text;
  text.item_key = "b3";
  text.text = "ข้อสังเกต";
  const Scores s = ComputeScores(Sample(), {Choice("a1", "yes"), Choice("a2", "no"), Choice("a3", "na"),
                                            Number("b1", 3), Number("b2", 72), text});
  ASSERT_EQ(s.sections.size(), 2u);
  // A: (2·1 + 1·0) / (2 + 1), na left out.
  ASSERT_TRUE(s.sections[0].score.has_value());
  EXPECT_NEAR(*s.sections[0].score, 200.0 / 3.0, 1e-9);
  EXPECT_EQ(s.sections[0].counted, 2);
  EXPECT_EQ(s.sections[0].not_applicable, 1);
  EXPECT_EQ(s.sections[0].non_compliant, 1);
  // B: (1·0.75 + 1·0) / 2; the text item does not count.
  EXPECT_NEAR(*s.sections[1].score, 37.5, 1e-9);
  // Overall: (2·66.67 + 1·37.5) / 3.
  ASSERT_TRUE(s.overall.has_value());
  EXPECT_NEAR(*s.overall, (2 * 200.0 / 3.0 + 37.5) / 3.0, 1e-9);
  EXPECT_EQ(s.unanswered, 0);
}

TEST(InspectionScoresTest, UnansweredAndNotApplicableItemsLeaveNoScore) {
  const Scores none = ComputeScores(Sample(), {});
  EXPECT_FALSE(none.overall.has_value());
  EXPECT_EQ(none.unanswered, 5);  // the text item is not counted as missing
  const Scores na = ComputeScores(Sample(), {Choice("a1", "na"), Choice("a2", "na"), Choice("a3", "na"), Number("b1", 4)});
  EXPECT_FALSE(na.sections[0].score.has_value());
  EXPECT_NEAR(*na.sections[1].score, 100.0, 1e-9);
  EXPECT_NEAR(*na.overall, 100.0, 1e-9);  // only section B has a score
  EXPECT_EQ(na.unanswered, 1);            // b2
}

TEST(InspectionScoresTest, MeasuredValueOnTheLimitIsCompliant) {
  ChecklistItem ph = Item("ph", AnswerType::kMeasure, 1);
  ph.lower = 5.5;
  ph.upper = 9.0;
  EXPECT_EQ(Compliance(ph, Number("ph", 5.5)), 1.0);
  EXPECT_EQ(Compliance(ph, Number("ph", 9.0)), 1.0);
  EXPECT_EQ(Compliance(ph, Number("ph", 9.01)), 0.0);
  EXPECT_EQ(Compliance(ph, Number("ph", 5.49)), 0.0);
}

TEST(InspectionAnswerTest, EachAnswerTypeTakesOnlyItsValue) {
  const auto t = Sample();
  EXPECT_TRUE(ValidateAnswer(*t.FindItem("a1"), Choice("a1", "yes")).ok());
  EXPECT_EQ(ValidateAnswer(*t.FindItem("a1"), Choice("a1", "maybe")).field(), "value");
  EXPECT_EQ(ValidateAnswer(*t.FindItem("a1"), Number("a1", 1)).field(), "value");
  EXPECT_EQ(ValidateAnswer(*t.FindItem("b1"), Number("b1", 5)).field(), "value");  // above score_max
  EXPECT_TRUE(ValidateAnswer(*t.FindItem("b1"), Number("b1", 0)).ok());
  EXPECT_TRUE(ValidateAnswer(*t.FindItem("b2"), Number("b2", 95.5)).ok());  // out of limits is an answer, not an error
  Answer both = Choice("a1", "yes");
  both.number = 1;
  EXPECT_EQ(ValidateAnswer(*t.FindItem("a1"), both).field(), "value");
  Answer long_note = Choice("a1", "no");
  long_note.note = std::string(2001, 'x');
  EXPECT_EQ(ValidateAnswer(*t.FindItem("a1"), long_note).field(), "note");
}

TEST(ChecklistTemplateTest, ValidationNamesTheFieldAtFault) {
  EXPECT_TRUE(ValidateTemplate(Sample()).ok());
  auto dup = Sample();
  dup.sections[1].items[0].key = "a1";
  EXPECT_EQ(ValidateTemplate(dup).field(), "sections[1].items[0].key");
  auto weight = Sample();
  weight.sections[0].items[2].weight = 0;
  EXPECT_EQ(ValidateTemplate(weight).field(), "sections[0].items[2].weight");
  auto range = Sample();
  range.sections[1].items[0].score_max = 0;
  EXPECT_EQ(ValidateTemplate(range).field(), "sections[1].items[0].score_max");
  auto limits = Sample();
  limits.sections[1].items[1].upper.reset();
  EXPECT_EQ(ValidateTemplate(limits).field(), "sections[1].items[1].upper");
  auto photo = Sample();
  photo.sections[0].items[0].bad_photos = {"https://example.com/x.jpg"};
  EXPECT_EQ(ValidateTemplate(photo).field(), "sections[0].items[0].bad_photos");
  auto code = Sample();
  code.code = "ตรวจ";
  EXPECT_EQ(ValidateTemplate(code).field(), "code");
}

TEST(ChecklistTemplateTest, SectionsSurviveTheirJsonForm) {
  const auto t = Sample();
  auto back = SectionsFromJson(SectionsToJson(t.sections));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].items[1].upper, 70.0);
  EXPECT_EQ((*back)[1].items[1].unit, "dB(A)");
  EXPECT_EQ((*back)[1].items[0].score_max, 4.0);
  EXPECT_EQ((*back)[0].weight, 2.0);
  auto unknown = SectionsFromJson(R"([{"key":"a","title_th":"ก","items":[{"key":"x","text_th":"ข","answer_type":"yes_no","colour":"red"}]}])");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "sections[0].items[0].colour");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ChecklistTemplateTest, ShippedDefaultsAreValidAndCoverTheIssuesTopics) {
  auto env = TemplateFromFileJson(ReadFile(std::string(ECOTOWN_DATA_DIR) + "/checklists/environment.json"));
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  std::vector<std::string> keys;
  for (const auto& s : env->sections) keys.push_back(s.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"air", "odour", "water", "waste", "noise", "chem"}));
  auto safety = TemplateFromFileJson(ReadFile(std::string(ECOTOWN_DATA_DIR) + "/checklists/safety.json"));
  ASSERT_TRUE(safety.ok()) << safety.status().ToString();
  keys.clear();
  for (const auto& s : safety->sections) keys.push_back(s.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"fire", "boiler", "electric", "chemhandling", "emergency"}));
  for (const auto* t : {&*env, &*safety}) {
    for (const auto& s : t->sections) {
      EXPECT_GE(s.items.size(), 3u) << s.key;
      for (const auto& item : s.items) {
        EXPECT_FALSE(item.guidance.empty()) << item.key;
      }
    }
  }
}

}  // namespace
}  // namespace ecotown::inspections
