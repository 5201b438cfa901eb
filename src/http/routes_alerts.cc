// Alerts: an LAO's alert rules (list, create, change, delete, send a test notice) and the alert
// history with the delivery state of each notice. Admins and officers write; every role reads.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/thai_calendar.h"
#include "http/api.h"
#include "http/json_body.h"
#include "modules/alerts/alert_json.h"
#include "modules/alerts/alert_service.h"

namespace ecotown::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxTargetChars = 2048;

// A list of strings under channels.<name>.
Result<std::vector<std::string>> StringList(const json& value, const std::string& field) {
  if (value.is_null()) return std::vector<std::string>{};
  if (!value.is_array()) return Status::Invalid(field + " must be a list of strings", field);
  if (value.size() > alerts::kMaxTargetsPerChannel) {
    return Status::Invalid(field + " may list at most " + std::to_string(alerts::kMaxTargetsPerChannel) + " targets",
                           field);
  }
  std::vector<std::string> items;
  for (const auto& item : value) {
    if (!item.is_string()) return Status::Invalid(field + " must be a list of strings", field);
    std::string text = item.get<std::string>();
    if (text.size() > kMaxTargetChars) return Status::Invalid(field + " has an entry that is too long", field);
    items.push_back(std::move(text));
  }
  return items;
}

// {"webhooks": [...], "emails": [...], "line_to": [...]}; absent lists are empty.
Result<alerts::Channels> ParseChannels(const json& value) {
  if (!value.is_object())
    return Status::Invalid("channels must be an object with webhooks, emails and line_to", "channels");
  alerts::Channels channels;
  for (const auto& [key, item] : value.items()) {
    const std::string field = "channels." + key;
    if (key == "webhooks") {
      ASSIGN_OR_RETURN(channels.webhooks, StringList(item, field));
    } else if (key == "emails") {
      ASSIGN_OR_RETURN(channels.emails, StringList(item, field));
    } else if (key == "line_to") {
      ASSIGN_OR_RETURN(channels.line_to, StringList(item, field));
    } else {
      return Status::Invalid("unknown field " + field, field);
    }
  }
  return channels;
}

// {"start": "HH:MM", "end": "HH:MM"} in Bangkok time.
Result<alerts::QuietHours> ParseQuietHoursObject(const json& value) {
  if (!value.is_object()) return Status::Invalid("quiet_hours must be an object with start and end", "quiet_hours");
  for (const auto& [key, item] : value.items()) {
    if (key != "start" && key != "end")
      return Status::Invalid("unknown field quiet_hours." + key, "quiet_hours." + key);
  }
  const auto text = [&](const char* key) -> Result<std::string> {
    const std::string field = std::string("quiet_hours.") + key;
    if (!value.contains(key) || !value[key].is_string()) return Status::Invalid(field + " must be a time HH:MM", field);
    return value[key].get<std::string>();
  };
  ASSIGN_OR_RETURN(const std::string start, text("start"));
  ASSIGN_OR_RETURN(const std::string end, text("end"));
  return alerts::ParseQuietHours(start, end);
}

// Fields whose explicit null means "remove" in a PATCH (JsonBody reads null as absent).
bool ExplicitNull(const json& raw, const char* field) { return raw.contains(field) && raw[field].is_null(); }

Result<std::optional<int64_t>> OptSensorId(JsonBody& body) {
  ASSIGN_OR_RETURN(auto id, body.OptInt("sensor_id"));
  if (id && *id <= 0) return Status::Invalid("sensor_id must be a sensor's id", "sensor_id");
  return id;
}

