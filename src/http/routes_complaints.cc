// Resident complaints: the public form and tracking page (no account), the transparency figures,
// and the officers' workflow. docs/complaints-api.md describes every route.
//
// Public answers never carry personal data (name, e-mail, phone, device id), the officer in
// charge, internal notes or photos; PublicComplaintJson is the one place that shapes them.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/api.h"
#include "http/complaint_http.h"
#include "http/json_body.h"
#include "modules/calibration/calibration.h"
#include "modules/complaints/complaint_evidence.h"
#include "modules/complaints/complaint_service.h"

namespace ecotown::http {
namespace {

using complaints::Complaint;
using complaints::ComplaintService;
using nlohmann::json;

json OptJson(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json OptJson(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

json CategoryJson(complaints::Category category) {
  const auto& info = complaints::InfoOf(category);
  return {{"code", info.code}, {"name_th", info.name_th}, {"name_en", info.name_en}};
}

json StatusJson(complaints::ComplaintStatus status) {
  return {{"code", complaints::StatusName(status)},
          {"name_th", complaints::StatusNameTh(status)},
          {"name_en", complaints::StatusNameEn(status)}};
}

double Round(double v, double scale) { return std::round(v * scale) / scale; }

// The public shape of a complaint and its public history.
json PublicComplaintJson(const complaints::PublicView& view) {
  const Complaint& c = view.complaint;
  json history = json::array();
  for (const auto& e : view.events) {
    history.push_back({{"at", e.at},
                       {"kind", complaints::EventKindName(e.kind)},
                       {"status", e.status ? StatusJson(*e.status) : json()},
                       {"text", e.text}});
  }
  return {{"tracking", c.tracking},
          {"org", {{"code", view.org_code}, {"name_th", view.org_name_th}, {"name_en", view.org_name_en}}},
          {"category", CategoryJson(c.category)},
          {"status", StatusJson(c.status)},
          {"open", complaints::IsOpen(c.status)},
          {"description", c.description},
          {"address", c.address},
          {"area", {{"name_th", c.area_name_th}, {"name_en", c.area_name_en}}},
          // About 100 m: where the problem is, not whose window it was seen from.
          {"lat", c.lat ? json(Round(*c.lat, 1000)) : json()},
          {"lon", c.lon ? json(Round(*c.lon, 1000)) : json()},
          {"observed_at", c.observed_at},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"deadline_at", c.deadline_at},
          {"resolved_at", OptJson(c.resolved_at)},
          {"closed_at", OptJson(c.closed_at)},
          {"reject_reason", OptJson(c.reject_reason)},
          {"merged_into", c.merged_into ? json(c.merged_into_tracking) : json()},
          {"history", history}};
}

// What officers see in lists and on the complaint page; the contact itself only through the
// audited contact route.
json OfficerComplaintJson(const Complaint& c, int64_t now) {
  const bool open = complaints::IsOpen(c.status);
  return {
      {"id", c.id},
      {"org_id", c.org_id},
      {"tracking", c.tracking},
      {"category", CategoryJson(c.category)},
      {"status", StatusJson(c.status)},
      {"open", open},
      {"overdue", open && now > c.deadline_at},
      {"due_soon", open && now <= c.deadline_at && c.deadline_at - now < 86400},
      {"description", c.description},
      {"address", c.address},
      {"lat", c.lat ? json(*c.lat) : json()},
      {"lon", c.lon ? json(*c.lon) : json()},
      {"area", {{"code", OptJson(c.area_code)}, {"name_th", c.area_name_th}, {"name_en", c.area_name_en}}},
      {"observed_at", c.observed_at},
      {"reject_reason", OptJson(c.reject_reason)},
      {"assignee", c.assignee_user_id ? json({{"id", *c.assignee_user_id}, {"name", c.assignee_name}}) : json()},
      {"merged_into", c.merged_into ? json({{"id", *c.merged_into}, {"tracking", c.merged_into_tracking}}) : json()},
      {"factory_id", OptJson(c.factory_id)},
      {"inspection_id", OptJson(c.inspection_id)},
      {"has_contact", c.contact.Any()},
      {"has_email", c.contact.email.has_value()},
      {"has_line", c.contact.line_user_id.has_value()},
      {"consent_version", OptJson(c.consent_version)},
      {"consent_at", OptJson(c.consent_at)},
      {"personal_erased_at", OptJson(c.personal_erased_at)},
      {"source", c.source},
      {"photo_count", c.photo_count},
      {"deadline_at", c.deadline_at},
      {"created_at", c.created_at},
      {"updated_at", c.updated_at},
      {"resolved_at", OptJson(c.resolved_at)},
      {"closed_at", OptJson(c.closed_at)}};
}

json EventJson(const complaints::ComplaintEvent& e) {
  return {{"id", e.id},
          {"at", e.at},
          {"kind", complaints::EventKindName(e.kind)},
          {"public", complaints::IsPublicEvent(e.kind)},
          {"status", e.status ? StatusJson(*e.status) : json()},
          {"text", e.text},
          {"actor", e.actor_name}};
}

json SettingsJson(const complaints::Settings& s) {
  json deadlines = json::object();
  for (const auto& [category, days] : s.deadline_days) deadlines[complaints::CategoryCode(category)] = days;
  return {{"org_id", s.org_id},
          {"deadline_days", deadlines},
          {"retention_days", s.retention_days},
          {"open311_anonymous_post", s.open311_anonymous_post},
          {"tracking_prefix", s.tracking_prefix},
          {"updated_at", s.updated_at}};
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// The public filing body. The honeypot "website" is returned separately.
struct ParsedFiling {
  complaints::NewComplaint request;
  bool honeypot = false;
};

Result<ParsedFiling> ParseFiling(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  ParsedFiling parsed;
  auto& r = parsed.request;
  ASSIGN_OR_RETURN(const std::string category, body.String("category", 32));
  ASSIGN_OR_RETURN(r.category, complaints::ParseCategory(category));
  ASSIGN_OR_RETURN(r.description, body.String("description", complaints::kMaxDescriptionChars + 100));
  ASSIGN_OR_RETURN(r.lat, body.OptNumber("lat"));
  ASSIGN_OR_RETURN(r.lon, body.OptNumber("lon"));
  ASSIGN_OR_RETURN(auto address, body.OptString("address", complaints::kMaxAddressChars + 50));
  r.address = address.value_or("");
  ASSIGN_OR_RETURN(r.observed_at, body.OptInt("observed_at"));
  ASSIGN_OR_RETURN(r.contact.name, body.OptString("name", complaints::kMaxNameChars + 50));
  ASSIGN_OR_RETURN(r.contact.email, body.OptString("email", 300));
  ASSIGN_OR_RETURN(r.contact.phone, body.OptString("phone", 40));
  ASSIGN_OR_RETURN(r.consent_version, body.OptString("consent_version", 40));
  ASSIGN_OR_RETURN(r.idempotency_key, body.OptString("idempotency_key", complaints::kMaxIdempotencyKeyChars));
  ASSIGN_OR_RETURN(auto website, body.OptString("website", 2000));
  parsed.honeypot = website && !website->empty();
  json photos;
  if (const json raw = json::parse(text, nullptr, false); raw.is_object() && raw.contains("photos")) {
    ASSIGN_OR_RETURN(photos, body.Raw("photos"));
  }
  if (!photos.is_null()) {
    if (!photos.is_array()) return Status::Invalid("photos must be a list of base64 images", "photos");
    if (photos.size() > complaints::kMaxPhotos) {
      return Status::Invalid("at most " + std::to_string(complaints::kMaxPhotos) + " photos", "photos");
    }
    for (size_t i = 0; i < photos.size(); ++i) {
      const std::string field = "photos[" + std::to_string(i) + "]";
      if (!photos[i].is_string()) return Status::Invalid(field + " must be a base64 string", field);
      ASSIGN_OR_RETURN(auto bytes, DecodeBase64Field(photos[i].get<std::string>(), field));
      r.photos.push_back(std::move(bytes));
    }
  }
  RETURN_IF_ERROR(body.Finish());
  return parsed;
}

Result<complaints::TransitionRequest> ParseTransition(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  complaints::TransitionRequest request;
  ASSIGN_OR_RETURN(const std::string status, body.String("status", 32));
  ASSIGN_OR_RETURN(request.to, complaints::ParseStatus(status));
  ASSIGN_OR_RETURN(request.reason, body.OptString("reason", complaints::kMaxReasonChars + 50));
  ASSIGN_OR_RETURN(request.assignee_user_id, body.OptInt("assignee_user_id"));
  ASSIGN_OR_RETURN(request.public_reply, body.OptString("public_reply", complaints::kMaxNoteChars + 50));
  RETURN_IF_ERROR(body.Finish());
  return request;
}

// {"factory_id": 12} links, {"factory_id": null} unlinks, absent leaves it.
Result<complaints::LinkRequest> ParseLink(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  complaints::LinkRequest request;
  const json raw = json::parse(text, nullptr, false);
  ASSIGN_OR_RETURN(auto factory, body.OptInt("factory_id"));
  ASSIGN_OR_RETURN(auto inspection, body.OptInt("inspection_id"));
  if (raw.contains("factory_id")) request.factory_id = factory;
  if (raw.contains("inspection_id")) request.inspection_id = inspection;
  RETURN_IF_ERROR(body.Finish());
  return request;
}

Result<complaints::ComplaintQuery> ParseListQuery(const Request& request) {
  complaints::ComplaintQuery q;
  if (auto v = request.Query("status"); v && !v->empty()) {
    for (const auto& s : SplitList(*v)) {
      ASSIGN_OR_RETURN(auto status, complaints::ParseStatus(s));
      q.statuses.push_back(status);
    }
  }
  if (auto v = request.Query("category"); v && !v->empty()) {
    for (const auto& s : SplitList(*v)) {
      ASSIGN_OR_RETURN(auto category, complaints::ParseCategory(s));
      q.categories.push_back(category);
    }
  }
  if (auto v = request.Query("overdue"); v && !v->empty()) {
    if (*v != "true" && *v != "false") return Status::Invalid("overdue is true or false", "overdue");
    q.overdue = *v == "true";
  }
  if (auto v = request.Query("from"); v && !v->empty()) {
    ASSIGN_OR_RETURN(q.from, calibration::BangkokDayStart(*v, "from"));
  }
  if (auto v = request.Query("to"); v && !v->empty()) {
    ASSIGN_OR_RETURN(const int64_t last, calibration::BangkokDayStart(*v, "to"));
    q.to = last + 86400;  // inclusive day
  }
  if (auto v = request.Query("area"); v && !v->empty()) q.area_code = *v;
  if (auto v = request.Query("tracking"); v && !v->empty()) {
    for (const auto& t : SplitList(*v)) q.trackings.push_back(complaints::NormalizeTracking(t));
  }
  int page = 1;
  if (auto v = request.Query("page"); v && !v->empty()) {
    char* end = nullptr;
    const long parsed = std::strtol(v->c_str(), &end, 10);
    if (*end != '\0' || parsed < 1 || parsed > 1'000'000) return Status::Invalid("page must be 1 or more", "page");
    page = static_cast<int>(parsed);
  }
  if (auto v = request.Query("page_size"); v && !v->empty()) {
    char* end = nullptr;
    const long parsed = std::strtol(v->c_str(), &end, 10);
    if (*end != '\0' || parsed < 1 || parsed > 200) return Status::Invalid("page_size is 1 to 200", "page_size");
    q.limit = static_cast<int>(parsed);
  }
  q.offset = (page - 1) * q.limit;
  return q;
}

// The filing form's facts for one LAO: categories, the consent text, the limits.
json FormJson(const orgs::Org& org, const complaints::Settings& settings) {
  json categories = json::array();
  for (const auto& info : complaints::AllCategories()) {
    categories.push_back({{"code", info.code},
                          {"name_th", info.name_th},
                          {"name_en", info.name_en},
                          {"deadline_days", settings.deadline_days.at(info.category)}});
  }
  const auto& consent = complaints::CurrentConsent();
  return {{"org", {{"code", org.code}, {"name_th", org.name_th}, {"name_en", org.name_en}}},
          {"center", org.lat && org.lon ? json({{"lat", *org.lat}, {"lon", *org.lon}}) : json()},
          {"categories", categories},
          {"consent", {{"version", consent.version}, {"text_th", consent.text_th}, {"text_en", consent.text_en}}},
          {"retention_days", settings.retention_days},
          {"limits",
           {{"description_min", complaints::kMinDescriptionChars},
            {"description_max", complaints::kMaxDescriptionChars},
            {"photos_max", complaints::kMaxPhotos},
            {"photo_bytes_max", complaints::kMaxComplaintPhotoBytes}}}};
}

// The evidence around a complaint: its point and time, the nearest sensors' hours and the
// factories within the radius (docs/complaints-api.md).
json EvidenceJson(const complaints::Evidence& e) {
  const Complaint& c = e.complaint;
  json out = {{"complaint_id", c.id},
              {"tracking", c.tracking},
              {"observed_at", c.observed_at},
              {"has_location", e.has_location},
              {"lat", c.lat ? json(*c.lat) : json()},
              {"lon", c.lon ? json(*c.lon) : json()},
              {"radius_m", e.request.radius_m},
              {"window_h", e.request.window_h},
              {"from_hour_end", e.from_end},
              {"to_hour_end", e.to_end}};
  if (!e.has_location) {
    out["message"] = "the complaint has no location (lat, lon): no sensors or factories can be placed around it";
  }
  json sensor_items = json::array();
  for (const auto& s : e.sensors) {
    json hours = json::array();
    for (const auto& h : s.hours) {
      hours.push_back({{"hour_end", h.hour_end},
                       {"pm25", h.pm25 ? json(*h.pm25) : json()},
                       {"pm10", h.pm10 ? json(*h.pm10) : json()},
                       {"coverage", h.coverage},
                       {"samples", h.samples}});
    }
    json aqi;
    if (s.thai_aqi) {
      aqi = {{"value", s.thai_aqi->value},
             {"level", s.thai_aqi->level},
             {"above_table", s.thai_aqi->above_table},
             {"hour_end", *s.aqi_hour_end},
             {"pm25_24h", *s.pm25_24h}};
    }
    sensor_items.push_back({{"id", s.sensor.id},
                       {"code", s.sensor.code},
                       {"name", s.sensor.name},
                       {"status", sensors::SensorStatusName(s.sensor.status)},
                       {"lat", s.sensor.lat},
                       {"lon", s.sensor.lon},
                       {"distance_m", s.distance_m},
                       {"bearing_deg", s.bearing_deg},
                       {"direction", complaints::CompassPoint(s.bearing_deg)},
                       {"hours", hours},
                       {"thai_aqi", aqi}});
  }
  json factory_items = json::array();
  for (const auto& f : e.factories) {
    factory_items.push_back({{"id", f.factory.id},
                         {"name", f.factory.name},
                         {"type_code", f.factory.type_code ? json(*f.factory.type_code) : json()},
                         {"business", f.factory.business},
                         {"status", factories::FactoryStatusName(f.factory.status)},
                         {"lat", *f.factory.lat},
                         {"lon", *f.factory.lon},
                         {"distance_m", f.distance_m},
                         {"bearing_deg", f.bearing_deg},
                         {"direction", complaints::CompassPoint(f.bearing_deg)},
                         {"open_actions", f.open_actions}});
  }
  out["sensors"] = sensor_items;
  out["factories"] = factory_items;
  out["factories_truncated"] = e.factories_truncated;
  return out;
}

// A number query parameter; fallback when absent, Invalid naming it when not a number.
Result<double> NumberQuery(const Request& request, const char* name, double fallback) {
  auto v = request.Query(name);
  if (!v || v->empty()) return fallback;
  char* end = nullptr;
  const double parsed = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end != '\0') return Status::Invalid(std::string(name) + " must be a number", name);
  return parsed;
}

}  // namespace

void RegisterComplaintRoutes(Router& router, std::shared_ptr<PublicLimiters> limits) {
  // ---- public ---------------------------------------------------------------------------------

  router.Add("GET", "/api/v1/public/orgs/{code}/complaint-form", Access::kPublic,
             [limits](Call& call) -> Result<Response> {
               if (auto refused = RefuseOverLimit(limits->reads, call.request)) return *refused;
               ASSIGN_OR_RETURN(const orgs::Org org, FindLao(call, call.Param("code")));
               json out;
               RETURN_IF_ERROR(
                   call.transactor.Read(complaints::PublicReaderScope(org), call.info, [&](UnitOfWork& work) -> Status {
                     ASSIGN_OR_RETURN(auto settings, work.complaints().GetSettings(org.id, org.code));
                     out = FormJson(org, settings);
                     return Status::Ok();
                   }));
               return Response::Json(200, out.dump());
             });

  // 201 with the tracking number; 200 with the same answer when the idempotency key was seen
  // before (nothing stored twice); 202 without a tracking number when the honeypot was filled
  // (a quiet drop: nothing stored); 429 for a flood from one address.
  router.Add(
      "POST", "/api/v1/public/orgs/{code}/complaints", Access::kPublic, [limits](Call& call) -> Result<Response> {
        if (auto refused = RefuseOverLimit(limits->posts, call.request)) return *refused;
        ASSIGN_OR_RETURN(const orgs::Org org, FindLao(call, call.Param("code")));
        ASSIGN_OR_RETURN(auto parsed, ParseFiling(call.request.body));
        if (parsed.honeypot) return Response::Json(202, json({{"accepted", true}}).dump());
        std::optional<complaints::Filed> filed;
        RETURN_IF_ERROR(
            call.transactor.Write(complaints::ResidentScope(org, "public"), call.info, [&](UnitOfWork& work) -> Status {
              ASSIGN_OR_RETURN(filed, ComplaintService().File(work, org, parsed.request));
              return Status::Ok();
            }));
        const Complaint& c = filed->complaint;
        json out = {
            {"tracking", c.tracking},     {"status", StatusJson(c.status)}, {"category", CategoryJson(c.category)},
            {"created_at", c.created_at}, {"deadline_at", c.deadline_at},   {"replayed", filed->replayed}};
        return Response::Json(filed->replayed ? 200 : 201, out.dump());
      });

  router.Add("GET", "/api/v1/public/complaints/{tracking}", Access::kPublic, [limits](Call& call) -> Result<Response> {
    if (auto refused = RefuseOverLimit(limits->reads, call.request)) return *refused;
    const std::string tracking = complaints::NormalizeTracking(call.Param("tracking"));
    if (tracking.empty()) return Status::NotFound("complaint not found");
    std::optional<Complaint> complaint;
    std::optional<orgs::Org> org;
    json out;
    // The tracking number names the complaint, whose LAO scopes the rest. Polled by every
    // resident who filed: read without a snapshot (no BEGIN and COMMIT round trips on
    // PostgreSQL); at worst a change committed between the statements shows its history entry
    // one poll before its status.
    RETURN_IF_ERROR(call.transactor.ReadThenEach(
        call.Scope(), call.info,
        [&](UnitOfWork& work) -> Result<tenancy::Scope> {
          ASSIGN_OR_RETURN(complaint, work.complaints().FindByTracking(tracking));
          ASSIGN_OR_RETURN(org, work.orgs().Get(complaint->org_id));
          return complaints::PublicReaderScope(*org);
        },
        [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(auto view, ComplaintService().PublicStatus(work, *complaint, *org));
          out = PublicComplaintJson(view);
          return Status::Ok();
        }));
    return Response::Json(200, out.dump());
  });

  // Transparency: ?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive Bangkok days); default the last 12 months.
  router.Add(
      "GET", "/api/v1/public/orgs/{code}/complaints/stats", Access::kPublic, [limits](Call& call) -> Result<Response> {
        if (auto refused = RefuseOverLimit(limits->reads, call.request)) return *refused;
        ASSIGN_OR_RETURN(const orgs::Org org, FindLao(call, call.Param("code")));
        int64_t to = call.info.now + 1;
        int64_t from = to - 365 * 86400;
        if (auto v = call.request.Query("from"); v && !v->empty()) {
          ASSIGN_OR_RETURN(from, calibration::BangkokDayStart(*v, "from"));
        }
        if (auto v = call.request.Query("to"); v && !v->empty()) {
          ASSIGN_OR_RETURN(const int64_t last, calibration::BangkokDayStart(*v, "to"));
          to = last + 86400;
        }
        if (to - from > 3 * 366 * 86400) return Status::Invalid("at most three years at a time", "from");
        json out;
        RETURN_IF_ERROR(
            call.transactor.Read(complaints::PublicReaderScope(org), call.info, [&](UnitOfWork& work) -> Status {
              ASSIGN_OR_RETURN(auto stats, ComplaintService().Stats(work, org.id, from, to));
              const auto rows = [](const std::vector<complaints::CountRow>& list) {
                json items = json::array();
                for (const auto& r : list) {
                  items.push_back({{"key", r.key}, {"name_th", r.name_th}, {"name_en", r.name_en}, {"count", r.count}});
                }
                return items;
              };
              json points = json::array();
              for (const auto& p : stats.points) {
                points.push_back({{"lat", p.lat},
                                  {"lon", p.lon},
                                  {"category", complaints::CategoryCode(p.category)},
                                  {"open", p.open}});
              }
              out = {{"org", {{"code", org.code}, {"name_th", org.name_th}, {"name_en", org.name_en}}},
                     {"from", stats.from},
                     {"to", stats.to},
                     {"total", stats.total},
                     {"open", stats.open},
                     {"by_category", rows(stats.by_category)},
                     {"by_month", rows(stats.by_month)},
                     {"by_area", rows(stats.by_area)},
                     {"median_hours_to_resolve",
                      stats.median_hours_to_resolve ? json(*stats.median_hours_to_resolve) : json()},
                     {"resolved_within_deadline_share",
                      stats.resolved_within_deadline_share ? json(*stats.resolved_within_deadline_share) : json()},
                     {"points", points}};
              return Status::Ok();
            }));
        return Response::Json(200, out.dump());
      });

  // ---- officers -------------------------------------------------------------------------------

  router.Add("GET", "/api/v1/complaints", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto query, ParseListQuery(call.request));
    json items = json::array();
    int64_t total = 0;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      if (auto code = call.request.Query("org"); code && !code->empty()) {
        auto org = work.orgs().FindByCode(*code);
        if (!org.ok()) return Status::Invalid("unknown organisation " + *code, "org");
        query.org_id = org->id;
      }
      ASSIGN_OR_RETURN(auto page, ComplaintService().List(work, query));
      for (const auto& c : page.items) items.push_back(OfficerComplaintJson(c, work.info().now));
      total = page.total;
      return Status::Ok();
    }));
    return Response::Json(
        200,
        json({{"items", items}, {"total", total}, {"page", query.offset / query.limit + 1}, {"page_size", query.limit}})
            .dump());
  });

  router.Add("GET", "/api/v1/complaints/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto detail, ComplaintService().Get(work, id));
      out = OfficerComplaintJson(detail.complaint, work.info().now);
      json events = json::array();
      for (const auto& e : detail.events) events.push_back(EventJson(e));
      json photos = json::array();
      for (const auto& p : detail.photos) {
        photos.push_back({{"id", p.id}, {"content_type", p.content_type}, {"size", p.size}, {"sha256", p.sha256}});
      }
      out["events"] = events;
      out["photos"] = photos;
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // ?radius_m=3000&window_h=3: the nearest sensors' hours around the observed time and the
  // factories within the radius. Staff of the complaint's LAO only.
  router.Add("GET", "/api/v1/complaints/{id}/evidence", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    complaints::EvidenceRequest request;
    ASSIGN_OR_RETURN(request.radius_m, NumberQuery(call.request, "radius_m", complaints::kDefaultEvidenceRadiusM));
    ASSIGN_OR_RETURN(const double window, NumberQuery(call.request, "window_h", complaints::kDefaultEvidenceWindowH));
    if (window != std::floor(window) || window < 1 || window > complaints::kMaxEvidenceWindowH) {
      return Status::Invalid("window_h must be a whole number of hours, 1 to 24", "window_h");
    }
    request.window_h = static_cast<int>(window);
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto evidence, complaints::GatherEvidence(work, id, request));
      out = EvidenceJson(evidence);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/complaints/{id}/transition", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    ASSIGN_OR_RETURN(const auto request, ParseTransition(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto c, ComplaintService().Transition(work, id, request));
      out = OfficerComplaintJson(c, work.info().now);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // {"text": "...", "public": true} is a reply the resident sees (and is mailed); false an internal note.
  router.Add("POST", "/api/v1/complaints/{id}/notes", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const std::string text, body.String("text", complaints::kMaxNoteChars + 50));
    ASSIGN_OR_RETURN(const bool is_public, body.Bool("public"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto event, ComplaintService().AddNote(work, id, text, is_public));
      out = EventJson(event);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("POST", "/api/v1/complaints/{id}/link", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    ASSIGN_OR_RETURN(const auto request, ParseLink(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto c, ComplaintService().Link(work, id, request));
      out = OfficerComplaintJson(c, work.info().now);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("POST", "/api/v1/complaints/{id}/merge", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(const int64_t kept_id, body.Int("kept_id"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto c, ComplaintService().Merge(work, id, kept_id));
      out = OfficerComplaintJson(c, work.info().now);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // POST, not GET: reading a resident's personal data is itself recorded in the audit log.
  router.Add("POST", "/api/v1/complaints/{id}/contact", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto contact, ComplaintService().ViewContact(work, id));
      out = {{"name", OptJson(contact.name)},
             {"email", OptJson(contact.email)},
             {"phone", OptJson(contact.phone)},
             {"device_id", OptJson(contact.device_id)},
             {"line_user_id", OptJson(contact.line_user_id)}};
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("GET", "/api/v1/complaints/{id}/photos/{photo_id}", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "complaint"));
               ASSIGN_OR_RETURN(const int64_t photo_id, call.IdParam("photo_id", "photo"));
               std::optional<complaints::Photo> photo;
               RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(photo, ComplaintService().GetPhoto(work, id, photo_id));
                 return Status::Ok();
               }));
               Response response;
               response.status = 200;
               response.content_type = photo->content_type;
               response.body = std::move(photo->bytes);
               response.AddHeader("ETag", "\"" + photo->sha256 + "\"");
               response.AddHeader("X-Content-Type-Options", "nosniff");
               response.AddHeader("Content-Disposition", "inline");
               return response;
             });

  router.Add("GET", "/api/v1/complaint-settings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      int64_t org_id = work.scope().principal().org_id;
      if (auto code = call.request.Query("org"); code && !code->empty()) {
        auto org = work.orgs().FindByCode(*code);
        if (!org.ok()) return Status::NotFound("organisation not found");
        org_id = org->id;
      }
      ASSIGN_OR_RETURN(auto settings, ComplaintService().GetSettings(work, org_id));
      out = SettingsJson(settings);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("PUT", "/api/v1/complaint-settings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(auto org_code, body.OptString("org", 32));
    json deadlines;
    if (const json raw = json::parse(call.request.body, nullptr, false);
        raw.is_object() && raw.contains("deadline_days")) {
      ASSIGN_OR_RETURN(deadlines, body.Raw("deadline_days"));
    }
    ASSIGN_OR_RETURN(auto retention, body.OptInt("retention_days"));
    ASSIGN_OR_RETURN(auto anonymous, body.OptBool("open311_anonymous_post"));
    ASSIGN_OR_RETURN(auto prefix, body.OptString("tracking_prefix", 8));
    RETURN_IF_ERROR(body.Finish());
    if (!deadlines.is_null() && !deadlines.is_object()) {
      return Status::Invalid("deadline_days maps category codes to days", "deadline_days");
    }
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      int64_t org_id = work.scope().principal().org_id;
      if (org_code) {
        auto org = work.orgs().FindByCode(*org_code);
        if (!org.ok()) return Status::Invalid("unknown organisation " + *org_code, "org");
        org_id = org->id;
      }
      ASSIGN_OR_RETURN(auto settings, ComplaintService().GetSettings(work, org_id));
      if (deadlines.is_object()) {
        for (const auto& [code, days] : deadlines.items()) {
          ASSIGN_OR_RETURN(auto category, complaints::ParseCategory(code, "deadline_days." + code));
          if (!days.is_number_integer()) {
            return Status::Invalid("a deadline is a whole number of days", "deadline_days." + code);
          }
          settings.deadline_days[category] = days.get<int>();
        }
      }
      if (retention) {
        if (*retention < 0 || *retention > 100000)
          return Status::Invalid("retention is 30 to 3650 days", "retention_days");
        settings.retention_days = static_cast<int>(*retention);
      }
      if (anonymous) settings.open311_anonymous_post = *anonymous;
      if (prefix) settings.tracking_prefix = *prefix;
      ASSIGN_OR_RETURN(settings, ComplaintService().PutSettings(work, settings));
      out = SettingsJson(settings);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  // The retention erasure now, for the caller's organisation (an LAO administrator); the
  // background worker runs the same for every organisation once an hour.
  router.Add("POST", "/api/v1/complaint-retention/run", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      RETURN_IF_ERROR(work.scope().Require(tenancy::Permission::kManageUsers));
      ASSIGN_OR_RETURN(auto report, ComplaintService().EraseExpired(work, work.scope().principal().org_id));
      out = {{"org_id", report.org_id}, {"erased", report.erased}};
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
