#include "report/pdf.h"
#include "support/pdf_text.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ecotown::report {
namespace {

using ::ecotown::testing::RunPoppler;
using ::ecotown::testing::Squeeze;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
  return count;
}

Document ThaiReport() {
  Document doc;
  doc.organisation = "เทศบาลเมืองบ้านโป่ง";
  doc.title = "รายงานการตรวจสอบโรงงาน";
  doc.subtitle = "ด้านสิ่งแวดล้อม";
  doc.reference = "ที่ ตส. 12/2569";
  doc.footer = "ecotown";
  doc.blocks.push_back(Fields{{{"ชื่อโรงงาน", "บริษัท ตัวอย่างอาหารสัตว์ จำกัด"}, {"วันที่ตรวจ", "26 พฤศจิกายน 2569"}}});
  doc.blocks.push_back(Heading{"ผลการตรวจ", 1});
  doc.blocks.push_back(Paragraph{"เจ้าหน้าที่ได้ตรวจสอบสถานที่ประกอบกิจการตามแบบตรวจด้านสิ่งแวดล้อม "
                                 "พบฝุ่นละอองจากลานกองวัตถุดิบฟุ้งกระจายออกนอกเขตโรงงานในช่วงบ่าย"});
  doc.blocks.push_back(Table{{{"ข้อ", 0.5}, {"รายการตรวจ", 3}, {"ผล", 1}},
                             {{"1", "มีการปิดคลุมกองวัตถุดิบ", "ไม่ผ่าน"}, {"2", "ระบบบำบัดน้ำเสียทำงานปกติ", "ผ่าน"}},
                             {true, false}});
  doc.blocks.push_back(Signatures{{{"นางสาวสมศรี ใจดี", "ผู้ตรวจ", "26 พฤศจิกายน 2569"}, {"นายสมชาย รักษ์ดี", "ผู้แทนโรงงาน", ""}}});
  return doc;
}

TEST(PdfTest, ThaiTextIsShapedExtractableAndTheFontEmbedded) {
  auto pdf = RenderPdf(ThaiReport());
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = Squeeze(RunPoppler("pdftotext", *pdf));
  for (const char* expected : {"รายงานการตรวจสอบโรงงาน", "เทศบาลเมืองบ้านโป่ง", "บริษัท ตัวอย่างอาหารสัตว์ จำกัด",
                               "มีการปิดคลุมกองวัตถุดิบ", "นางสาวสมศรี ใจดี", "หน้า 1/1", "ที่ ตส. 12/2569"}) {
    EXPECT_NE(text.find(Squeeze(expected)), std::string::npos) << expected << "\n" << text;
  }
  const std::string fonts = RunPoppler("pdffonts", *pdf);
  EXPECT_NE(fonts.find("Laksaman"), std::string::npos) << fonts;
  EXPECT_EQ(fonts.find(" no  "), std::string::npos) << "every font embedded:\n" << fonts;
}

TEST(PdfTest, LongTableContinuesOnNewPagesWithItsHeaderRepeated) {
  Document doc;
  doc.title = "ตารางยาว";
  Table table{{{"ลำดับ", 1}, {"หัวตารางรายการ", 4}}, {}, {}};
  for (int i = 1; i <= 120; ++i) table.rows.push_back({std::to_string(i), "รายการที่ " + std::to_string(i)});
  doc.blocks.push_back(table);
  auto pdf = RenderPdf(doc);
  ASSERT_TRUE(pdf.ok());
  const std::string info = RunPoppler("pdfinfo", *pdf);
  const std::string text = RunPoppler("pdftotext", *pdf);
  const size_t pages = Count(text, "\f");
  ASSERT_GE(pages, 3u) << info;
  EXPECT_EQ(Count(text, "หัวตารางรายการ"), pages);
  EXPECT_NE(text.find("หน้า " + std::to_string(pages) + "/" + std::to_string(pages)), std::string::npos);
  EXPECT_NE(text.find("รายการที่ 120"), std::string::npos);
}

TEST(PdfTest, JpegAndPngPhotosAreEmbeddedAndOtherBytesBecomeANote) {
  Document doc;
  doc.title = "ภาพถ่าย";
  const std::string jpeg = ReadFile(std::filesystem::path(ECOTOWN_REPORT_TEST_DATA) / "photo.jpg");
  ASSERT_FALSE(jpeg.empty());
  doc.blocks.push_back(Image{jpeg, "ภาพที่ 1 ลานกองวัตถุดิบ"});
  doc.blocks.push_back(Image{"GIF89a not an image we draw", "ภาพที่ 2"});
  auto pdf = RenderPdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  EXPECT_NE(pdf->find("/DCTDecode"), std::string::npos) << "the JPEG is embedded as it is";
  const std::string text = RunPoppler("pdftotext", *pdf);
  EXPECT_NE(text.find("ภาพที่ 1 ลานกองวัตถุดิบ"), std::string::npos);
  EXPECT_NE(text.find("ไม่แสดงในรายงาน"), std::string::npos);
}

TEST(PdfTest, EmptyDocumentStillRendersOnePage) {
  auto pdf = RenderPdf(Document{});
  ASSERT_TRUE(pdf.ok());
  const std::string info = RunPoppler("pdfinfo", *pdf);
  EXPECT_NE(info.find("Pages:"), std::string::npos) << info;
  EXPECT_NE(Squeeze(info).find("Pages:1"), std::string::npos) << info;
}

}  // namespace
}  // namespace ecotown::report
