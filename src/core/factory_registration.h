// DIW factory registration numbers and the other registry facts that need no lookup.
//
// Two numbering schemes coexist (../shared/reference/management.md 1.4):
//  - the old registration number, `{category}-{type}[({sub})]-{running}/{2-digit BE year}{province}`,
//    e.g. `3-52(1)-2/60รบ`; DIW data also carries a one-letter Thai prefix on some (`จ3-9(6)-100/51ปจ`,
//    and `ข`, `ศ` in the Prachinburi extract), kept as written;
//  - the 14-digit factory id `ABCCDDDDDEEEEF`: A issuing body (1 DIW, 2 provincial industry office,
//    7 IEAT), B location, CC the DOPA province code, then running number, BE year and a check digit
//    whose algorithm is not public (not checked).
// Pure functions; the caller supplies what needs the database (the known province codes).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ecotown::core {

struct OldRegistration {
  std::string prefix;    // "" or one Thai letter such as "จ"
  int category = 0;      // 1..3
  int main_type = 0;     // ลำดับที่ 1..999
  int sub_type = 0;      // 0 when the type has no sub-item
  int running = 0;       // running number within province and year
  int be_year2 = 0;      // last two digits of the Buddhist Era year
  std::string province;  // two Thai letters, e.g. "รบ"
};

// Invalid naming `field` when text is not an old-format registration number.
Result<OldRegistration> ParseOldRegistration(std::string_view text, std::string_view field = "registration_no");

// DIW's 5-digit class code of a type: 3-digit main order and 2-digit sub-item ("00906" = 9(6)).
std::string ClassCodeOf(int main_type, int sub_type);
// The display form of a class code: "00906" -> "9(6)", "10500" -> "105". Empty when malformed.
std::string DisplayClassOf(std::string_view class_code);
// True for five ASCII digits with a main order of at least 1.
bool IsClassCode(std::string_view text);

// Invalid naming `field` unless text is 14 ASCII digits, the first 1, 2 or 7, and digits 3-4 a
// province code for which known_province returns true.
Status ValidateFactoryNo14(std::string_view text, const std::function<bool(std::string_view)>& known_province,
                           std::string_view field = "registration_no14");

// Invalid naming `field` unless category is 1, 2 or 3.
Status ValidateCategory(int category, std::string_view field = "category");

// Thailand's bounding box (WGS84 degrees). Invalid naming lat_field or lon_field.
inline constexpr double kThaiMinLat = 5.6, kThaiMaxLat = 20.5, kThaiMinLon = 97.3, kThaiMaxLon = 105.7;
Status ValidateThaiPoint(double lat, double lon, std::string_view lat_field = "lat",
                         std::string_view lon_field = "lon");

// Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m).
double HaversineMetres(double lat1, double lon1, double lat2, double lon2);

}  // namespace ecotown::core
