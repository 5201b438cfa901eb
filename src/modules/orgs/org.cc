#include "modules/orgs/org.h"

#include <array>
#include <cctype>

#include "core/utf8.h"

namespace ecotown::orgs {
namespace {

struct TypeRow {
  OrgType type;
  const char* name;
  bool lao;
};
constexpr std::array<TypeRow, 7> kTypes = {{
    {OrgType::kPao, "pao", true},
    {OrgType::kCity, "city", true},
    {OrgType::kTown, "town", true},
    {OrgType::kSubdistrictMunicipality, "subdistrict-municipality", true},
    {OrgType::kSao, "sao", true},
    {OrgType::kProvinceOffice, "province-office", false},
    {OrgType::kNationalOffice, "national-office", false},
}};

Status ValidateName(const std::string& value, const char* field) {
  if (value.empty()) return Status::Invalid(std::string(field) + " is required", field);
  if (!core::IsValidUtf8(value)) return Status::Invalid(std::string(field) + " is not valid UTF-8", field);
  if (core::CodePointCount(value) > 200) return Status::Invalid(std::string(field) + " is longer than 200 characters", field);
  return Status::Ok();
}

}  // namespace

const char* OrgTypeName(OrgType type) {
  for (const auto& row : kTypes) {
    if (row.type == type) return row.name;
  }
  return "town";
}

Result<OrgType> ParseOrgType(std::string_view name) {
  for (const auto& row : kTypes) {
    if (name == row.name) return row.type;
  }
  return Status::Invalid(
      "type must be one of pao, city, town, subdistrict-municipality, sao, province-office, national-office", "type");
}

bool IsLao(OrgType type) {
  for (const auto& row : kTypes) {
    if (row.type == type) return row.lao;
  }
  return false;
}

Status ValidateNewOrg(const NewOrg& org) {
  if (org.code.empty() || org.code.size() > 32) return Status::Invalid("code must be 1 to 32 characters", "code");
  for (const char c : org.code) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return Status::Invalid("code may contain only letters, digits, '-' and '_'", "code");
    }
  }
  RETURN_IF_ERROR(ValidateName(org.name_th, "name_th"));
  RETURN_IF_ERROR(ValidateName(org.name_en, "name_en"));
  if (org.subdistrict_code) {
    const auto& code = *org.subdistrict_code;
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
      return Status::Invalid("subdistrict must be a 6-digit DOPA code", "subdistrict");
    }
  }
  return Status::Ok();
}

}  // namespace ecotown::orgs
