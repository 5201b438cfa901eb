#include "modules/factories/factory_service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/factory_registration.h"
#include "core/thai_calendar.h"
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

namespace ecotown::factories {
namespace {

using tenancy::Permission;

nlohmann::json OptJson(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
nlohmann::json OptJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

std::string LicenceJson(const Licence& l) {
  return nlohmann::json({{"id", l.id}, {"factory_id", l.factory_id}, {"kind", LicenceKindName(l.kind)},
                         {"number", l.number}, {"issuer", l.issuer}, {"issued_on", OptJson(l.issued_on)},
                         {"expires_on", OptJson(l.expires_on)}, {"notes", l.notes}})
      .dump();
}

std::string SourceJson(const EmissionSource& s) {
  nlohmann::json pollutants = nlohmann::json::array();
  for (const auto& p : s.pollutants) pollutants.push_back({{"pollutant", p.pollutant}, {"rate_g_s", p.rate_g_s}});
  return nlohmann::json({{"id", s.id}, {"factory_id", s.factory_id}, {"name", s.name},
                         {"stack_height_m", s.stack_height_m}, {"inner_diameter_m", s.inner_diameter_m},
                         {"exit_velocity_m_s", s.exit_velocity_m_s}, {"exit_temperature_k", s.exit_temperature_k},
                         {"fuel", s.fuel}, {"pollutants", pollutants}, {"lat", OptJson(s.lat)}, {"lon", OptJson(s.lon)}})
      .dump();
}

std::string OutletJson(const WastewaterOutlet& o) {
  return nlohmann::json({{"id", o.id}, {"factory_id", o.factory_id}, {"name", o.name},
                         {"receiving_water", o.receiving_water}, {"lat", OptJson(o.lat)}, {"lon", OptJson(o.lon)},
                         {"treatment", o.treatment}, {"flow_m3_day", OptJson(o.flow_m3_day)}})
      .dump();
}

std::string ReceptorJson(const Receptor& r) {
  return nlohmann::json({{"id", r.id}, {"org_id", r.org_id}, {"kind", ReceptorKindName(r.kind)}, {"name", r.name},
                         {"lat", r.lat}, {"lon", r.lon},
                         {"people", r.people ? nlohmann::json(*r.people) : nlohmann::json()}, {"notes", r.notes}})
      .dump();
}

// The factory a new record is attached to, checked for write access.
Result<Factory> WritableFactory(UnitOfWork& work, int64_t factory_id) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(Factory factory, work.factories().Get(factory_id));
  RETURN_IF_ERROR(work.scope().RequireWrite(factory.org_id, "factory"));
  return factory;
}

std::string DateAfterDays(int64_t now_unix, int days) {
  const core::CivilDate date = core::CivilFromDays(core::DaysFromCivil(core::BangkokDateOf(now_unix)) + days);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

// How the service reaches one kind of record kept per factory (emission sources, wastewater
// outlets): the same add, update, delete and list rules apply to each.
template <typename T>
struct FactoryRecordKind {
  const char* entity;  // in the audit log
  const char* what;    // in messages
  Status (*validate)(const T&);
  std::string (*to_json)(const T&);
  Result<int64_t> (FactoryStore::*insert)(const T&);
  Result<T> (FactoryStore::*get)(int64_t);
  Status (FactoryStore::*update)(const T&);
  Status (FactoryStore::*remove)(int64_t);
};

const FactoryRecordKind<EmissionSource> kSources{"emission_source",
                                                 "emission source",
                                                 ValidateEmissionSource,
                                                 SourceJson,
                                                 &FactoryStore::InsertEmissionSource,
                                                 &FactoryStore::GetEmissionSource,
                                                 &FactoryStore::UpdateEmissionSource,
                                                 &FactoryStore::DeleteEmissionSource};
const FactoryRecordKind<WastewaterOutlet> kOutlets{"wastewater_outlet",
                                                   "outlet",
                                                   ValidateWastewaterOutlet,
                                                   OutletJson,
                                                   &FactoryStore::InsertOutlet,
                                                   &FactoryStore::GetOutlet,
                                                   &FactoryStore::UpdateOutlet,
                                                   &FactoryStore::DeleteOutlet};

template <typename T>
Result<T> AddRecord(const FactoryRecordKind<T>& kind, UnitOfWork& work, int64_t factory_id, const T& draft) {
  ASSIGN_OR_RETURN(const Factory factory, WritableFactory(work, factory_id));
  T r = draft;
  r.factory_id = factory.id;
  r.org_id = factory.org_id;
  r.created_at = r.updated_at = work.info().now;
  RETURN_IF_ERROR(kind.validate(r));
  ASSIGN_OR_RETURN(r.id, (work.factories().*kind.insert)(r));
  RETURN_IF_ERROR(audit::Record(work, "create", kind.entity, std::to_string(r.id), r.org_id, std::nullopt,
                                kind.to_json(r)));
  return r;
}

template <typename T>
Result<T> UpdateRecord(const FactoryRecordKind<T>& kind, UnitOfWork& work, int64_t id, const T& replacement) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const T current, (work.factories().*kind.get)(id));
  RETURN_IF_ERROR(work.scope().RequireWrite(current.org_id, kind.what));
  T r = replacement;
  r.id = current.id;
  r.org_id = current.org_id;
  r.factory_id = current.factory_id;
  r.created_at = current.created_at;
  r.updated_at = work.info().now;
  RETURN_IF_ERROR(kind.validate(r));
  RETURN_IF_ERROR((work.factories().*kind.update)(r));
  RETURN_IF_ERROR(audit::Record(work, "update", kind.entity, std::to_string(r.id), r.org_id, kind.to_json(current),
                                kind.to_json(r)));
  return r;
}

template <typename T>
Status DeleteRecord(const FactoryRecordKind<T>& kind, UnitOfWork& work, int64_t id) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const T current, (work.factories().*kind.get)(id));
  RETURN_IF_ERROR((work.factories().*kind.remove)(id));
  return audit::Record(work, "delete", kind.entity, std::to_string(id), current.org_id, kind.to_json(current),
                       std::nullopt);
}

}  // namespace

