#include "modules/alerts/messages.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "core/qa.h"
#include "core/thai_calendar.h"

namespace ecotown::alerts {
namespace {

std::string OneDecimal(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string Whole(double value) { return std::to_string(static_cast<int64_t>(std::llround(value))); }

std::string ClockOf(int64_t unix_seconds) {
  const int64_t local = unix_seconds + core::kBangkokUtcOffsetSeconds;
  const int minute = static_cast<int>((((local % 86400) + 86400) % 86400) / 60);
  return FormatClockTime(minute);
}

std::string SensorLabel(const SensorSnapshot& snapshot) {
  if (snapshot.name.empty()) return snapshot.code;
  return snapshot.name + " (" + snapshot.code + ")";
}

// Thai names of the implausible-data flags (the API and logs use QaFlagNames).
std::string_view ThaiFlagName(std::string_view name) {
  if (name == "not_finite") return "ค่าไม่ใช่ตัวเลข";
  if (name == "negative") return "ค่าติดลบ";
  if (name == "above_range") return "ค่าเกินช่วงวัด";
  if (name == "stuck") return "ค่าค้างไม่เปลี่ยน";
  if (name == "spike") return "ค่ากระโดดผิดปกติ";
  if (name == "pm25_above_pm10") return "PM2.5 สูงกว่า PM10";
  if (name == "humidity_invalid") return "ค่าความชื้นผิดปกติ";
  if (name == "channel_disagreement") return "สองช่องวัดไม่ตรงกัน";
  if (name == "future_timestamp") return "เวลาของข้อมูลล่วงหน้า";
  return name;
}

std::string FlagList(core::QaFlags flags, bool thai) {
  std::string text;
  for (const auto name : core::QaFlagNames(flags)) {
    if (!text.empty()) text += ", ";
    text += thai ? std::string(ThaiFlagName(name)) : std::string(name);
  }
  return text;
}

std::string CategoryName(const Measurement& m, bool thai) {
  if (!m.scale || !m.level) return {};
  auto category = core::AqiCategoryOf(*m.scale, *m.level);
  if (!category.ok()) return {};
  return std::string(thai ? category->name_th : category->name_en);
}

std::string ScaleTh(core::AqiScale scale) { return scale == core::AqiScale::kThai ? "AQI ไทย" : "AQI สหรัฐฯ (NowCast)"; }
std::string ScaleEn(core::AqiScale scale) { return scale == core::AqiScale::kThai ? "Thai AQI" : "US AQI (NowCast)"; }

}  // namespace

std::string FormatThaiTime(int64_t unix_seconds) {
  return core::FormatThaiDate(core::BangkokDateOf(unix_seconds), true) + " " + ClockOf(unix_seconds) + " น.";
}

std::string FormatEnglishTime(int64_t unix_seconds) {
  return core::FormatEnglishDate(core::BangkokDateOf(unix_seconds)) + " " + ClockOf(unix_seconds);
}

NoticeText ComposeNotice(const AlertRule& rule, const SensorSnapshot& snapshot, AlertKind kind, const Measurement& m,
                         int64_t since) {
  const std::string sensor = SensorLabel(snapshot);
  const bool fire = kind != AlertKind::kRecover;
  NoticeText text;
  text.th = std::string(fire ? "แจ้งเตือน" : "กลับสู่ปกติ") + " [" + rule.name + "] ";
  text.en = std::string(fire ? "Alert" : "Recovered") + " [" + rule.name + "] ";
  const std::string since_th = FormatThaiTime(since);
  const std::string since_en = FormatEnglishTime(since);

  switch (rule.kind) {
    case RuleKind::kPm25Daily:
    case RuleKind::kPm25NowCast: {
      const bool daily = rule.kind == RuleKind::kPm25Daily;
      const std::string what_th = daily ? "PM2.5 เฉลี่ย 24 ชั่วโมง" : "PM2.5 (NowCast)";
      const std::string what_en = daily ? "24-hour mean PM2.5" : "PM2.5 NowCast";
      const std::string category_th = CategoryName(m, true);
      const std::string category_en = CategoryName(m, false);
      if (fire) {
        text.th += what_th + " ที่ " + sensor + " อยู่ที่ " + OneDecimal(m.value) + " มคก./ลบ.ม. เกินเกณฑ์ " +
                   OneDecimal(rule.threshold) + " มคก./ลบ.ม." + (category_th.empty() ? "" : " (" + category_th + ")") +
                   " ตั้งแต่ " + since_th;
        text.en += what_en + " at " + sensor + " is " + OneDecimal(m.value) + " µg/m³, above the threshold of " +
                   OneDecimal(rule.threshold) + " µg/m³" + (category_en.empty() ? "" : " (" + category_en + ")") +
                   ", since " + since_en + ".";
      } else {
        text.th += what_th + " ที่ " + sensor + " ลดลงเหลือ " + OneDecimal(m.value) + " มคก./ลบ.ม. ไม่เกินเกณฑ์ " +
                   OneDecimal(rule.threshold) + " มคก./ลบ.ม. แล้ว เมื่อ " + since_th;
        text.en += what_en + " at " + sensor + " is down to " + OneDecimal(m.value) + " µg/m³, no longer above " +
                   OneDecimal(rule.threshold) + " µg/m³, since " + since_en + ".";
      }
      break;
    }
    case RuleKind::kAqiLevel: {
      const core::AqiScale scale = m.scale.value_or(rule.scale.value_or(core::AqiScale::kThai));
      const std::string category_th = CategoryName(m, true);
      const std::string category_en = CategoryName(m, false);
      const std::string level = Whole(rule.threshold);
      if (fire) {
        text.th += ScaleTh(scale) + " ที่ " + sensor + " อยู่ที่ " + Whole(m.value) + " ระดับ \"" + category_th +
                   "\" ถึงเกณฑ์ระดับ " + level + " ตั้งแต่ " + since_th;
        text.en += ScaleEn(scale) + " at " + sensor + " is " + Whole(m.value) + " (" + category_en +
                   "), at or above level " + level + ", since " + since_en + ".";
      } else {
        text.th += ScaleTh(scale) + " ที่ " + sensor + " ลดลงเป็น " + Whole(m.value) + " ระดับ \"" + category_th +
                   "\" ต่ำกว่าเกณฑ์ระดับ " + level + " แล้ว เมื่อ " + since_th;
        text.en += ScaleEn(scale) + " at " + sensor + " is down to " + Whole(m.value) + " (" + category_en +
                   "), below level " + level + ", since " + since_en + ".";
      }
      break;
    }
    case RuleKind::kOffline:
      if (fire) {
        text.th += "เซนเซอร์ " + sensor + " ไม่ได้ส่งข้อมูลมา " + Whole(m.value) + " นาที (เกณฑ์ " + Whole(rule.threshold) +
                   " นาที) ข้อมูลล่าสุดเมื่อ " + FormatThaiTime(snapshot.last_seen.value_or(since));
        text.en += "Sensor " + sensor + " has sent no data for " + Whole(m.value) + " minutes (threshold " +
                   Whole(rule.threshold) + " minutes); last data at " +
                   FormatEnglishTime(snapshot.last_seen.value_or(since)) + ".";
      } else {
        text.th += "เซนเซอร์ " + sensor + " กลับมาส่งข้อมูลแล้ว เมื่อ " + since_th;
        text.en += "Sensor " + sensor + " is sending data again, since " + since_en + ".";
      }
      break;
    case RuleKind::kDataQuality:
      if (fire) {
        text.th += "ข้อมูลจากเซนเซอร์ " + sensor + " ผิดปกติ " + Whole(m.value) + " ค่าในหนึ่งชั่วโมงที่ผ่านมา (" +
                   FlagList(snapshot.flags_last_hour, true) + ") ตรวจสอบเซนเซอร์ได้ตั้งแต่ " + since_th;
        text.en += "Sensor " + sensor + " sent " + Whole(m.value) +
                   " stuck or implausible readings in the last hour (" + FlagList(snapshot.flags_last_hour, false) +
                   "), since " + since_en + ".";
      } else {
        text.th += "ข้อมูลจากเซนเซอร์ " + sensor + " กลับเป็นปกติแล้ว เมื่อ " + since_th;
        text.en += "Readings of sensor " + sensor + " look plausible again, since " + since_en + ".";
      }
      break;
  }
  return text;
}

NoticeText ComposeTestNotice(const AlertRule& rule, int64_t at) {
  NoticeText text;
  text.th =
      "ทดสอบการแจ้งเตือน [" + rule.name + "] ข้อความนี้ส่งเพื่อทดสอบช่องทางแจ้งเตือนเมื่อ " + FormatThaiTime(at) + " ไม่ใช่เหตุการณ์จริง";
  text.en = "Test notice [" + rule.name + "] sent at " + FormatEnglishTime(at) +
            " to check this rule's channels; nothing has happened.";
  return text;
}

std::string CombinedText(const std::string& th, const std::string& en) { return th + "\n\n" + en; }

}  // namespace ecotown::alerts
