// The factory registry: factories, the type list, licences and expiry reminders, emission sources,
// wastewater outlets, sensitive receptors, the registry export and the DIW CSV import
// (docs/factories-api.md).
#include <charconv>
#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/factory_registration.h"
#include "http/api.h"
#include "http/json_body.h"
#include "http/json_mapping.h"
#include "http/table_export.h"
#include "modules/factories/factory_import.h"
#include "modules/factories/factory_service.h"
#include "modules/factories/factory_timeline.h"
#include "modules/factories/licence_reminders.h"

namespace ecotown::http {
namespace {

using factories::EmissionSource;
using factories::Factory;
using factories::FactoryService;
using factories::Licence;
using factories::LicenceReminderService;
using factories::Receptor;
using factories::ReminderSettings;
using factories::WastewaterOutlet;
using nlohmann::json;

json FactoryJson(const Factory& f) {
  return {{"id", f.id},
          {"org_id", f.org_id},
          {"name", f.name},
          {"registration_no", JsonOrNull(f.registration_no)},
          {"registration_no14", JsonOrNull(f.registration_no14)},
          {"type_code", JsonOrNull(f.type_code)},
          {"type_display", f.type_code ? json(core::DisplayClassOf(*f.type_code)) : json()},
          {"category", JsonOrNull(f.category)},
          {"business", f.business},
          {"operator_name", f.operator_name},
          {"products", f.products},
          {"capital_thb", JsonOrNull(f.capital_thb)},
          {"workers", JsonOrNull(f.workers)},
          {"horsepower", JsonOrNull(f.horsepower)},
          {"address", f.address},
          {"subdistrict_code", JsonOrNull(f.subdistrict_code)},
          {"lat", JsonOrNull(f.lat)},
          {"lon", JsonOrNull(f.lon)},
          {"phone", f.phone},
          {"contact_name", f.contact_name},
          {"contact_email", f.contact_email},
          {"registered_on", JsonOrNull(f.registered_on)},
          {"status", factories::FactoryStatusName(f.status)},
          {"created_at", f.created_at},
          {"updated_at", f.updated_at}};
}

json ReminderSettingsJson(const ReminderSettings& s) {
  return {{"configured", true},         {"days", s.days},
          {"recipients", s.recipients}, {"enabled", s.enabled},
          {"updated_at", s.updated_at}, {"updated_by", s.updated_by}};
}

json LicenceJson(const Licence& l) {
  return {{"id", l.id},           {"factory_id", l.factory_id},        {"kind", factories::LicenceKindName(l.kind)},
          {"number", l.number},   {"issuer", l.issuer},                {"issued_on", JsonOrNull(l.issued_on)},
          {"expires_on", JsonOrNull(l.expires_on)}, {"notes", l.notes},       {"updated_at", l.updated_at}};
}

json SourceJson(const EmissionSource& s) {
  json pollutants = json::array();
  for (const auto& p : s.pollutants) pollutants.push_back({{"pollutant", p.pollutant}, {"rate_g_s", p.rate_g_s}});
  return {{"id", s.id},
          {"factory_id", s.factory_id},
          {"name", s.name},
          {"stack_height_m", s.stack_height_m},
          {"inner_diameter_m", s.inner_diameter_m},
          {"exit_velocity_m_s", s.exit_velocity_m_s},
          {"exit_temperature_k", s.exit_temperature_k},
          {"exit_temperature_c", s.exit_temperature_k - 273.15},
          {"fuel", s.fuel},
          {"pollutants", pollutants},
          {"lat", JsonOrNull(s.lat)},
          {"lon", JsonOrNull(s.lon)}};
}

json OutletJson(const WastewaterOutlet& o) {
  return {{"id", o.id},          {"factory_id", o.factory_id}, {"name", o.name},
          {"receiving_water", o.receiving_water}, {"lat", JsonOrNull(o.lat)}, {"lon", JsonOrNull(o.lon)},
          {"treatment", o.treatment}, {"flow_m3_day", JsonOrNull(o.flow_m3_day)}};
}

json ReceptorJson(const Receptor& r) {
  return {{"id", r.id},     {"org_id", r.org_id}, {"kind", factories::ReceptorKindName(r.kind)},
          {"name", r.name}, {"lat", r.lat},       {"lon", r.lon},
          {"people", JsonOrNull(r.people)}, {"notes", r.notes}};
}

json TypeJson(const factories::FactoryType& t) {
  return {{"class_code", t.class_code},         {"disp_class", t.disp_class},
          {"description_th", t.description_th}, {"category1_rule", t.category1_rule},
          {"category2_rule", t.category2_rule}, {"category3_rule", t.category3_rule},
          {"regulation", t.regulation}};
}

Result<std::optional<std::string>> Text(JsonBody& body, std::string_view field, size_t max) {
  ASSIGN_OR_RETURN(auto value, body.OptString(field, max));
  if (value && value->empty()) value.reset();
  return value;
}

// The body of POST /api/v1/factories and PUT /api/v1/factories/{id}: every field; absent = empty.
Result<Factory> ParseFactory(std::string_view text, std::optional<std::string>* org_code) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  Factory f;
  if (org_code) {
    ASSIGN_OR_RETURN(*org_code, body.OptString("org", 32));
  }
  ASSIGN_OR_RETURN(f.name, body.String("name", 300));
  ASSIGN_OR_RETURN(f.registration_no, Text(body, "registration_no", 40));
  ASSIGN_OR_RETURN(f.registration_no14, Text(body, "registration_no14", 20));
  ASSIGN_OR_RETURN(f.type_code, Text(body, "type_code", 5));
  ASSIGN_OR_RETURN(auto category, body.OptInt("category"));
  if (category) f.category = static_cast<int>(std::clamp<int64_t>(*category, -1, 99));
  ASSIGN_OR_RETURN(auto business, body.OptString("business", 2000));
  f.business = business.value_or("");
  ASSIGN_OR_RETURN(auto operator_name, body.OptString("operator_name", 300));
  f.operator_name = operator_name.value_or("");
  ASSIGN_OR_RETURN(auto products, body.OptString("products", 2000));
  f.products = products.value_or("");
  ASSIGN_OR_RETURN(f.capital_thb, body.OptNumber("capital_thb"));
  ASSIGN_OR_RETURN(f.workers, body.OptInt("workers"));
  ASSIGN_OR_RETURN(f.horsepower, body.OptNumber("horsepower"));
  ASSIGN_OR_RETURN(auto address, body.OptString("address", 1000));
  f.address = address.value_or("");
  ASSIGN_OR_RETURN(f.subdistrict_code, Text(body, "subdistrict_code", 6));
  ASSIGN_OR_RETURN(f.lat, body.OptNumber("lat"));
  ASSIGN_OR_RETURN(f.lon, body.OptNumber("lon"));
  ASSIGN_OR_RETURN(auto phone, body.OptString("phone", 100));
  f.phone = phone.value_or("");
  ASSIGN_OR_RETURN(auto contact_name, body.OptString("contact_name", 200));
  f.contact_name = contact_name.value_or("");
  ASSIGN_OR_RETURN(auto contact_email, body.OptString("contact_email", 200));
  f.contact_email = contact_email.value_or("");
  ASSIGN_OR_RETURN(f.registered_on, Text(body, "registered_on", 10));
  ASSIGN_OR_RETURN(auto status, body.OptString("status", 16));
  if (status) {
    ASSIGN_OR_RETURN(f.status, factories::ParseFactoryStatus(*status));
  }
  RETURN_IF_ERROR(body.Finish());
  return f;
}

Result<Licence> ParseLicence(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  Licence l;
  ASSIGN_OR_RETURN(const std::string kind, body.String("kind", 40));
  ASSIGN_OR_RETURN(l.kind, factories::ParseLicenceKind(kind));
  ASSIGN_OR_RETURN(l.number, body.String("number", 100));
  ASSIGN_OR_RETURN(auto issuer, body.OptString("issuer", 300));
  l.issuer = issuer.value_or("");
  ASSIGN_OR_RETURN(l.issued_on, Text(body, "issued_on", 10));
  ASSIGN_OR_RETURN(l.expires_on, Text(body, "expires_on", 10));
  ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 2000));
  l.notes = notes.value_or("");
  RETURN_IF_ERROR(body.Finish());
  return l;
}

