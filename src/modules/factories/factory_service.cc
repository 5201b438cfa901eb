#include "modules/factories/factory_service.h"

#include <nlohmann/json.hpp>

#include "core/factory_registration.h"
#include "modules/audit/recorder.h"

namespace ecotown::factories {
namespace {

using tenancy::Permission;

template <typename T>
nlohmann::json Opt(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

std::string FactoryAuditJson(const Factory& f) {
  nlohmann::json j = {{"id", f.id},
                      {"org_id", f.org_id},
                      {"name", f.name},
                      {"registration_no", Opt(f.registration_no)},
                      {"registration_no14", Opt(f.registration_no14)},
                      {"type_code", Opt(f.type_code)},
                      {"category", Opt(f.category)},
                      {"business", f.business},
                      {"operator_name", f.operator_name},
                      {"products", f.products},
                      {"capital_thb", Opt(f.capital_thb)},
                      {"workers", Opt(f.workers)},
                      {"horsepower", Opt(f.horsepower)},
                      {"address", f.address},
                      {"subdistrict_code", Opt(f.subdistrict_code)},
                      {"lat", Opt(f.lat)},
                      {"lon", Opt(f.lon)},
                      {"phone", f.phone},
                      {"contact_name", f.contact_name},
                      {"contact_email", f.contact_email},
                      {"registered_on", Opt(f.registered_on)},
                      {"status", FactoryStatusName(f.status)}};
  return j.dump();
}

Status FactoryService::CheckAgainstRegistry(UnitOfWork& work, const Factory& f, int64_t self_id) {
  if (f.type_code) {
    auto type = work.factories().GetType(*f.type_code);
    if (!type.ok()) {
      if (type.status().code() != StatusCode::kNotFound) return type.status();
      return Status::Invalid("type_code " + *f.type_code + " (" + core::DisplayClassOf(*f.type_code) +
                                 ") is not in the factory type list",
                             "type_code");
    }
  }
  if (f.subdistrict_code) {
    auto sub = work.orgs().GetSubdistrict(*f.subdistrict_code);
    if (!sub.ok()) {
      if (sub.status().code() != StatusCode::kNotFound) return sub.status();
      return Status::Invalid("subdistrict_code " + *f.subdistrict_code + " is not a known subdistrict",
                             "subdistrict_code");
    }
  }
  if (f.registration_no14) {
    ASSIGN_OR_RETURN(const std::vector<orgs::Province> provinces, work.orgs().Provinces());
    RETURN_IF_ERROR(core::ValidateFactoryNo14(*f.registration_no14, [&](std::string_view code) {
      for (const auto& p : provinces) {
        if (p.code == code) return true;
      }
      return false;
    }));
  }
  if (f.registration_no14 || f.registration_no) {
    auto found = work.factories().FindByRegistration(f.org_id, f.registration_no14, f.registration_no);
    if (found.ok() && found->id != self_id) {
      if (f.registration_no14 && found->registration_no14 == f.registration_no14) {
        return Status::Conflict("a factory with registration_no14 " + *f.registration_no14 +
                                    " is already registered (" + found->name + ")",
                                "registration_no14");
      }
      return Status::Conflict("a factory with registration_no " + f.registration_no.value_or("") +
                                  " is already registered (" + found->name + ")",
                              "registration_no");
    }
    if (!found.ok() && found.status().code() != StatusCode::kNotFound) return found.status();
  }
  return Status::Ok();
}

Result<Factory> FactoryService::Create(UnitOfWork& work, const Factory& draft) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  Factory f = draft;
  f.id = 0;
  if (f.org_id == 0) f.org_id = scope.principal().org_id;
  f.created_at = f.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateFactoryFields(f));
  RETURN_IF_ERROR(scope.RequireWrite(f.org_id, "organisation"));
  RETURN_IF_ERROR(CheckAgainstRegistry(work, f, 0));
  ASSIGN_OR_RETURN(f.id, work.factories().Insert(f));
  RETURN_IF_ERROR(
      audit::Record(work, "create", "factory", std::to_string(f.id), f.org_id, std::nullopt, FactoryAuditJson(f)));
  return f;
}

Result<Factory> FactoryService::Get(UnitOfWork& work, int64_t id) const { return work.factories().Get(id); }

Result<FactoryPage> FactoryService::List(UnitOfWork& work, const FactoryQuery& query) const {
  if (query.limit < 1 || query.limit > 500) return Status::Invalid("limit must be 1 to 500", "limit");
  if (query.registered_from) RETURN_IF_ERROR(ValidateIsoDate(*query.registered_from, "registered_from"));
  if (query.registered_to) RETURN_IF_ERROR(ValidateIsoDate(*query.registered_to, "registered_to"));
  if (query.category) RETURN_IF_ERROR(core::ValidateCategory(*query.category));
  return work.factories().List(query);
}

Result<Factory> FactoryService::Update(UnitOfWork& work, int64_t id, const Factory& replacement) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Factory current, work.factories().Get(id));
  RETURN_IF_ERROR(scope.RequireWrite(current.org_id, "factory"));
  Factory f = replacement;
  f.id = current.id;
  f.org_id = current.org_id;
  f.created_at = current.created_at;
  f.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateFactoryFields(f));
  RETURN_IF_ERROR(CheckAgainstRegistry(work, f, f.id));
  RETURN_IF_ERROR(work.factories().Update(f));
  RETURN_IF_ERROR(audit::Record(work, "update", "factory", std::to_string(f.id), f.org_id, FactoryAuditJson(current),
                                FactoryAuditJson(f)));
  return f;
}

}  // namespace ecotown::factories
