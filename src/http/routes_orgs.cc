// Organisations (public directory of LAOs and offices) and the Thai administrative divisions.
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "modules/orgs/org_service.h"

namespace ecotown::http {
namespace {

using nlohmann::json;

bool IsDigits(const std::string& s, size_t length) {
  return s.size() == length && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

void RegisterOrgRoutes(Router& router) {
  router.Add("GET", "/api/v1/orgs", Access::kPublic, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto orgs, work.orgs().List());
      for (const auto& org : orgs) items.push_back(ToJson(org));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/orgs/{code}", Access::kPublic, [](Call& call) -> Result<Response> {
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto org, work.orgs().FindByCode(call.Param("code")));
      out = ToJson(org);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/orgs", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    orgs::NewOrg request;
    ASSIGN_OR_RETURN(request.code, body.String("code", 32));
    ASSIGN_OR_RETURN(const std::string type, body.String("type", 32));
    ASSIGN_OR_RETURN(request.type, orgs::ParseOrgType(type));
    ASSIGN_OR_RETURN(request.name_th, body.String("name_th", 200));
    ASSIGN_OR_RETURN(request.name_en, body.String("name_en", 200));
    ASSIGN_OR_RETURN(request.subdistrict_code, body.OptString("subdistrict", 6));
    ASSIGN_OR_RETURN(request.parent_code, body.OptString("parent", 32));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto org, orgs::AddOrg(work, request));
      out = ToJson(org);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("GET", "/api/v1/geo/provinces", Access::kPublic, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto provinces, work.orgs().Provinces());
      for (const auto& p : provinces) {
        items.push_back({{"code", p.code}, {"name_th", p.name_th}, {"name_en", p.name_en}, {"region_th", p.region_th}});
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/geo/provinces/{code}/districts", Access::kPublic, [](Call& call) -> Result<Response> {
    const std::string& code = call.Param("code");
    if (!IsDigits(code, 2)) return Status::Invalid("province code must be 2 digits", "code");
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto districts, work.orgs().Districts(code));
      for (const auto& d : districts) {
        items.push_back({{"code", d.code}, {"province_code", d.province_code}, {"name_th", d.name_th},
                         {"name_en", d.name_en}});
      }
      return Status::Ok();
    }));
    if (items.empty()) return Status::NotFound("province " + code + " not found");
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/geo/districts/{code}/subdistricts", Access::kPublic, [](Call& call) -> Result<Response> {
    const std::string& code = call.Param("code");
    if (!IsDigits(code, 4)) return Status::Invalid("district code must be 4 digits", "code");
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto subdistricts, work.orgs().Subdistricts(code));
      for (const auto& s : subdistricts) {
        items.push_back({{"code", s.code}, {"district_code", s.district_code}, {"name_th", s.name_th},
                         {"name_en", s.name_en}, {"postcode", s.postcode},
                         {"lat", s.lat ? json(*s.lat) : json(nullptr)}, {"lon", s.lon ? json(*s.lon) : json(nullptr)}});
      }
      return Status::Ok();
    }));
    if (items.empty()) return Status::NotFound("district " + code + " not found");
    return Response::Json(200, json({{"items", items}}).dump());
  });
}

}  // namespace ecotown::http
