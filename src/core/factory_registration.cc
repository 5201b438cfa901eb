#include "core/factory_registration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace ecotown::core {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A Thai consonant (U+0E01 ko kai .. U+0E2E ho nokhuk) at the start of text: its three UTF-8 bytes.
bool StartsWithThaiConsonant(std::string_view text) {
  if (text.size() < 3) return false;
  const auto b0 = static_cast<unsigned char>(text[0]);
  const auto b1 = static_cast<unsigned char>(text[1]);
  const auto b2 = static_cast<unsigned char>(text[2]);
  return b0 == 0xE0 && b1 == 0xB8 && b2 >= 0x81 && b2 <= 0xAE;
}

// Reads 1..max_digits digits at text[pos]; advances pos. nullopt when none.
std::optional<int> ReadNumber(std::string_view text, size_t& pos, size_t max_digits) {
  size_t start = pos;
  int value = 0;
  while (pos < text.size() && IsDigit(text[pos]) && pos - start < max_digits) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

Result<OldRegistration> ParseOldRegistration(std::string_view text, std::string_view field) {
  const std::string name(field);
  const Status bad = Status::Invalid(
      name + " must be written like 3-52(1)-2/60รบ: category-type(sub)-number/BE year and province", name);
  OldRegistration reg;
  size_t pos = 0;
  // Letter prefixes seen in DIW data (จ, ข, ศ) are kept; a category digit must follow.
  if (StartsWithThaiConsonant(text) && text.size() > 3 && IsDigit(text[3])) {
    reg.prefix = std::string(text.substr(0, 3));
    pos = 3;
  }
  if (pos >= text.size() || !IsDigit(text[pos])) return bad;
  reg.category = text[pos] - '0';
  ++pos;
  if (reg.category < 1 || reg.category > 3) {
    return Status::Invalid(name + ": the category (first digit) must be 1, 2 or 3", name);
  }
  if (!Expect(text, pos, '-')) return bad;
  auto main = ReadNumber(text, pos, 3);
  if (!main || *main == 0) return bad;
  reg.main_type = *main;
  if (Expect(text, pos, '(')) {
    auto sub = ReadNumber(text, pos, 2);
    if (!sub || *sub == 0 || !Expect(text, pos, ')')) return bad;
    reg.sub_type = *sub;
  }
  if (!Expect(text, pos, '-')) return bad;
  auto running = ReadNumber(text, pos, 6);
  if (!running || *running == 0) return bad;
  reg.running = *running;
  if (!Expect(text, pos, '/')) return bad;
  if (pos + 2 > text.size() || !IsDigit(text[pos]) || !IsDigit(text[pos + 1])) return bad;
  reg.be_year2 = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
  pos += 2;
  const std::string_view rest = text.substr(pos);
  if (rest.size() != 6 || !StartsWithThaiConsonant(rest) || !StartsWithThaiConsonant(rest.substr(3))) {
    return Status::Invalid(name + " must end with the two-letter Thai province abbreviation, e.g. /60รบ", name);
  }
  reg.province = std::string(rest);
  return reg;
}

std::string ClassCodeOf(int main_type, int sub_type) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%03d%02d", main_type % 1000, sub_type % 100);
  return buffer;
}

bool IsClassCode(std::string_view text) {
  if (text.size() != 5) return false;
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return text.substr(0, 3) != "000";
}

std::string DisplayClassOf(std::string_view class_code) {
  if (!IsClassCode(class_code)) return {};
  const int main = std::stoi(std::string(class_code.substr(0, 3)));
  const int sub = std::stoi(std::string(class_code.substr(3, 2)));
  std::string out = std::to_string(main);
  if (sub) out += "(" + std::to_string(sub) + ")";
  return out;
}

Status ValidateFactoryNo14(std::string_view text, const std::function<bool(std::string_view)>& known_province,
                           std::string_view field) {
  const std::string name(field);
  if (text.size() != 14) return Status::Invalid(name + " must have exactly 14 digits", name);
  for (char c : text) {
    if (!IsDigit(c)) return Status::Invalid(name + " may contain digits only", name);
  }
  if (text[0] != '1' && text[0] != '2' && text[0] != '7') {
    return Status::Invalid(name + ": the first digit (issuing office) must be 1, 2 or 7", name);
  }
  if (!known_province(text.substr(2, 2))) {
    return Status::Invalid(name + ": digits 3-4 (" + std::string(text.substr(2, 2)) + ") are not a province code",
                           name);
  }
  return Status::Ok();
}

Status ValidateCategory(int category, std::string_view field) {
  if (category < 1 || category > 3) return Status::Invalid("category must be 1, 2 or 3", std::string(field));
  return Status::Ok();
}

Status ValidateThaiPoint(double lat, double lon, std::string_view lat_field, std::string_view lon_field) {
  if (!std::isfinite(lat) || lat < kThaiMinLat || lat > kThaiMaxLat) {
    return Status::Invalid(std::string(lat_field) + " must lie inside Thailand (5.6 to 20.5)", std::string(lat_field));
  }
  if (!std::isfinite(lon) || lon < kThaiMinLon || lon > kThaiMaxLon) {
    return Status::Invalid(std::string(lon_field) + " must lie inside Thailand (97.3 to 105.7)",
                           std::string(lon_field));
  }
  return Status::Ok();
}

double HaversineMetres(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRadius = 6371008.8;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace ecotown::core
