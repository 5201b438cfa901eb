#include "modules/orgs/org_service.h"

#include <nlohmann/json.hpp>

#include "modules/audit/recorder.h"

namespace ecotown::orgs {

Result<Org> AddOrg(UnitOfWork& work, const NewOrg& request) {
  RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kManageOrgs));
  RETURN_IF_ERROR(ValidateNewOrg(request));
  Org org;
  org.code = request.code;
  org.type = request.type;
  org.name_th = request.name_th;
  org.name_en = request.name_en;
  org.created_at = work.info().now;
  if (request.subdistrict_code) {
    auto place = work.orgs().GetSubdistrict(*request.subdistrict_code);
    if (!place.ok()) {
      return Status::Invalid("unknown subdistrict code " + *request.subdistrict_code, "subdistrict");
    }
    org.subdistrict_code = place->code;
    org.district_code = place->district_code;
    org.province_code = place->province_code;
    org.lat = place->lat;
    org.lon = place->lon;
  }
  if (request.parent_code) {
    auto parent = work.orgs().FindByCode(*request.parent_code);
    if (!parent.ok()) return Status::Invalid("unknown parent organisation " + *request.parent_code, "parent");
    if (IsLao(parent->type)) {
      return Status::Invalid("the parent must be a provincial or national office", "parent");
    }
    org.parent_id = parent->id;
  }
  auto id = work.orgs().Insert(org);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kConflict) {
      return Status::Conflict("organisation code " + org.code + " exists", "code");
    }
    return id.status();
  }
  org.id = *id;
  nlohmann::json after = {{"code", org.code}, {"type", OrgTypeName(org.type)}, {"name_th", org.name_th},
                          {"name_en", org.name_en}};
  RETURN_IF_ERROR(audit::Record(work, "create", "org", org.code, org.id, std::nullopt, after.dump()));
  return org;
}

}  // namespace ecotown::orgs
