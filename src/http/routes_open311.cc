// Open311 GeoReport v2 under /open311/v2/ (docs/complaints-api.md §Open311): discovery,
// services, service definitions, requests (GET with filters, POST), one request, tokens.
//
// One endpoint serves every LAO, so jurisdiction_id (the LAO's organisation code) is required on
// everything but discovery. Format by suffix: .json, or .xml following the spec's element names.
// Errors are the spec's list of {code, description} with the HTTP status (400, 403, 404).
// Requests never carry personal data: no name, e-mail, phone, device id or account id.
#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>

#include "http/api.h"
#include "http/complaint_http.h"
#include "http/public_answer_cache.h"
#include "http/public_list.h"
#include "modules/complaints/complaint_service.h"

namespace ecotown::http {
namespace {

using complaints::Complaint;
using complaints::ComplaintService;
using nlohmann::json;

constexpr int64_t kDay = 86400;
constexpr int64_t kMaxWindow = 90 * kDay;
constexpr int kMaxRequests = 1000;
// A cached list is updated with at most this many logged changes since its version, else rebuilt.
constexpr int kMaxPatchChanges = 200;
constexpr const char* kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

enum class Format { kJson, kXml };

// "services.json" -> ("services", json); Invalid for another suffix.
struct Target {
  std::string name;
  Format format = Format::kJson;
};

std::optional<Target> SplitTarget(const std::string& file) {
  const auto dot = file.rfind('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  const std::string ext = file.substr(dot + 1);
  Target target{file.substr(0, dot), Format::kJson};
  if (ext == "json") return target;
  if (ext == "xml") {
    target.format = Format::kXml;
    return target;
  }
  return std::nullopt;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The element name of one item of a list element, as the spec's XML names them.
std::string ItemName(const std::string& list) {
  static const std::map<std::string, std::string> kItems = {
      {"services", "service"},   {"service_requests", "request"}, {"attributes", "attribute"}, {"values", "value"},
      {"endpoints", "endpoint"}, {"formats", "format"},           {"errors", "error"},         {"keywords", "keyword"}};
  auto it = kItems.find(list);
  return it == kItems.end() ? "item" : it->second;
}

void WriteXml(std::ostringstream& out, const std::string& name, const json& value) {
  if (value.is_array()) {
    out << '<' << name << '>';
    const std::string item = ItemName(name);
    for (const auto& v : value) WriteXml(out, item, v);
    out << "</" << name << '>';
  } else if (value.is_object()) {
    out << '<' << name << '>';
    for (const auto& [key, v] : value.items()) WriteXml(out, key, v);
    out << "</" << name << '>';
  } else if (value.is_null()) {
    out << '<' << name << "/>";
  } else if (value.is_string()) {
    out << '<' << name << '>' << XmlEscape(value.get<std::string>()) << "</" << name << '>';
  } else {
    out << '<' << name << '>' << value.dump() << "</" << name << '>';
  }
}

// JSON as the spec's top-level array; XML under `root` with the spec's item names.
Response Render(int status, Format format, const std::string& root, const json& body) {
  if (format == Format::kJson) return Response::Json(status, body.dump());
  std::ostringstream out;
  out << kXmlDeclaration;
  WriteXml(out, root, body);
  return Response::Text(status, out.str(), "text/xml; charset=utf-8");
}

Response Error(int status, Format format, const std::string& description) {
  return Render(status, format, "errors", json::array({{{"code", status}, {"description", description}}}));
}

// Status errors of the layers below, in the Open311 shape.
Response ErrorOf(const Status& status, Format format) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return Error(404, format, status.message());
    case StatusCode::kForbidden:
    case StatusCode::kUnauthenticated:
      return Error(403, format, status.message());
    case StatusCode::kTooManyRequests:
      return Error(429, format, status.message());
    case StatusCode::kTooLarge:
      return Error(413, format, status.message());
    case StatusCode::kInternal:
    case StatusCode::kUnavailable:
      return Error(status.code() == StatusCode::kInternal ? 500 : 503, format, "the service is unavailable");
    default: {
      std::string text = status.message();
      if (!status.field().empty()) text = status.field() + ": " + text;
      return Error(400, format, text);
    }
  }
}

// An empty parameter is the same as an absent one (spec).
std::optional<std::string> Param(const std::multimap<std::string, std::string>& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

json ServiceJson(const complaints::CategoryInfo& info) {
  return {{"service_code", info.code},
          {"service_name", info.name_th},
          {"description", std::string(info.name_en) + " / " + info.name_th},
          {"metadata", true},
          {"type", "realtime"},
          {"keywords", info.name_en},
          {"group", info.group}};
}

json DefinitionJson(const complaints::CategoryInfo& info) {
  return {
      {"service_code", info.code},
      {"attributes", json::array({{{"variable", true},
                                   {"code", "observed_datetime"},
                                   {"datatype", "datetime"},
                                   {"required", false},
                                   {"datatype_description", "ISO 8601 with time zone, e.g. 2026-11-26T14:30:00+07:00"},
                                   {"order", 1},
                                   {"description", "เวลาที่พบเหตุ / when the problem was observed"}}})}};
}

// The spec's request element: status open|closed; the Thai workflow state in status_notes.
json RequestJson(const Complaint& c, const orgs::Org& org, const std::optional<std::string>& last_reply) {
  const auto& info = complaints::InfoOf(c.category);
  std::string notes = complaints::StatusNameTh(c.status);
  notes += " / ";
  notes += complaints::StatusNameEn(c.status);
  if (c.status == complaints::ComplaintStatus::kRejected && c.reject_reason) notes += ": " + *c.reject_reason;
  if (c.status == complaints::ComplaintStatus::kMerged) notes += ": " + c.merged_into_tracking;
  if (last_reply) notes += " — " + *last_reply;
  const bool open = complaints::IsOpen(c.status);
  const int64_t updated = !open && c.closed_at ? *c.closed_at : c.updated_at;
  const auto round = [](double v) { return std::round(v * 10000) / 10000; };
  return {{"service_request_id", c.tracking},
          {"status", open ? "open" : "closed"},
          {"status_notes", notes},
          {"service_name", info.name_th},
          {"service_code", info.code},
          {"description", c.description},
          {"agency_responsible", org.name_th},
          {"service_notice", ""},
          {"requested_datetime", FormatIsoBangkok(c.created_at)},
          {"updated_datetime", FormatIsoBangkok(updated)},
          {"expected_datetime", FormatIsoBangkok(c.deadline_at)},
          {"address", c.address},
          {"address_id", json()},
          {"zipcode", json()},
          {"lat", c.lat ? json(round(*c.lat)) : json()},
          {"long", c.lon ? json(round(*c.lon)) : json()},
          {"media_url", json()}};
}

// The requests' JSON, each with its newest public reply.
Result<json> RequestsJson(UnitOfWork& work, const std::vector<Complaint>& list, const orgs::Org& org) {
  std::vector<int64_t> ids;
  ids.reserve(list.size());
  for (const auto& c : list) ids.push_back(c.id);
  ASSIGN_OR_RETURN(const auto replies, work.complaints().LatestPublicReplies(ids));
  json out = json::array();
  for (const auto& c : list) {
    const auto reply = replies.find(c.id);
    out.push_back(RequestJson(c, org, reply == replies.end() ? std::nullopt : std::optional(reply->second)));
  }
  return out;
}

// One request as it appears in a list answer of `format`: Render writes the same inside the list.
std::string ItemText(const json& request, Format format) {
  if (format == Format::kJson) return request.dump();
  std::ostringstream out;
  WriteXml(out, ItemName("service_requests"), request);
  return out.str();
}

// A request list answer from its parts: byte for byte what Render writes for the whole list.
Response RenderList(const PublicList& list, Format format) {
  if (format == Format::kJson) return Response::Json(200, JoinList(list, "[", ",", "]"));
  return Response::Text(200,
                        JoinList(list, std::string(kXmlDeclaration) + "<service_requests>", "", "</service_requests>"),
                        "text/xml; charset=utf-8");
}

// The complaints as list items of `format`, each with its newest public reply.
Result<std::vector<PublicListItem>> ListItems(UnitOfWork& work, const std::vector<Complaint>& list,
                                              const orgs::Org& org, Format format) {
  ASSIGN_OR_RETURN(const json requests, RequestsJson(work, list, org));
  std::vector<PublicListItem> items;
  items.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    items.push_back(PublicListItem{list[i].id, list[i].created_at, ItemText(requests[i], format)});
  }
  return items;
}

// The LAO named by jurisdiction_id: 400 when missing, 404 when unknown.
std::variant<orgs::Org, Response> JurisdictionOf(Call& call, const std::multimap<std::string, std::string>& params,
                                                 Format format) {
  const auto code = Param(params, "jurisdiction_id");
  if (!code) return Error(400, format, "jurisdiction_id is required: this endpoint serves several jurisdictions");
  auto org = FindLao(call, *code);
  if (!org.ok()) return Error(404, format, "jurisdiction_id " + *code + " not found");
  return *org;
}

// GET requests.{fmt}: the LAO's requests, newest first. service_request_id overrides every other
// filter. Served from `answers` while the LAO's change version is unchanged (public_answer_cache.h).
Response RequestsAnswer(Call& call, Format format, PublicAnswerCache& answers) {
  const auto& q = call.request.query;
  const auto jurisdiction = Param(q, "jurisdiction_id");
  if (!jurisdiction) {
    return Error(400, format, "jurisdiction_id is required: this endpoint serves several jurisdictions");
  }
  bool window_slides = false;  // no dates given: the last 90 days up to now
  complaints::ComplaintQuery query;
  query.limit = kMaxRequests;
  if (auto ids = Param(q, "service_request_id")) {
    for (const auto& id : SplitList(*ids)) query.trackings.push_back(complaints::NormalizeTracking(id));
  } else {
    if (auto codes = Param(q, "service_code")) {
      for (const auto& code : SplitList(*codes)) {
        auto category = complaints::ParseCategory(code, "service_code");
        if (!category.ok()) return Error(404, format, "service_code " + code + " not found");
        query.categories.push_back(*category);
      }
    }
    std::optional<int64_t> start, end;
    if (auto v = Param(q, "start_date")) {
      auto parsed = ParseIsoTime(*v, "start_date");
      if (!parsed.ok()) return ErrorOf(parsed.status(), format);
      start = *parsed;
    }
    if (auto v = Param(q, "end_date")) {
      auto parsed = ParseIsoTime(*v, "end_date");
      if (!parsed.ok()) return ErrorOf(parsed.status(), format);
      end = *parsed;
    }
    if (!start && !end) {
      window_slides = true;
      end = call.info.now + 1;
      start = *end - kMaxWindow;
    } else if (!start) {
      start = *end - kMaxWindow;
    } else if (!end) {
      end = std::min(*start + kMaxWindow, call.info.now + 1);
    }
    if (*end < *start) return Error(400, format, "end_date is before start_date");
    if (*end - *start > kMaxWindow) return Error(400, format, "start_date to end_date spans more than 90 days");
    query.from = start;
    query.to = *end + 1;
    if (auto statuses = Param(q, "status")) {
      for (const auto& s : SplitList(*statuses)) {
        using S = complaints::ComplaintStatus;
        if (s == "open") {
          query.statuses.insert(query.statuses.end(), {S::kReceived, S::kAssigned, S::kInvestigating});
        } else if (s == "closed") {
          query.statuses.insert(query.statuses.end(), {S::kResolved, S::kRejected, S::kClosed, S::kMerged});
        } else {
          return Error(400, format, "status is open or closed");
        }
      }
    }
  }
  std::optional<orgs::Org> org;
  // The answer depends on the LAO (its name is in every item), the format and the filters;
  // a window that ends now also on the clock (see valid_until below).
  std::string cache_key;
  std::optional<Response> answer;
  std::optional<PublicAnswerCache::Rebuild> rebuild;
  const ScopeFn find_lao = [&](UnitOfWork& work) -> Result<tenancy::Scope> {
    auto found = FindLao(work, *jurisdiction);
    if (!found.ok() && found.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("jurisdiction_id " + *jurisdiction + " not found");
    }
    ASSIGN_OR_RETURN(org, std::move(found));
    cache_key = std::to_string(org->id) + '\n' + org->name_th + '\n' + (format == Format::kXml ? "xml" : "json");
    for (const char* name : {"service_request_id", "service_code", "start_date", "end_date", "status"}) {
      cache_key += '\n';
      cache_key += Param(q, name).value_or("");
    }
    return complaints::PublicReaderScope(*org);
  };
  // Stores a list read or updated at `version` and keeps the answer to send.
  const auto store = [&](int64_t version, std::shared_ptr<PublicList> parts) {
    // Until a complaint filed at the start of a sliding window leaves it.
    int64_t valid_until = std::numeric_limits<int64_t>::max();
    if (window_slides) {
      for (const auto& item : parts->items) valid_until = std::min(valid_until, item.created_at + kMaxWindow - 1);
    }
    Response rendered = RenderList(*parts, format);
    answer = answers.Put(cache_key, version, valid_until, std::move(rendered), std::move(parts));
  };
  const auto build = [&](UnitOfWork& work, int64_t version) -> Status {
    query.org_id = org->id;
    query.count_total = false;
    ASSIGN_OR_RETURN(auto page, work.complaints().List(query));
    auto parts = std::make_shared<PublicList>();
    parts->limit = kMaxRequests;
    parts->from = query.from;
    parts->to = query.to;
    ASSIGN_OR_RETURN(parts->items, ListItems(work, page.items, *org, format));
    store(version, std::move(parts));
    return Status::Ok();
  };
  // The rebuild of a changed list: the previous list updated with the complaints changed since
  // its version (the change log) and those that entered its window since, when that is exact
  // (public_list.h); false: build it anew.
  const auto patch = [&](UnitOfWork& work, int64_t version) -> Result<bool> {
    const auto& previous = rebuild->previous();
    if (!previous) return false;
    query.org_id = org->id;
    query.count_total = false;
    std::vector<int64_t> changed;
    if (version > rebuild->previous_version()) {
      ASSIGN_OR_RETURN(auto logged,
                       work.complaints().ChangedSince(org->id, rebuild->previous_version(), kMaxPatchChanges));
      if (!logged) return false;
      changed = std::move(*logged);
    }
    std::vector<Complaint> rows;
    if (!changed.empty()) {
      complaints::ComplaintQuery of_changed = query;
      of_changed.ids = changed;
      ASSIGN_OR_RETURN(auto page, work.complaints().List(of_changed));
      rows = std::move(page.items);
    }
    if (query.to && previous->to && *query.to > *previous->to) {
      complaints::ComplaintQuery entered = query;
      entered.from = std::max(*previous->to, query.from.value_or(*previous->to));
      ASSIGN_OR_RETURN(auto page, work.complaints().List(entered));
      for (auto& c : page.items) {
        if (std::none_of(rows.begin(), rows.end(), [&](const Complaint& r) { return r.id == c.id; })) {
          rows.push_back(std::move(c));
        }
      }
    }
    ASSIGN_OR_RETURN(auto items, ListItems(work, rows, *org, format));
    auto updated = Patched(*previous, changed, std::move(items), query.from, query.to);
    if (!updated) return false;
    store(version, std::make_shared<PublicList>(std::move(*updated)));
    return true;
  };
  // Polled by the crowd, so first without a snapshot (the LAO and its version: two statements, no
  // BEGIN and COMMIT round trips on PostgreSQL): a current answer is served, or the previous one
  // while another request rebuilds; after a change one request is chosen to rebuild.
  const auto lookup = [&](UnitOfWork& work) -> Status {
    if (!answers.enabled()) return Status::Ok();
    ASSIGN_OR_RETURN(const int64_t version, work.complaints().ChangeVersion(org->id));
    auto found = answers.Find(cache_key, version, call.info.now);
    answer = std::move(found.answer);
    rebuild = std::move(found.rebuild);
    return Status::Ok();
  };
  // A build reads the version first, then the data in the same snapshot: exactly that new. A key
  // with no answer yet is built when `build_if_missing`.
  const auto serve = [&](UnitOfWork& work, bool build_if_missing) -> Status {
    if (!answers.enabled()) return build(work, 0);
    ASSIGN_OR_RETURN(const int64_t version, work.complaints().ChangeVersion(org->id));
    if (!rebuild) {
      auto found = answers.Find(cache_key, version, call.info.now);
      if (found.answer) {
        answer = std::move(found.answer);
        return Status::Ok();
      }
      rebuild = std::move(found.rebuild);
      if (!rebuild && !build_if_missing) return Status::Ok();
    }
    if (rebuild) {
      ASSIGN_OR_RETURN(const bool patched, patch(work, version));
      if (patched) return Status::Ok();
    }
    return build(work, version);
  };
  Status read = call.transactor.ReadThenEach(call.Scope(), call.info, find_lao, lookup);
  if (!read.ok()) return ErrorOf(read, format);
  if (answer) return std::move(*answer);
  if (rebuild) {
    read = call.transactor.ReadThen(call.Scope(), call.info, find_lao,
                                    [&](UnitOfWork& work) { return serve(work, false); });
    if (!read.ok()) return ErrorOf(read, format);
    if (answer) return std::move(*answer);
  }
  // Nothing to serve yet: one request builds while the others of the key wait for it, holding no
  // connection, then find its answer.
  auto only_builder = answers.LockKey(cache_key);
  read =
      call.transactor.ReadThen(call.Scope(), call.info, find_lao, [&](UnitOfWork& work) { return serve(work, true); });
  if (!read.ok()) return ErrorOf(read, format);
  return std::move(*answer);
}

}  // namespace

void RegisterOpen311Routes(Router& router, accounts::AccountService& accounts, std::shared_ptr<PublicLimiters> limits,
                           std::shared_ptr<PublicAnswerCache> answers) {
  // discovery, services, requests
  router.Add("GET", "/open311/v2/{file}", Access::kPublic, [limits, answers](Call& call) -> Result<Response> {
    const auto target = SplitTarget(call.Param("file"));
    if (!target) return Error(404, Format::kJson, "unknown resource; use .json or .xml");
    const Format format = target->format;
    if (auto refused = RefuseOverLimit(limits->reads, call.request)) {
      Response error = Error(429, format, "too many requests from this address; try again later");
      error.headers = refused->headers;
      return error;
    }
    if (target->name == "discovery") {
      const std::string scheme = call.request.secure ? "https://" : "http://";
      const std::string host = call.request.Header("host").value_or("localhost");
      json out = {{"changeset", "2026-11-27T00:00:00+07:00"},
                  {"contact", "องค์กรปกครองส่วนท้องถิ่นที่ให้บริการ / the local government office of each jurisdiction"},
                  {"key_service",
                   "API keys are the LAO's ecotown API tokens (ask the LAO's administrator); "
                   "requests without a key are accepted where the LAO allows it"},
                  {"endpoints", json::array({{{"specification", "http://wiki.open311.org/GeoReport_v2"},
                                              {"url", scheme + host + "/open311/v2"},
                                              {"changeset", "2026-11-27T00:00:00+07:00"},
                                              {"type", "production"},
                                              {"formats", json::array({"application/json", "text/xml"})}}})}};
      return Render(200, format, "discovery", out);
    }
    if (target->name != "services" && target->name != "requests") return Error(404, format, "unknown resource");
    if (target->name == "requests") return RequestsAnswer(call, format, *answers);
    auto jurisdiction = JurisdictionOf(call, call.request.query, format);
    if (auto* error = std::get_if<Response>(&jurisdiction)) return *error;

    json out = json::array();
    for (const auto& info : complaints::AllCategories()) out.push_back(ServiceJson(info));
    return Render(200, format, "services", out);
  });

  router.Add("GET", "/open311/v2/services/{file}", Access::kPublic, [limits](Call& call) -> Result<Response> {
    const auto target = SplitTarget(call.Param("file"));
    if (!target) return Error(404, Format::kJson, "unknown resource; use .json or .xml");
    if (auto refused = RefuseOverLimit(limits->reads, call.request)) {
      return Error(429, target->format, "too many requests from this address; try again later");
    }
    auto jurisdiction = JurisdictionOf(call, call.request.query, target->format);
    if (auto* error = std::get_if<Response>(&jurisdiction)) return *error;
    auto category = complaints::ParseCategory(target->name, "service_code");
    if (!category.ok()) return Error(404, target->format, "service_code " + target->name + " not found");
    return Render(200, target->format, "service_definition", DefinitionJson(complaints::InfoOf(*category)));
  });

  router.Add("GET", "/open311/v2/requests/{file}", Access::kPublic, [limits](Call& call) -> Result<Response> {
    const auto target = SplitTarget(call.Param("file"));
    if (!target) return Error(404, Format::kJson, "unknown resource; use .json or .xml");
    if (auto refused = RefuseOverLimit(limits->reads, call.request)) {
      return Error(429, target->format, "too many requests from this address; try again later");
    }
    auto jurisdiction = JurisdictionOf(call, call.request.query, target->format);
    if (auto* error = std::get_if<Response>(&jurisdiction)) return *error;
    const orgs::Org org = std::get<orgs::Org>(jurisdiction);
    const std::string tracking = complaints::NormalizeTracking(target->name);
    json out;
    Status read = call.transactor.Read(complaints::PublicReaderScope(org), call.info, [&](UnitOfWork& work) -> Status {
      complaints::ComplaintQuery query;
      query.org_id = org.id;
      query.trackings = {tracking};
      query.limit = 1;
      ASSIGN_OR_RETURN(auto page, work.complaints().List(query));
      if (page.items.empty()) return Status::NotFound("service_request_id " + target->name + " not found");
      ASSIGN_OR_RETURN(out, RequestsJson(work, page.items, org));
      return Status::Ok();
    });
    if (!read.ok()) return ErrorOf(read, target->format);
    return Render(200, target->format, "service_requests", out);
  });

  // Every service is realtime: a request's token is its service_request_id, so a client that
  // kept a token can always turn it into the id.
  router.Add("GET", "/open311/v2/tokens/{file}", Access::kPublic, [limits](Call& call) -> Result<Response> {
    const auto target = SplitTarget(call.Param("file"));
    if (!target) return Error(404, Format::kJson, "unknown resource; use .json or .xml");
    if (auto refused = RefuseOverLimit(limits->reads, call.request)) {
      return Error(429, target->format, "too many requests from this address; try again later");
    }
    auto jurisdiction = JurisdictionOf(call, call.request.query, target->format);
    if (auto* error = std::get_if<Response>(&jurisdiction)) return *error;
    const orgs::Org org = std::get<orgs::Org>(jurisdiction);
    const std::string tracking = complaints::NormalizeTracking(target->name);
    bool found = false;
    Status read = call.transactor.Read(complaints::PublicReaderScope(org), call.info, [&](UnitOfWork& work) -> Status {
      complaints::ComplaintQuery query;
      query.org_id = org.id;
      query.trackings = {tracking};
      query.limit = 1;
      ASSIGN_OR_RETURN(auto page, work.complaints().List(query));
      found = !page.items.empty();
      return Status::Ok();
    });
    if (!read.ok()) return ErrorOf(read, target->format);
    if (!found) return Error(404, target->format, "token " + target->name + " not found");
    return Render(200, target->format, "service_requests",
                  json::array({{{"service_request_id", tracking}, {"token", tracking}}}));
  });

  // POST requests: application/x-www-form-urlencoded per the spec.
  router.Add("POST", "/open311/v2/{file}", Access::kPublic, [limits, &accounts](Call& call) -> Result<Response> {
    const auto target = SplitTarget(call.Param("file"));
    if (!target || target->name != "requests") return Error(404, Format::kJson, "unknown resource");
    const Format format = target->format;
    const auto params = ParseQuery(call.request.body);
    auto jurisdiction = JurisdictionOf(call, params, format);
    if (auto* error = std::get_if<Response>(&jurisdiction)) return *error;
    const orgs::Org org = std::get<orgs::Org>(jurisdiction);

    // api_key: an API token of this LAO; without one, only where the LAO allows anonymous posts.
    std::string actor = "open311:anonymous";
    bool anonymous_allowed = true;
    Status keyed = call.transactor.Read(complaints::PublicReaderScope(org), call.info, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto settings, work.complaints().GetSettings(org.id, org.code));
      anonymous_allowed = settings.open311_anonymous_post;
      if (auto key = Param(params, "api_key")) {
        auto auth = accounts.ResolveBearer(work, *key);
        if (!auth.ok() || auth->principal.org_id != org.id) return Status::Forbidden("api_key is not valid here");
        actor = "open311:" + auth->principal.name;
      } else if (!anonymous_allowed) {
        return Status::Forbidden("api_key is required by this jurisdiction");
      }
      return Status::Ok();
    });
    if (!keyed.ok()) return ErrorOf(keyed, format);
    if (auto refused = RefuseOverLimit(limits->posts, call.request)) {
      Response error = Error(429, format, "too many requests from this address; try again later");
      error.headers = refused->headers;
      return error;
    }

    const auto code = Param(params, "service_code");
    if (!code) return Error(400, format, "service_code is required");
    auto category = complaints::ParseCategory(*code, "service_code");
    if (!category.ok()) return Error(404, format, "service_code " + *code + " not found");

    complaints::NewComplaint request;
    request.category = *category;
    request.source = "open311";
    request.description = Param(params, "description").value_or("");
    const auto lat = Param(params, "lat");
    const auto lon = Param(params, "long");
    const auto address = Param(params, "address_string");
    const auto address_id = Param(params, "address_id");
    if (!(lat && lon) && !address && !address_id) {
      return Error(400, format, "a location is required: lat and long, address_string or address_id");
    }
    if (lat && lon) {
      char* end_lat = nullptr;
      char* end_lon = nullptr;
      request.lat = std::strtod(lat->c_str(), &end_lat);
      request.lon = std::strtod(lon->c_str(), &end_lon);
      if (*end_lat != '\0' || *end_lon != '\0') return Error(400, format, "lat and long must be decimal degrees");
    }
    request.address = address.value_or(address_id ? "address_id " + *address_id : "");
    if (auto observed = Param(params, "attribute[observed_datetime]")) {
      auto parsed = ParseIsoTime(*observed, "attribute[observed_datetime]");
      if (!parsed.ok()) return ErrorOf(parsed.status(), format);
      request.observed_at = *parsed;
    }
    std::optional<std::string> name;
    const auto first = Param(params, "first_name");
    const auto last = Param(params, "last_name");
    if (first || last) name = first.value_or("") + (first && last ? " " : "") + last.value_or("");
    request.contact.name = name;
    request.contact.email = Param(params, "email");
    request.contact.phone = Param(params, "phone");
    request.contact.device_id = Param(params, "device_id");
    request.idempotency_key = call.request.Header("idempotency-key");

    std::optional<complaints::Filed> filed;
    Status written =
        call.transactor.Write(complaints::ResidentScope(org, actor), call.info, [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(filed, ComplaintService().File(work, org, request));
          return Status::Ok();
        });
    if (!written.ok()) return ErrorOf(written, format);
    json out = json::array(
        {{{"service_request_id", filed->complaint.tracking},
          {"service_notice", "ติดตามสถานะได้ด้วยเลขที่ " + filed->complaint.tracking + " / follow it with this number"},
          {"account_id", json()}}});
    return Render(filed->replayed ? 200 : 201, format, "service_requests", out);
  });
}

}  // namespace ecotown::http