// ---- licences ----

Result<Licence> FactoryService::AddLicence(UnitOfWork& work, int64_t factory_id, const Licence& draft) const {
  ASSIGN_OR_RETURN(const Factory factory, WritableFactory(work, factory_id));
  Licence l = draft;
  l.factory_id = factory.id;
  l.org_id = factory.org_id;
  l.created_at = l.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateLicence(l));
  ASSIGN_OR_RETURN(l.id, work.factories().InsertLicence(l));
  RETURN_IF_ERROR(audit::Record(work, "create", "factory_licence", std::to_string(l.id), l.org_id, std::nullopt,
                                LicenceJson(l)));
  return l;
}

Result<Licence> FactoryService::UpdateLicence(UnitOfWork& work, int64_t id, const Licence& replacement) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Licence current, work.factories().GetLicence(id));
  RETURN_IF_ERROR(work.scope().RequireWrite(current.org_id, "licence"));
  Licence l = replacement;
  l.id = current.id;
  l.org_id = current.org_id;
  l.factory_id = current.factory_id;
  l.created_at = current.created_at;
  l.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateLicence(l));
  RETURN_IF_ERROR(work.factories().UpdateLicence(l));
  RETURN_IF_ERROR(audit::Record(work, "update", "factory_licence", std::to_string(l.id), l.org_id,
                                LicenceJson(current), LicenceJson(l)));
  return l;
}

Status FactoryService::DeleteLicence(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Licence current, work.factories().GetLicence(id));
  RETURN_IF_ERROR(work.factories().DeleteLicence(id));
  return audit::Record(work, "delete", "factory_licence", std::to_string(id), current.org_id, LicenceJson(current),
                       std::nullopt);
}

Result<std::vector<Licence>> FactoryService::ListLicences(UnitOfWork& work, int64_t factory_id) const {
  RETURN_IF_ERROR(work.factories().Get(factory_id).status());
  return work.factories().ListLicences(factory_id);
}

Result<std::vector<ExpiringLicence>> FactoryService::ExpiringLicences(UnitOfWork& work, int days) const {
  if (days < 0 || days > 3650) return Status::Invalid("days must be 0 to 3650", "days");
  return work.factories().ExpiringLicences(DateAfterDays(work.info().now, 0), DateAfterDays(work.info().now, days));
}

// ---- emission sources ----

Result<EmissionSource> FactoryService::AddEmissionSource(UnitOfWork& work, int64_t factory_id,
                                                         const EmissionSource& draft) const {
  return AddRecord(kSources, work, factory_id, draft);
}

Result<EmissionSource> FactoryService::UpdateEmissionSource(UnitOfWork& work, int64_t id,
                                                            const EmissionSource& replacement) const {
  return UpdateRecord(kSources, work, id, replacement);
}

Status FactoryService::DeleteEmissionSource(UnitOfWork& work, int64_t id) const {
  return DeleteRecord(kSources, work, id);
}