// Exit temperature in kelvin (exit_temperature_k) or Celsius (exit_temperature_c), exactly one.
Result<EmissionSource> ParseSource(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  EmissionSource s;
  ASSIGN_OR_RETURN(s.name, body.String("name", 200));
  ASSIGN_OR_RETURN(s.stack_height_m, body.Number("stack_height_m"));
  ASSIGN_OR_RETURN(s.inner_diameter_m, body.Number("inner_diameter_m"));
  ASSIGN_OR_RETURN(s.exit_velocity_m_s, body.Number("exit_velocity_m_s"));
  ASSIGN_OR_RETURN(auto kelvin, body.OptNumber("exit_temperature_k"));
  ASSIGN_OR_RETURN(auto celsius, body.OptNumber("exit_temperature_c"));
  if (kelvin.has_value() == celsius.has_value()) {
    return Status::Invalid("give the exit temperature once, as exit_temperature_k (kelvin) or exit_temperature_c",
                           "exit_temperature_k");
  }
  s.exit_temperature_k = kelvin ? *kelvin : *celsius + 273.15;
  ASSIGN_OR_RETURN(auto fuel, body.OptString("fuel", 200));
  s.fuel = fuel.value_or("");
  // Optional: a source may be recorded before its emission rates are known.
  const json whole = json::parse(text, nullptr, false);
  json pollutants;
  if (whole.is_object() && whole.contains("pollutants")) {
    ASSIGN_OR_RETURN(pollutants, body.Raw("pollutants"));
  }
  if (!pollutants.is_null()) {
    if (!pollutants.is_array()) return Status::Invalid("pollutants must be a list", "pollutants");
    for (size_t i = 0; i < pollutants.size(); ++i) {
      const json& p = pollutants[i];
      const std::string at = "pollutants[" + std::to_string(i) + "]";
      if (!p.is_object() || !p.contains("pollutant") || !p["pollutant"].is_string()) {
        return Status::Invalid(at + ".pollutant must be a pollutant code", at + ".pollutant");
      }
      if (!p.contains("rate_g_s") || !p["rate_g_s"].is_number()) {
        return Status::Invalid(at + ".rate_g_s must be a number of grams per second", at + ".rate_g_s");
      }
      for (const auto& [key, value] : p.items()) {
        if (key != "pollutant" && key != "rate_g_s") return Status::Invalid("unknown field " + at + "." + key, at + "." + key);
      }
      s.pollutants.push_back({p["pollutant"].get<std::string>(), p["rate_g_s"].get<double>()});
    }
  }
  ASSIGN_OR_RETURN(s.lat, body.OptNumber("lat"));
  ASSIGN_OR_RETURN(s.lon, body.OptNumber("lon"));
  RETURN_IF_ERROR(body.Finish());
  return s;
}

