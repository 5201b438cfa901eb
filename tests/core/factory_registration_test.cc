// DIW registration numbers, type codes, categories, Thai coordinates and distances: table-driven,
// boundaries included. Rows come from the Prachinburi DIW extract and the management reference.
#include "core/factory_registration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace ecotown::core {
namespace {

struct OldCase {
  const char* text;
  bool ok;
  const char* prefix;
  int category, main, sub, running, year;
  const char* province;
};

TEST(OldRegistrationTest, ParsesDiwFormatsAndRefusesTheRest) {
  const std::vector<OldCase> cases = {
      {"3-52(1)-2/60รบ", true, "", 3, 52, 1, 2, 60, "รบ"},
      {"3-106-33/50รย", true, "", 3, 106, 0, 33, 50, "รย"},
      {"จ3-9(6)-100/51ปจ", true, "จ", 3, 9, 6, 100, 51, "ปจ"},
      {"ข3-65-10/56ปจ", true, "ข", 3, 65, 0, 10, 56, "ปจ"},
      {"ศ3-34(3)-1/39ปจ", true, "ศ", 3, 34, 3, 1, 39, "ปจ"},
      {"1-1-1/00กท", true, "", 1, 1, 0, 1, 0, "กท"},
      {"2-88(12)-999999/99สข", true, "", 2, 88, 12, 999999, 99, "สข"},
      {"", false, "", 0, 0, 0, 0, 0, ""},
      {"4-52(1)-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},      // category 4
      {"0-52(1)-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},      // category 0
      {"3-52(1)-2/60", false, "", 0, 0, 0, 0, 0, ""},        // no province
      {"3-52(1)-2/60ร", false, "", 0, 0, 0, 0, 0, ""},       // one letter
      {"3-52(1)-2/60รบก", false, "", 0, 0, 0, 0, 0, ""},     // three letters
      {"3-52(1)-2/60RB", false, "", 0, 0, 0, 0, 0, ""},      // Latin letters
      {"3-52(1)-2/2560รบ", false, "", 0, 0, 0, 0, 0, ""},    // four-digit year
      {"3-52(1-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},       // unclosed sub-item
      {"3-52()-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},       // empty sub-item
      {"3-1234-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},       // four-digit type
      {"3-0-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},          // type 0
      {"3-52(1)-0/60รบ", false, "", 0, 0, 0, 0, 0, ""},      // running number 0
      {"3 -52(1)-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},     // space
      {"จจ3-52(1)-2/60รบ", false, "", 0, 0, 0, 0, 0, ""},    // two-letter prefix
      {"3-52(1)-2/60รบ ", false, "", 0, 0, 0, 0, 0, ""},     // trailing space
      {"10120000325542", false, "", 0, 0, 0, 0, 0, ""},      // a 14-digit id is not an old number
  };
  for (const auto& c : cases) {
    auto parsed = ParseOldRegistration(c.text);
    ASSERT_EQ(parsed.ok(), c.ok) << c.text;
    if (!c.ok) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalid) << c.text;
      EXPECT_EQ(parsed.status().field(), "registration_no") << c.text;
      continue;
    }
    EXPECT_EQ(parsed->prefix, c.prefix) << c.text;
    EXPECT_EQ(parsed->category, c.category) << c.text;
    EXPECT_EQ(parsed->main_type, c.main) << c.text;
    EXPECT_EQ(parsed->sub_type, c.sub) << c.text;
    EXPECT_EQ(parsed->running, c.running) << c.text;
    EXPECT_EQ(parsed->be_year2, c.year) << c.text;
    EXPECT_EQ(parsed->province, c.province) << c.text;
  }
}

TEST(OldRegistrationTest, ErrorNamesTheGivenField) {
  auto parsed = ParseOldRegistration("x", "เลขทะเบียน");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().field(), "เลขทะเบียน");
}

TEST(ClassCodeTest, ConvertsBetweenTypeNumbersAndDiwCodes) {
  struct Case {
    int main, sub;
    const char* code;
    const char* display;
  };
  for (const Case& c : std::vector<Case>{{1, 0, "00100", "1"},
                                         {9, 6, "00906", "9(6)"},
                                         {52, 1, "05201", "52(1)"},
                                         {88, 12, "08812", "88(12)"},
                                         {105, 0, "10500", "105"},
                                         {107, 0, "10700", "107"}}) {
    EXPECT_EQ(ClassCodeOf(c.main, c.sub), c.code);
    EXPECT_EQ(DisplayClassOf(c.code), c.display);
    EXPECT_TRUE(IsClassCode(c.code));
  }
  for (const char* bad : {"", "0090", "009066", "00a06", "00000", "00006", " 0906"}) {
    EXPECT_FALSE(IsClassCode(bad)) << bad;
    EXPECT_EQ(DisplayClassOf(bad), "") << bad;
  }
}

TEST(FactoryNo14Test, ChecksLengthDigitsIssuerAndProvince) {
  auto known = [](std::string_view code) { return code == "12" || code == "70" || code == "25"; };
  struct Case {
    const char* text;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{
           {"10120000325542", true},   // DIW, Nonthaburi (the reference's example)
           {"20700001256001", true},   // provincial office, Ratchaburi
           {"72250000156001", true},   // IEAT, in an estate, Prachinburi
           {"30120000325542", false},  // issuer 3
           {"00120000325542", false},  // issuer 0
           {"10990000325542", false},  // province 99 unknown
           {"1012000032554", false},   // 13 digits
           {"101200003255421", false}, // 15 digits
           {"1012000032554a", false},  // a letter
           {"10-12000032554", false},  // a dash
           {"", false},
       }) {
    Status status = ValidateFactoryNo14(c.text, known);
    EXPECT_EQ(status.ok(), c.ok) << c.text << ": " << status.ToString();
    if (!c.ok) {
      EXPECT_EQ(status.field(), "registration_no14") << c.text;
    }
  }
}

TEST(CategoryTest, OnlyOneTwoOrThree) {
  for (int c : {1, 2, 3}) EXPECT_TRUE(ValidateCategory(c).ok()) << c;
  for (int c : {-1, 0, 4, 10}) {
    Status status = ValidateCategory(c);
    EXPECT_FALSE(status.ok()) << c;
    EXPECT_EQ(status.field(), "category");
  }
}

TEST(ThaiPointTest, BoundingBoxEdgesAndFieldNames) {
  struct Case {
    double lat, lon;
    const char* field;  // "" when inside
  };
  for (const Case& c : std::vector<Case>{{13.816, 99.873, ""},
                                         {5.6, 97.3, ""},
                                         {20.5, 105.7, ""},
                                         {5.59, 100.0, "lat"},
                                         {20.51, 100.0, "lat"},
                                         {13.0, 97.29, "lon"},
                                         {13.0, 105.71, "lon"},
                                         {0.0, 0.0, "lat"},
                                         {std::nan(""), 100.0, "lat"},
                                         {13.0, INFINITY, "lon"}}) {
    Status status = ValidateThaiPoint(c.lat, c.lon);
    EXPECT_EQ(status.field(), c.field) << c.lat << "," << c.lon;
  }
  EXPECT_EQ(ValidateThaiPoint(30, 100, "receptor_lat", "receptor_lon").field(), "receptor_lat");
}

TEST(HaversineTest, KnownDistances) {
  // One degree of latitude is 111.195 km on the mean sphere.
  EXPECT_NEAR(HaversineMetres(13.0, 100.0, 14.0, 100.0), 111'195, 1);
  EXPECT_NEAR(HaversineMetres(13.816, 99.873, 13.816, 99.873), 0, 1e-6);
  // Ban Pong to Hat Yai (computed independently: 759,841.7 m).
  EXPECT_NEAR(HaversineMetres(13.816, 99.873, 7.0084, 100.4767), 759'842, 1);
  // Symmetric.
  EXPECT_DOUBLE_EQ(HaversineMetres(13.8, 99.8, 13.9, 99.9), HaversineMetres(13.9, 99.9, 13.8, 99.8));
}

}  // namespace
}  // namespace ecotown::core