// The body of POST /api/v1/alert-rules.
Result<alerts::NewRule> ParseNewRule(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  alerts::NewRule rule;
  ASSIGN_OR_RETURN(rule.org_code, body.OptString("org", 32));
  ASSIGN_OR_RETURN(rule.name, body.String("name", 200));
  ASSIGN_OR_RETURN(const std::string kind, body.String("kind", 32));
  ASSIGN_OR_RETURN(rule.kind, alerts::ParseRuleKind(kind));
  ASSIGN_OR_RETURN(auto scale, body.OptString("scale", 8));
  if (scale) {
    ASSIGN_OR_RETURN(rule.scale, alerts::ParseScale(*scale));
  }
  ASSIGN_OR_RETURN(rule.threshold, body.Number("threshold"));
  ASSIGN_OR_RETURN(rule.sensor_id, OptSensorId(body));
  ASSIGN_OR_RETURN(const json channels, body.Raw("channels"));
  ASSIGN_OR_RETURN(rule.channels, ParseChannels(channels));
  const json raw = json::parse(text, nullptr, false);
  if (raw.contains("quiet_hours") && !raw["quiet_hours"].is_null()) {
    ASSIGN_OR_RETURN(const json quiet, body.Raw("quiet_hours"));
    ASSIGN_OR_RETURN(rule.quiet_hours, ParseQuietHoursObject(quiet));
  } else {
    ASSIGN_OR_RETURN(auto ignored, body.OptString("quiet_hours"));  // marks a null as taken
    (void)ignored;
  }
  ASSIGN_OR_RETURN(auto enabled, body.OptBool("enabled"));
  rule.enabled = enabled.value_or(true);
  RETURN_IF_ERROR(body.Finish());
  return rule;
}

// The body of PATCH /api/v1/alert-rules/{id}: "scale", "sensor_id" and "quiet_hours" may be
// null to remove them.
Result<alerts::RuleChanges> ParseRuleChanges(std::string_view text) {
  ASSIGN_OR_RETURN(auto body, JsonBody::Parse(text));
  const json raw = json::parse(text, nullptr, false);
  alerts::RuleChanges changes;
  ASSIGN_OR_RETURN(changes.name, body.OptString("name", 200));
  ASSIGN_OR_RETURN(auto kind, body.OptString("kind", 32));
  if (kind) {
    ASSIGN_OR_RETURN(changes.kind, alerts::ParseRuleKind(*kind));
  }
  ASSIGN_OR_RETURN(auto scale, body.OptString("scale", 8));
  if (scale) {
    ASSIGN_OR_RETURN(const auto parsed, alerts::ParseScale(*scale));
    changes.scale = std::optional<core::AqiScale>(parsed);
  } else if (ExplicitNull(raw, "scale")) {
    changes.scale = std::optional<core::AqiScale>();
  }
  ASSIGN_OR_RETURN(changes.threshold, body.OptNumber("threshold"));
  ASSIGN_OR_RETURN(auto sensor_id, OptSensorId(body));
  if (sensor_id) {
    changes.sensor_id = sensor_id;
  } else if (ExplicitNull(raw, "sensor_id")) {
    changes.sensor_id = std::optional<int64_t>();
  }
  if (raw.contains("channels")) {
    if (raw["channels"].is_null()) return ParseChannels(raw["channels"]).status();
    ASSIGN_OR_RETURN(const json channels, body.Raw("channels"));
    ASSIGN_OR_RETURN(changes.channels, ParseChannels(channels));
  }
  if (raw.contains("quiet_hours")) {
    if (raw["quiet_hours"].is_null()) {
      changes.quiet_hours = std::optional<alerts::QuietHours>();
      ASSIGN_OR_RETURN(auto ignored, body.OptString("quiet_hours"));
      (void)ignored;
    } else {
      ASSIGN_OR_RETURN(const json quiet, body.Raw("quiet_hours"));
      ASSIGN_OR_RETURN(const auto parsed, ParseQuietHoursObject(quiet));
      changes.quiet_hours = std::optional<alerts::QuietHours>(parsed);
    }
  }
  ASSIGN_OR_RETURN(changes.enabled, body.OptBool("enabled"));
  RETURN_IF_ERROR(body.Finish());
  return changes;
}

// "YYYY-MM-DD" (a Bangkok day: its start, or with end_of_day the start of the next day) or
// Unix seconds.
Result<int64_t> ParseTimeParam(const std::string& text, const std::string& field, bool end_of_day) {
  if (!text.empty() && text.size() <= 12 && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  int year = 0, month = 0, day = 0;
  char extra = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &extra) != 3 ||
      !core::IsValidDate(year, month, day)) {
    return Status::Invalid(field + " must be a date YYYY-MM-DD or Unix seconds", field);
  }
  const int64_t start = core::DaysFromCivil({year, month, day}) * 86400 - core::kBangkokUtcOffsetSeconds;
  return end_of_day ? start + 86400 : start;
}