Result<std::vector<EmissionSource>> FactoryService::ListEmissionSources(UnitOfWork& work, int64_t factory_id) const {
  RETURN_IF_ERROR(work.factories().Get(factory_id).status());
  return work.factories().ListEmissionSources(factory_id);
}

// ---- wastewater outlets ----

Result<WastewaterOutlet> FactoryService::AddOutlet(UnitOfWork& work, int64_t factory_id,
                                                   const WastewaterOutlet& draft) const {
  return AddRecord(kOutlets, work, factory_id, draft);
}

Result<WastewaterOutlet> FactoryService::UpdateOutlet(UnitOfWork& work, int64_t id,
                                                      const WastewaterOutlet& replacement) const {
  return UpdateRecord(kOutlets, work, id, replacement);
}

Status FactoryService::DeleteOutlet(UnitOfWork& work, int64_t id) const { return DeleteRecord(kOutlets, work, id); }

Result<std::vector<WastewaterOutlet>> FactoryService::ListOutlets(UnitOfWork& work, int64_t factory_id) const {
  RETURN_IF_ERROR(work.factories().Get(factory_id).status());
  return work.factories().ListOutlets(factory_id);
}

// ---- receptors ----

Result<Receptor> FactoryService::CreateReceptor(UnitOfWork& work, const Receptor& draft) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  Receptor r = draft;
  r.id = 0;
  if (r.org_id == 0) r.org_id = work.scope().principal().org_id;
  r.created_at = r.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateReceptor(r));
  RETURN_IF_ERROR(work.scope().RequireWrite(r.org_id, "organisation"));
  ASSIGN_OR_RETURN(r.id, work.factories().InsertReceptor(r));
  RETURN_IF_ERROR(
      audit::Record(work, "create", "receptor", std::to_string(r.id), r.org_id, std::nullopt, ReceptorJson(r)));
  return r;
}

Result<Receptor> FactoryService::UpdateReceptor(UnitOfWork& work, int64_t id, const Receptor& replacement) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Receptor current, work.factories().GetReceptor(id));
  RETURN_IF_ERROR(work.scope().RequireWrite(current.org_id, "receptor"));
  Receptor r = replacement;
  r.id = current.id;
  r.org_id = current.org_id;
  r.created_at = current.created_at;
  r.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateReceptor(r));
  RETURN_IF_ERROR(work.factories().UpdateReceptor(r));
  RETURN_IF_ERROR(audit::Record(work, "update", "receptor", std::to_string(r.id), r.org_id, ReceptorJson(current),
                                ReceptorJson(r)));
  return r;
}

Status FactoryService::DeleteReceptor(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const Receptor current, work.factories().GetReceptor(id));
  RETURN_IF_ERROR(work.factories().DeleteReceptor(id));
  return audit::Record(work, "delete", "receptor", std::to_string(id), current.org_id, ReceptorJson(current),
                       std::nullopt);
}

Result<std::vector<Receptor>> FactoryService::ListReceptors(UnitOfWork& work, std::optional<int64_t> org_id) const {
  return work.factories().ListReceptors(org_id);
}

Result<std::vector<ReceptorDistance>> FactoryService::ReceptorsNear(UnitOfWork& work, int64_t factory_id,
                                                                    double within_m) const {
  if (!std::isfinite(within_m) || within_m < 1 || within_m > 50'000) {
    return Status::Invalid("within_m must be 1 to 50000 metres", "within_m");
  }
  ASSIGN_OR_RETURN(const Factory factory, work.factories().Get(factory_id));
  if (!factory.lat || !factory.lon) return Status::Invalid("the factory has no location (lat, lon)", "lat");
  // A box that contains the circle, then the exact distance.
  constexpr double kMetresPerDegree = 111'195.0;
  const double dlat = within_m / kMetresPerDegree;
  const double dlon = within_m / (kMetresPerDegree * std::max(0.1, std::cos(*factory.lat * 3.14159265358979 / 180)));
  ASSIGN_OR_RETURN(auto candidates, work.factories().ReceptorsInBox(factory.org_id, *factory.lat - dlat,
                                                                    *factory.lat + dlat, *factory.lon - dlon,
                                                                    *factory.lon + dlon));
  std::vector<ReceptorDistance> out;
  for (auto& r : candidates) {
    const double d = core::HaversineMetres(*factory.lat, *factory.lon, r.lat, r.lon);
    if (d <= within_m) out.push_back({std::move(r), d});
  }
  std::sort(out.begin(), out.end(), [](const ReceptorDistance& a, const ReceptorDistance& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.receptor.id < b.receptor.id;
  });
  return out;
}

}  // namespace ecotown::factories
