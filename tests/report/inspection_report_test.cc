// The inspection report laid out from an inspection object: what an officer expects to read on
// paper, in Thai and in English.
#include "report/inspection_report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "report/pdf.h"
#include "support/pdf_text.h"

namespace ecotown::report {
namespace {

using ::ecotown::testing::PdfText;
using ::ecotown::testing::Squeeze;

inspections::InspectionReport SampleReport(bool signed_off) {
  inspections::InspectionReport r;
  r.inspection.id = 42;
  r.inspection.factory_id = 7;
  r.inspection.factory_name = "บริษัท ศิลาบ้านโป่ง จำกัด";
  r.inspection.planned_date = "2026-11-20";
  r.inspection.started_at = 1'795'000'000;  // 2026-11-18 Bangkok
  r.inspection.inspector_names = {"นางสาวสมศรี ใจดี"};
  r.inspection.notes = "ลานกองหินไม่มีการฉีดพรมน้ำในช่วงบ่าย";
  r.checklist.version = 3;
  r.checklist.title_th = "แบบตรวจด้านสิ่งแวดล้อม";
  r.checklist.title_en = "Environment checklist";
  inspections::ChecklistSection air{"air", "อากาศและฝุ่นละออง", "Air and dust", 1, {}};
  inspections::ChecklistItem covered;
  covered.key = "air-01";
  covered.text_th = "ปิดคลุมกองวัสดุหรือฉีดพรมน้ำ";
  covered.text_en = "Stockpiles covered or wetted";
  inspections::ChecklistItem noise;
  noise.key = "noise-01";
  noise.text_th = "ระดับเสียงที่แนวรั้ว";
  noise.text_en = "Noise at the fence";
  noise.answer_type = inspections::AnswerType::kMeasure;
  noise.upper = 70;
  noise.unit = "dB(A)";
  air.items = {covered, noise};
  r.checklist.sections = {air};
  inspections::Answer a1;
  a1.item_key = "air-01";
  a1.choice = "no";
  a1.note = "ฝุ่นฟุ้งออกนอกรั้ว";
  inspections::Answer a2;
  a2.item_key = "noise-01";
  a2.number = 74.5;
  r.answers = {a1, a2};
  r.scores.sections = {{"air", 0.0, 2, 0, 0, 2}};
  r.scores.overall = 0.0;
  inspections::Finding finding;
  finding.id = 1;
  finding.severity = inspections::Severity::kHigh;
  finding.description = "ฝุ่นจากลานกองหินรบกวนชุมชน";
  finding.legal_basis = "พ.ร.บ.การสาธารณสุข พ.ศ. 2535 มาตรา 25";
  r.findings = {finding};
  inspections::CorrectiveAction action;
  action.title = "ติดตั้งสปริงเกอร์ฉีดพรมน้ำ";
  action.owner = "ผู้จัดการโรงงาน";
  action.due_date = "2027-01-31";
  r.actions = {action};
  if (signed_off) r.sign_off = inspections::SignOffRecord{1'795'100'000, 3, "นางสาวสมศรี ใจดี", "12/2569"};
  return r;
}

InspectionReportContext Context(Language language) {
  InspectionReportContext c;
  c.organisation = language == Language::kThai ? "เทศบาลเมืองบ้านโป่ง" : "Ban Pong Town Municipality";
  c.factory.name = "บริษัท ศิลาบ้านโป่ง จำกัด";
  c.factory.registration_no = "3-7(1)-9001/69รบ";
  c.factory.address = "12 หมู่ 3 ตำบลบ้านโป่ง";
  c.printed_at = 1'795'200'000;
  c.language = language;
  return c;
}

TEST(InspectionReportTest, ThaiReportShowsAnswersFindingsActionsAndTheSignOff) {
  auto pdf = RenderPdf(InspectionDocument(SampleReport(true), Context(Language::kThai)));
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  const std::string text = PdfText(*pdf);
  for (const char* expected :
       // pdftotext reads a table row cell by cell and may reorder Thai marks above a consonant
       // ("ตั้ง"), so wrapped cells are checked in part and such words avoided.
       {"รายงานผลการตรวจสถานประกอบการ", "เทศบาลเมืองบ้านโป่ง", "เลขที่รายงาน 42/2569", "3-7(1)-9001/69รบ",
        "ปิดคลุมกองวัสดุหรือฉีดพรมน้ำ", "ไม่ผ่าน", "74.5 dB(A) (เกณฑ์ ≤ 70) ไม่ผ่าน", "ฝุ่นจากลานกองหินรบกวนชุมชน", "สูง",
        "สปริงเกอร์ฉีดพรมน้ำ", "31 มกราคม", "ใบรับรองผู้ตรวจเลขที่ 12/2569", "(นางสาวสมศรี ใจดี)",
        "ลานกองหินไม่มีการฉีดพรมน้ำในช่วงบ่าย"}) {
    EXPECT_NE(text.find(Squeeze(expected)), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find(Squeeze("ฉบับร่าง")), std::string::npos) << "a signed-off report is not a draft";
}

TEST(InspectionReportTest, UnsignedReportIsMarkedAsADraft) {
  auto pdf = RenderPdf(InspectionDocument(SampleReport(false), Context(Language::kThai)));
  ASSERT_TRUE(pdf.ok());
  EXPECT_NE(PdfText(*pdf).find(Squeeze("ฉบับร่าง ยังไม่ได้ลงนามรับรองผลการตรวจ")), std::string::npos);
}

TEST(InspectionReportTest, EnglishReportUsesEnglishLabelsAndItemTexts) {
  auto pdf = RenderPdf(InspectionDocument(SampleReport(true), Context(Language::kEnglish)));
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  for (const char* expected : {"Factory inspection report", "Ban Pong Town Municipality", "Stockpiles covered or wetted",
                               "Not met", "31 January", "Corrective actions", "Signed", "Date"}) {
    EXPECT_NE(text.find(Squeeze(expected)), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find(Squeeze("ลงชื่อ")), std::string::npos) << "no Thai labels in an English report";
}

TEST(InspectionReportTest, PhotosArePrintedWithTheirTimeAndPlace) {
  auto context = Context(Language::kThai);
  std::ifstream in(std::string(ECOTOWN_REPORT_TEST_DATA) + "/photo.jpg", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  inspections::Photo photo;
  photo.bytes = bytes.str();
  photo.caption = "ลานกองหินด้านทิศใต้";
  photo.taken_at = 1'795'000'000;
  photo.lat = 13.81234;
  photo.lon = 99.87654;
  context.photos.push_back({photo});
  auto pdf = RenderPdf(InspectionDocument(SampleReport(true), context));
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find(Squeeze("ภาพที่ 1 ลานกองหินด้านทิศใต้")), std::string::npos) << text;
  EXPECT_NE(text.find(Squeeze("13.81234, 99.87654")), std::string::npos) << text;
  EXPECT_NE(pdf->find("/DCTDecode"), std::string::npos);
}

}  // namespace
}  // namespace ecotown::report