Result<WastewaterOutlet> ParseOutlet(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  WastewaterOutlet o;
  ASSIGN_OR_RETURN(o.name, body.String("name", 200));
  ASSIGN_OR_RETURN(auto water, body.OptString("receiving_water", 200));
  o.receiving_water = water.value_or("");
  ASSIGN_OR_RETURN(o.lat, body.OptNumber("lat"));
  ASSIGN_OR_RETURN(o.lon, body.OptNumber("lon"));
  ASSIGN_OR_RETURN(auto treatment, body.OptString("treatment", 500));
  o.treatment = treatment.value_or("");
  ASSIGN_OR_RETURN(o.flow_m3_day, body.OptNumber("flow_m3_day"));
  RETURN_IF_ERROR(body.Finish());
  return o;
}

Result<Receptor> ParseReceptor(std::string_view text, std::optional<std::string>* org_code) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  Receptor r;
  if (org_code) {
    ASSIGN_OR_RETURN(*org_code, body.OptString("org", 32));
  }
  ASSIGN_OR_RETURN(const std::string kind, body.String("kind", 32));
  ASSIGN_OR_RETURN(r.kind, factories::ParseReceptorKind(kind));
  ASSIGN_OR_RETURN(r.name, body.String("name", 200));
  ASSIGN_OR_RETURN(r.lat, body.Number("lat"));
  ASSIGN_OR_RETURN(r.lon, body.Number("lon"));
  ASSIGN_OR_RETURN(r.people, body.OptInt("people"));
  ASSIGN_OR_RETURN(auto notes, body.OptString("notes", 2000));
  r.notes = notes.value_or("");
  RETURN_IF_ERROR(body.Finish());
  return r;
}

// An organisation code of the request, as an id (Invalid "org" when unknown).
Result<int64_t> OrgIdOf(UnitOfWork& work, const std::string& code) {
  auto org = work.orgs().FindByCode(code);
  if (!org.ok()) return Status::Invalid("unknown organisation " + code, "org");
  return org->id;
}