Result<alerts::AlertQuery> ParseAlertQuery(const Request& request) {
  alerts::AlertQuery query;
  if (auto sensor = request.Query("sensor")) {
    ASSIGN_OR_RETURN(query.sensor_id, ParseIdText(*sensor, "sensor"));
  }
  if (auto rule = request.Query("rule")) {
    ASSIGN_OR_RETURN(query.rule_id, ParseIdText(*rule, "rule"));
  }
  if (auto kind = request.Query("kind"); kind && !kind->empty()) {
    ASSIGN_OR_RETURN(query.kind, alerts::ParseAlertKind(*kind));
  }
  if (auto from = request.Query("from"); from && !from->empty()) {
    ASSIGN_OR_RETURN(query.from, ParseTimeParam(*from, "from", false));
  }
  if (auto to = request.Query("to"); to && !to->empty()) {
    ASSIGN_OR_RETURN(query.to, ParseTimeParam(*to, "to", true));
  }
  if (query.from && query.to && *query.from >= *query.to) {
    return Status::Invalid("from must be before to", "from");
  }
  if (auto before = request.Query("before")) {
    ASSIGN_OR_RETURN(query.before_id, ParseIdText(*before, "before"));
  }
  if (auto limit = request.Query("limit")) {
    if (limit->empty() || limit->size() > 3 || limit->find_first_not_of("0123456789") != std::string::npos) {
      return Status::Invalid("limit must be a whole number from 1 to 500", "limit");
    }
    query.limit = std::stoi(*limit);
  }
  return query;
}

json WithDeliveries(const alerts::AlertWithDeliveries& item) {
  json out = alerts::AlertToJson(item.alert);
  json deliveries = json::array();
  for (const auto& delivery : item.deliveries) deliveries.push_back(alerts::DeliveryToJson(delivery));
  out["deliveries"] = std::move(deliveries);
  return out;
}

}  // namespace

void RegisterAlertRoutes(Router& router) {
  router.Add("GET", "/api/v1/alert-rules", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto rules, alerts::AlertService().ListRules(work));
      for (const auto& rule : rules) items.push_back(alerts::RuleToJson(rule));
      return Status::Ok();
    }));
    return Response::Json(200, json({{"items", items}}).dump());
  });

  router.Add("POST", "/api/v1/alert-rules", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto request, ParseNewRule(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto rule, alerts::AlertService().CreateRule(work, request));
      out = alerts::RuleToJson(rule);
      return Status::Ok();
    }));
    return Response::Json(201, out.dump());
  });

  router.Add("GET", "/api/v1/alert-rules/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "alert rule"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto rule, alerts::AlertService().GetRule(work, id));
      out = alerts::RuleToJson(rule);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("PATCH", "/api/v1/alert-rules/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "alert rule"));
    ASSIGN_OR_RETURN(const auto changes, ParseRuleChanges(call.request.body));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto rule, alerts::AlertService().UpdateRule(work, id, changes));
      out = alerts::RuleToJson(rule);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("DELETE", "/api/v1/alert-rules/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "alert rule"));
    RETURN_IF_ERROR(
        call.Write([&](UnitOfWork& work) -> Status { return alerts::AlertService().DeleteRule(work, id); }));
    return Response::Json(200, json({{"id", id}, {"deleted", true}}).dump());
  });

  // Queues a test notice to every channel target of the rule; the worker sends it within the
  // dispatch interval, and GET /api/v1/alerts shows how each delivery went.
  router.Add("POST", "/api/v1/alert-rules/{id}/test", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "alert rule"));
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto queued, alerts::AlertService().SendTest(work, id));
      out = WithDeliveries(queued);
      return Status::Ok();
    }));
    return Response::Json(202, out.dump());
  });

  router.Add("GET", "/api/v1/alerts", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const auto query, ParseAlertQuery(call.request));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto alerts, alerts::AlertService().ListAlerts(work, query));
      for (const auto& item : alerts) items.push_back(WithDeliveries(item));
      return Status::Ok();
    }));
    json out = {{"items", items}, {"next_before", nullptr}};
    if (!items.empty() && static_cast<int>(items.size()) == query.limit) out["next_before"] = items.back()["id"];
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
