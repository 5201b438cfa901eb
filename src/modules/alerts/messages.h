// The text of alert notices, in Thai and English. Thai comes first wherever both are sent.
// Times are Asia/Bangkok with Buddhist Era years in Thai ("15 มิ.ย. 2568 14:00 น.").
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "modules/alerts/alert.h"
#include "modules/alerts/evaluator.h"

namespace ecotown::alerts {

struct NoticeText {
  std::string th;
  std::string en;
};

// "15 มิ.ย. 2568 14:00 น." and "15 June 2025 14:00".
std::string FormatThaiTime(int64_t unix_seconds);
std::string FormatEnglishTime(int64_t unix_seconds);

// A fire or recovery notice of `rule` about the sensor of `snapshot`; since is when the
// condition began (fire) or cleared (recover).
NoticeText ComposeNotice(const AlertRule& rule, const SensorSnapshot& snapshot, AlertKind kind,
                         const Measurement& measurement, int64_t since);

// The notice of POST /api/v1/alert-rules/{id}/test.
NoticeText ComposeTestNotice(const AlertRule& rule, int64_t at);

// The single text that LINE and e-mail bodies carry: Thai, a blank line, English.
std::string CombinedText(const std::string& th, const std::string& en);

}  // namespace ecotown::alerts