Result<int64_t> IntQuery(const Request& request, const char* name, int64_t fallback, int64_t min, int64_t max) {
  auto text = request.Query(name);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    return Status::Invalid(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                               std::to_string(max),
                           name);
  }
  return value;
}

// The registry filters of GET /api/v1/factories and its export.
Result<factories::FactoryQuery> ParseFactoryQuery(const Request& request, int default_limit, int max_limit) {
  factories::FactoryQuery q;
  if (auto v = request.Query("status"); v && !v->empty()) {
    ASSIGN_OR_RETURN(q.status, factories::ParseFactoryStatus(*v));
  }
  if (auto v = request.Query("type"); v && !v->empty()) {
    if (!core::IsClassCode(*v)) return Status::Invalid("type must be a 5-digit class code", "type");
    q.type_code = *v;
  }
  if (request.Query("category")) {
    ASSIGN_OR_RETURN(const int64_t category, IntQuery(request, "category", 0, 1, 3));
    q.category = static_cast<int>(category);
  }
  if (auto v = request.Query("area"); v && !v->empty()) {
    bool digits = v->size() == 2 || v->size() == 4 || v->size() == 6;
    for (char c : *v) digits = digits && c >= '0' && c <= '9';
    if (!digits) return Status::Invalid("area must be a province, district or subdistrict code", "area");
    q.area_code = *v;
  }
  if (auto v = request.Query("registered_from"); v && !v->empty()) q.registered_from = *v;
  if (auto v = request.Query("registered_to"); v && !v->empty()) q.registered_to = *v;
  if (auto v = request.Query("q"); v && !v->empty()) {
    if (v->size() > 200) return Status::Invalid("q must be at most 200 characters", "q");
    q.text = *v;
  }
  if (request.Query("after")) {
    ASSIGN_OR_RETURN(const int64_t after, IntQuery(request, "after", 0, 1, INT64_MAX));
    q.after_id = after;
  }
  ASSIGN_OR_RETURN(const int64_t limit, IntQuery(request, "limit", default_limit, 1, max_limit));
  q.limit = static_cast<int>(limit);
  return q;
}

// The registry as a table: the same columns in CSV and XLSX.
Table RegistryTable(const std::vector<Factory>& items) {
  Table table;
  table.sheet_name = "factories";
  table.header = {"id",       "name",     "registration_no", "registration_no14", "type_code",  "type",
                  "category", "business", "operator_name",   "products",          "capital_thb", "workers",
                  "horsepower", "address", "subdistrict_code", "lat",             "lon",        "phone",
                  "contact_name", "contact_email", "registered_on", "status"};
  auto text = [](const std::optional<std::string>& v) -> TableCell {
    return v ? TableCell(*v) : TableCell(std::monostate{});
  };
  auto real = [](const std::optional<double>& v) -> TableCell { return v ? TableCell(*v) : TableCell(std::monostate{}); };
  for (const auto& f : items) {
    table.rows.push_back({f.id,
                          f.name,
                          text(f.registration_no),
                          text(f.registration_no14),
                          text(f.type_code),
                          f.type_code ? TableCell(core::DisplayClassOf(*f.type_code)) : TableCell(std::monostate{}),
                          f.category ? TableCell(static_cast<int64_t>(*f.category)) : TableCell(std::monostate{}),
                          f.business,
                          f.operator_name,
                          f.products,
                          real(f.capital_thb),
                          f.workers ? TableCell(*f.workers) : TableCell(std::monostate{}),
                          real(f.horsepower),
                          f.address,
                          text(f.subdistrict_code),
                          real(f.lat),
                          real(f.lon),
                          f.phone,
                          f.contact_name,
                          f.contact_email,
                          text(f.registered_on),
                          std::string(factories::FactoryStatusName(f.status))});
  }
  return table;
}

constexpr int kMaxExportFactories = 200'000;

}  // namespace

