#include "ingest/parse_util.h"

#include <charconv>
#include <cmath>

#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::ingest {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at text[pos...]; false if any is not a digit.
bool ReadDigits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

// Length of the UTF-8 sequence that starts with lead byte c (1 for ASCII or a stray byte).
size_t SequenceLength(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::optional<double> ParseDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char first = text[0];
  // from_chars would accept "inf" and "nan"; devices never write them as numbers.
  if (!IsDigit(first) && first != '-' && first != '.') return std::nullopt;
  if (first == '-' && (text.size() < 2 || (!IsDigit(text[1]) && text[1] != '.'))) return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseUnixSeconds(std::string_view text) {
  if (text.empty() || !IsDigit(text[0])) return std::nullopt;
  const auto value = ParseInteger(text);
  if (!value || *value < kMinTimestamp || *value > kMaxTimestamp) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseIsoTimestamp(std::string_view text, int64_t naive_offset_seconds) {
  // YYYY-MM-DD?HH:MM
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 16) return std::nullopt;
  if (!ReadDigits(text, 0, 4, year) || text[4] != '-' || !ReadDigits(text, 5, 2, month) || text[7] != '-' ||
      !ReadDigits(text, 8, 2, day) || (text[10] != 'T' && text[10] != ' ') || !ReadDigits(text, 11, 2, hour) ||
      text[13] != ':' || !ReadDigits(text, 14, 2, minute)) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!ReadDigits(text, pos + 1, 2, second)) return std::nullopt;
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const size_t digits_start = pos;
      while (pos < text.size() && IsDigit(text[pos])) ++pos;
      if (pos == digits_start || pos - digits_start > 9) return std::nullopt;
    }
  }
  if (!core::IsValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return std::nullopt;

  int64_t offset = naive_offset_seconds;
  if (pos < text.size()) {
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
      offset = 0;
      ++pos;
    } else if (zone == '+' || zone == '-') {
      int zone_hours = 0, zone_minutes = 0;
      if (!ReadDigits(text, pos + 1, 2, zone_hours)) return std::nullopt;
      pos += 3;
      if (pos < text.size()) {
        if (text[pos] == ':') ++pos;
        if (!ReadDigits(text, pos, 2, zone_minutes)) return std::nullopt;
        pos += 2;
      }
      if (zone_hours > 14 || zone_minutes > 59) return std::nullopt;
      offset = (zone_hours * 3600 + zone_minutes * 60) * (zone == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;

  const int64_t days = core::DaysFromCivil({year, month, day});
  const int64_t unix_seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  if (unix_seconds < kMinTimestamp || unix_seconds > kMaxTimestamp) return std::nullopt;
  return unix_seconds;
}

std::optional<int64_t> ParseTimestamp(std::string_view text, int64_t naive_offset_seconds) {
  if (text.size() >= 5 && text[4] == '-') return ParseIsoTimestamp(text, naive_offset_seconds);
  return ParseUnixSeconds(text);
}

bool IsValidDeviceKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxDeviceKeyBytes) return false;
  if (key.front() == ' ' || key.back() == ' ') return false;
  bool ascii = true;
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return false;
    if (byte >= 0x80) ascii = false;
  }
  return ascii || core::IsValidUtf8(key);
}

namespace {

std::string Printable(std::string_view text, size_t max_bytes, bool escape_quotes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (i >= max_bytes) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = SequenceLength(byte);
    if (length > 1 && i + length <= text.size() && core::IsValidUtf8(text.substr(i, length))) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    const bool special = escape_quotes && (byte == '"' || byte == '\\');
    if (byte >= 0x20 && byte < 0x7F && !special) {
      out += static_cast<char>(byte);
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
    ++i;
  }
  return out;
}

}  // namespace

std::string QuoteForMessage(std::string_view text, size_t max_bytes) {
  return '"' + Printable(text, max_bytes, /*escape_quotes=*/true) + '"';
}

std::string PrintableForMessage(std::string_view text, size_t max_bytes) {
  return Printable(text, max_bytes, /*escape_quotes=*/false);
}

bool HasMeasurement(const readings::RawReading& r) {
  return r.pm1 || r.pm2_5 || r.pm10 || r.pm2_5_b || r.pm10_b || r.pm2_5_cf1 || r.pm2_5_cf1_b || r.temperature_c ||
         r.humidity_pct || r.pressure_hpa || r.co2_ppm;
}

}  // namespace ecotown::ingest
