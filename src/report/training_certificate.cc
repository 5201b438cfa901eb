#include "report/training_certificate.h"

#include <cmath>
#include <cstdio>

#include "core/thai_calendar.h"

namespace ecotown::report {
namespace {

std::string ThaiDay(int64_t unix_seconds) { return core::FormatThaiDate(core::BangkokDateOf(unix_seconds)); }

// "1 - 3 ธันวาคม 2569" or one day.
std::string ThaiDays(int64_t from, int64_t to) {
  if (core::BangkokDateOf(from) == core::BangkokDateOf(to)) return ThaiDay(from);
  return ThaiDay(from) + " ถึง " + ThaiDay(to);
}

std::string Hours(double hours) {
  char text[32];
  if (std::floor(hours) == hours) {
    std::snprintf(text, sizeof text, "%.0f", hours);
  } else {
    std::snprintf(text, sizeof text, "%.1f", hours);
  }
  return text;
}

}  // namespace

Document CertificateDocument(const training::CertificateRecord& record, const CertificateContext& context) {
  const training::Certificate& c = record.certificate;
  Document doc;
  doc.organisation = context.organisation;
  doc.title = "เกียรติบัตร";
  doc.subtitle = "ใบรับรองการผ่านการฝึกอบรม";
  doc.reference = "เลขที่ " + c.number;
  doc.footer = "ออกโดยระบบ ecotown · พิมพ์เมื่อ " + ThaiDay(context.printed_at);
  doc.author = context.organisation;

  doc.blocks.push_back(Paragraph{context.organisation + " ขอมอบเกียรติบัตรฉบับนี้ไว้เพื่อแสดงว่า", false});
  doc.blocks.push_back(Heading{c.person_name, 1});
  if (!context.factory_name.empty()) doc.blocks.push_back(Paragraph{"สังกัด " + context.factory_name, false});
  std::string course = "ได้ผ่านการฝึกอบรมหลักสูตร \"" + record.course.title_th + "\"";
  if (!record.course.topic.empty()) course += " เรื่อง" + record.course.topic;
  course += " จำนวน " + Hours(record.course.hours) + " ชั่วโมง";
  doc.blocks.push_back(Paragraph{course});
  std::string when = "ระหว่างวันที่ " + ThaiDays(record.session.starts_on, record.session.ends_on);
  if (!record.session.place.empty()) when += " ณ " + record.session.place;
  doc.blocks.push_back(Paragraph{when});

  Fields fields;
  fields.items.emplace_back("เลขที่เกียรติบัตร", c.number);
  fields.items.emplace_back("ให้ไว้ ณ วันที่", ThaiDay(c.issued_at));
  // valid_until is the first day it is no longer valid: the last valid day is the one before.
  fields.items.emplace_back("ใช้ได้ถึงวันที่", c.valid_until > 0 ? ThaiDay(c.valid_until - 86400) : "ไม่มีวันหมดอายุ");
  if (record.attendee.score) {
    char score[32];
    std::snprintf(score, sizeof score, "%.0f", *record.attendee.score);
    fields.items.emplace_back("คะแนนการทดสอบ", std::string(score) + " คะแนน");
  }
  if (record.course.certifies_inspectors) {
    fields.items.emplace_back("สิทธิ", "ลงนามรับรองผลการตรวจสถานประกอบการได้ตลอดอายุเกียรติบัตร");
  }
  doc.blocks.push_back(std::move(fields));

  Signatures signatures;
  std::string trainer = record.session.trainers.substr(0, record.session.trainers.find('\n'));
  signatures.items.push_back({trainer, "วิทยากร", ThaiDay(c.issued_at)});
  signatures.items.push_back({"", "ผู้บริหารท้องถิ่น " + context.organisation, ThaiDay(c.issued_at)});
  doc.blocks.push_back(std::move(signatures));
  return doc;
}

}  // namespace ecotown::report