void RegisterFactoryRoutes(Router& router) {
  router.Add("GET", "/api/v1/factory-types", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const std::string q = call.request.Query("q").value_or("");
    if (q.size() > 200) return Status::Invalid("q must be at most 200 characters", "q");
    ASSIGN_OR_RETURN(const int64_t limit, IntQuery(call.request, "limit", 50, 1, 1000));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto types, work.factories().SearchTypes(q, static_cast<int>(limit)));
      for (const auto& t : types) items.push_back(TypeJson(t));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("GET", "/api/v1/factories", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto query, ParseFactoryQuery(call.request, 50, 500));
    const auto org = call.request.Query("org");
    json items = json::array();
    json next;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      if (org && !org->empty()) {
        ASSIGN_OR_RETURN(query.org_id, OrgIdOf(work, *org));
      }
      ASSIGN_OR_RETURN(auto page, FactoryService().List(work, query));
      for (const auto& f : page.items) items.push_back(FactoryJson(f));
      if (page.next_after_id) next = *page.next_after_id;
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}, {"next_after", next}}).dump());
  });

  // Registered before /api/v1/factories/{id} so that "export" is not taken for an id.
  router.Add("GET", "/api/v1/factories/export", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const std::string format = call.request.Query("format").value_or("csv");
    if (format != "csv" && format != "xlsx") return Status::Invalid("format must be csv or xlsx", "format");
    ASSIGN_OR_RETURN(auto query, ParseFactoryQuery(call.request, 500, 500));
    const auto org = call.request.Query("org");
    std::vector<Factory> all;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      if (org && !org->empty()) {
        ASSIGN_OR_RETURN(query.org_id, OrgIdOf(work, *org));
      }
      query.limit = 500;
      for (;;) {
        ASSIGN_OR_RETURN(auto page, FactoryService().List(work, query));
        all.insert(all.end(), page.items.begin(), page.items.end());
        if (static_cast<int>(all.size()) > kMaxExportFactories) {
          return Status::TooLarge("more than 200,000 factories match; narrow the filters");
        }
        if (!page.next_after_id) break;
        query.after_id = page.next_after_id;
      }
      return Status::Ok();
    }));
    return TableDownload(RegistryTable(all), format, "factories");
  });

  router.Add("POST", "/api/v1/factories", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    std::optional<std::string> org;
    ASSIGN_OR_RETURN(Factory draft, ParseFactory(call.request.body, &org));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      if (org && *org != work.scope().principal().org_code) {
        ASSIGN_OR_RETURN(draft.org_id, OrgIdOf(work, *org));
      }
      ASSIGN_OR_RETURN(auto created, FactoryService().Create(work, draft));
      out = FactoryJson(created);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  // The factory page: compliance status with its reasons, and one timeline newest first.
  router.Add("GET", "/api/v1/factories/{id}/timeline", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const auto t, factories::BuildFactoryTimeline(work, id));
      json reasons = json::array();
      for (const auto& r : t.compliance.reasons) {
        reasons.push_back({{"code", std::string(r.code)}, {"level", std::string(core::ComplianceLevelCode(r.level))}, {"th", std::string(r.th)}, {"en", std::string(r.en)}});
      }
      json events = json::array();
      for (const auto& e : t.events) {
        events.push_back({{"date", e.date}, {"kind", e.kind}, {"title", e.title}, {"status", e.status},
                          {"severity", e.severity}, {"ref_id", e.ref_id}});
      }
      out = {{"factory", FactoryJson(t.factory)},
             {"compliance", {{"level", std::string(core::ComplianceLevelCode(t.compliance.level))}, {"reasons", reasons}}},
             {"facts",
              {{"open_actions", t.facts.open_actions},
               {"overdue_actions", t.facts.overdue_actions},
               {"expired_licences", t.facts.expired_licences},
               {"licences_expiring_soon", t.facts.licences_expiring_soon},
               {"open_critical_findings", t.facts.open_critical_findings},
               {"open_clinic_cases", t.facts.open_clinic_cases},
               {"last_score", t.facts.last_score_percent ? json(*t.facts.last_score_percent) : json(nullptr)}}},
             {"last_inspection_id", t.last_inspection_id ? json(*t.last_inspection_id) : json(nullptr)},
             {"events", events}};
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("GET", "/api/v1/factories/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto f, FactoryService().Get(work, id));
      out = FactoryJson(f);
      if (f.type_code) {
        auto type = work.factories().GetType(*f.type_code);
        if (type.ok()) out["type_description"] = type->description_th;
      }
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("PUT", "/api/v1/factories/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    ASSIGN_OR_RETURN(const Factory replacement, ParseFactory(call.request.body, nullptr));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto f, FactoryService().Update(work, id, replacement));
      out = FactoryJson(f);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // ---- licences ----
  router.Add("GET", "/api/v1/factories/{id}/licences", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, FactoryService().ListLicences(work, id));
      for (const auto& l : list) items.push_back(LicenceJson(l));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });
  router.Add("POST", "/api/v1/factories/{id}/licences", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    ASSIGN_OR_RETURN(const Licence draft, ParseLicence(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto l, FactoryService().AddLicence(work, id, draft));
      out = LicenceJson(l);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });
  router.Add("GET", "/api/v1/licences/expiring", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t days, IntQuery(call.request, "days", 90, 0, 3650));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, FactoryService().ExpiringLicences(work, static_cast<int>(days)));
      for (const auto& e : list) {
        json j = LicenceJson(e.licence);
        j["factory_name"] = e.factory_name;
        items.push_back(std::move(j));
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}, {"days", days}}).dump());
  });
  // Expiry reminders: the LAO's thresholds and recipients, and what was sent.
  router.Add("GET", "/api/v1/licences/reminders/settings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      auto settings = LicenceReminderService().GetSettings(work);
      if (!settings.ok() && settings.status().code() != StatusCode::kNotFound) return settings.status();
      out = settings.ok() ? ReminderSettingsJson(*settings)
                          : json({{"configured", false},
                                  {"days", json::array()},
                                  {"recipients", json::array()},
                                  {"enabled", false}});
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
  router.Add("PUT", "/api/v1/licences/reminders/settings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ReminderSettings settings;
    ASSIGN_OR_RETURN(const json days, body.Raw("days"));
    ASSIGN_OR_RETURN(const json recipients, body.Raw("recipients"));
    ASSIGN_OR_RETURN(const auto enabled, body.OptBool("enabled"));
    RETURN_IF_ERROR(body.Finish());
    if (!days.is_array()) return Status::Invalid("days must be an array of whole days", "days");
    for (const auto& d : days) {
      if (!d.is_number_integer()) return Status::Invalid("days must be an array of whole days", "days");
      const int64_t value = d.get<int64_t>();
      if (value < 1 || value > 365) return Status::Invalid("reminder days are whole days from 1 to 365", "days");
      settings.days.push_back(static_cast<int>(value));
    }
    if (!recipients.is_array()) return Status::Invalid("recipients must be an array of e-mail addresses", "recipients");
    for (const auto& r : recipients) {
      if (!r.is_string()) return Status::Invalid("recipients must be an array of e-mail addresses", "recipients");
      settings.recipients.push_back(r.get<std::string>());
    }
    settings.enabled = enabled.value_or(true);
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto saved, LicenceReminderService().PutSettings(work, settings));
      out = ReminderSettingsJson(saved);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
  router.Add("GET", "/api/v1/licences/reminders", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t limit, IntQuery(call.request, "limit", 100, 1, 500));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, LicenceReminderService().List(work, static_cast<int>(limit)));
      for (const auto& m : list) {
        items.push_back({{"id", m.id},
                         {"factory_id", m.factory_id},
                         {"licence_id", m.licence_id},
                         {"expires_on", m.expires_on},
                         {"threshold_days", m.threshold_days},
                         {"to", m.to_address},
                         {"subject", m.subject},
                         {"status", ReminderStatusName(m.status)},
                         {"attempts", m.attempts},
                         {"last_error", JsonOrNull(m.last_error)},
                         {"sent_at", JsonOrNull(m.sent_at)},
                         {"created_at", m.created_at}});
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });
  router.Add("PUT", "/api/v1/licences/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "licence"));
    ASSIGN_OR_RETURN(const Licence replacement, ParseLicence(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto l, FactoryService().UpdateLicence(work, id, replacement));
      out = LicenceJson(l);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
  router.Add("DELETE", "/api/v1/licences/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "licence"));
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) { return FactoryService().DeleteLicence(work, id); }));
    return Response::Json(200, json({{"deleted", id}}).dump());
  });

  // ---- emission sources ----
  router.Add("GET", "/api/v1/factories/{id}/emission-sources", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
               json items = json::array();
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto list, FactoryService().ListEmissionSources(work, id));
                 for (const auto& s : list) items.push_back(SourceJson(s));
                 return Status::Ok();
               }));
               return Response::Json(200, json({{"items", items}}).dump());
             });
  router.Add("POST", "/api/v1/factories/{id}/emission-sources", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
               ASSIGN_OR_RETURN(const EmissionSource draft, ParseSource(call.request.body));
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto s, FactoryService().AddEmissionSource(work, id, draft));
                 out = SourceJson(s);
                 return Status::Ok();
               }));
               return Response::Json(201, out.dump());
             });
  router.Add("PUT", "/api/v1/emission-sources/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "emission source"));
    ASSIGN_OR_RETURN(const EmissionSource replacement, ParseSource(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto s, FactoryService().UpdateEmissionSource(work, id, replacement));
      out = SourceJson(s);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
  router.Add("DELETE", "/api/v1/emission-sources/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "emission source"));
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) { return FactoryService().DeleteEmissionSource(work, id); }));
    return Response::Json(200, json({{"deleted", id}}).dump());
  });

  // ---- wastewater outlets ----
  router.Add("GET", "/api/v1/factories/{id}/outlets", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, FactoryService().ListOutlets(work, id));
      for (const auto& o : list) items.push_back(OutletJson(o));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });
  router.Add("POST", "/api/v1/factories/{id}/outlets", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    ASSIGN_OR_RETURN(const WastewaterOutlet draft, ParseOutlet(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto o, FactoryService().AddOutlet(work, id, draft));
      out = OutletJson(o);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });
  router.Add("PUT", "/api/v1/outlets/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "outlet"));
    ASSIGN_OR_RETURN(const WastewaterOutlet replacement, ParseOutlet(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto o, FactoryService().UpdateOutlet(work, id, replacement));
      out = OutletJson(o);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
  router.Add("DELETE", "/api/v1/outlets/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "outlet"));
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) { return FactoryService().DeleteOutlet(work, id); }));
    return Response::Json(200, json({{"deleted", id}}).dump());
  });

  // ---- sensitive receptors ----
  router.Add("GET", "/api/v1/receptors", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const auto org = call.request.Query("org");
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      std::optional<int64_t> org_id;
      if (org && !org->empty()) {
        ASSIGN_OR_RETURN(org_id, OrgIdOf(work, *org));
      }
      ASSIGN_OR_RETURN(auto list, FactoryService().ListReceptors(work, org_id));
      for (const auto& r : list) items.push_back(ReceptorJson(r));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });
  router.Add("POST", "/api/v1/receptors", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    std::optional<std::string> org;
    ASSIGN_OR_RETURN(Receptor draft, ParseReceptor(call.request.body, &org));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      if (org && *org != work.scope().principal().org_code) {
        ASSIGN_OR_RETURN(draft.org_id, OrgIdOf(work, *org));
      }
      ASSIGN_OR_RETURN(auto r, FactoryService().CreateReceptor(work, draft));
      out = ReceptorJson(r);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });
  router.Add("PUT", "/api/v1/receptors/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "receptor"));
    ASSIGN_OR_RETURN(const Receptor replacement, ParseReceptor(call.request.body, nullptr));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto r, FactoryService().UpdateReceptor(work, id, replacement));
      out = ReceptorJson(r);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
  router.Add("DELETE", "/api/v1/receptors/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "receptor"));
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) { return FactoryService().DeleteReceptor(work, id); }));
    return Response::Json(200, json({{"deleted", id}}).dump());
  });
  router.Add("GET", "/api/v1/factories/{id}/receptors", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "factory"));
    ASSIGN_OR_RETURN(const int64_t within, IntQuery(call.request, "within_m", 2000, 1, 50'000));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto list, FactoryService().ReceptorsNear(work, id, static_cast<double>(within)));
      for (const auto& d : list) {
        json j = ReceptorJson(d.receptor);
        j["distance_m"] = std::round(d.distance_m);
        items.push_back(std::move(j));
      }
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}, {"within_m", within}}).dump());
  });

  // ---- import (CSV in the shape of DIW's open data) ----
  router.Add("POST", "/api/v1/factories/import", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    const auto org = call.request.Query("org");
    const std::string mapping = call.request.Query("mapping").value_or("diw-prachinburi");
    if (call.request.body.size() > 20 * 1024 * 1024) return Status::TooLarge("the CSV file is larger than 20 MB");
    factories::ImportReport report;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      int64_t org_id = work.scope().principal().org_id;
      if (org && !org->empty()) {
        ASSIGN_OR_RETURN(org_id, OrgIdOf(work, *org));
      }
      ASSIGN_OR_RETURN(report, factories::ImportFactoriesCsv(work, org_id, call.request.body, mapping));
      return Status::Ok();
    }));
    return Response::Json(200, factories::ImportReportJson(report).dump());
  });
}

}  // namespace ecotown::http
