// Organisations (tenants): local administrative organisations (LAOs) and the provincial and
// national offices that oversee them; and the Thai administrative divisions they sit in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::orgs {

enum class OrgType { kPao, kCity, kTown, kSubdistrictMunicipality, kSao, kProvinceOffice, kNationalOffice };

// "pao", "city", "town", "subdistrict-municipality", "sao", "province-office", "national-office".
const char* OrgTypeName(OrgType type);
Result<OrgType> ParseOrgType(std::string_view name);
// True for the LAO types (the tenants that own private records).
bool IsLao(OrgType type);

struct Org {
  int64_t id = 0;
  std::string code;  // DLA code for an LAO, or an office code
  OrgType type = OrgType::kTown;
  std::string name_th;
  std::string name_en;
  std::optional<std::string> province_code;     // DOPA 2 digits
  std::optional<std::string> district_code;      // DOPA 4 digits
  std::optional<std::string> subdistrict_code;   // DOPA 6 digits
  std::optional<int64_t> parent_id;
  std::optional<double> lat;
  std::optional<double> lon;
  int64_t created_at = 0;
};

struct NewOrg {
  std::string code;
  OrgType type = OrgType::kTown;
  std::string name_th;
  std::string name_en;
  std::optional<std::string> subdistrict_code;
  std::optional<std::string> parent_code;
};

// Checks the fields that need no lookup: code shape, names, UTF-8.
Status ValidateNewOrg(const NewOrg& org);

struct Province {
  std::string code, name_th, name_en, region_th;
};
struct District {
  std::string code, province_code, name_th, name_en;
};
struct Subdistrict {
  std::string code, district_code, province_code, name_th, name_en, postcode;
  std::optional<double> lat, lon;
};

// Persistence port for organisations and geography. Organisation names and the divisions are
// public information; private records belong to the areas' own stores.
class OrgStore {
 public:
  virtual ~OrgStore() = default;
  virtual Result<int64_t> Insert(const Org& org) = 0;  // Conflict when the code exists
  virtual Result<Org> FindByCode(std::string_view code) = 0;
  virtual Result<Org> Get(int64_t id) = 0;
  virtual Result<std::vector<Org>> List() = 0;
  // Every organisation below `id` in the oversight tree (children, grandchildren, ...).
  virtual Result<std::vector<int64_t>> DescendantIds(int64_t id) = 0;

  virtual Result<std::vector<Province>> Provinces() = 0;
  virtual Result<std::vector<District>> Districts(std::string_view province_code) = 0;
  virtual Result<std::vector<Subdistrict>> Subdistricts(std::string_view district_code) = 0;
  virtual Result<Subdistrict> GetSubdistrict(std::string_view code) = 0;
  virtual Result<int64_t> CountProvinces() = 0;
};

}  // namespace ecotown::orgs
