#include "modules/alerts/alert_json.h"

#include "core/thai_calendar.h"

namespace ecotown::alerts {
namespace {

using nlohmann::json;

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json();
}

json TimeOrNull(const std::optional<int64_t>& unix_seconds) {
  return unix_seconds ? json(core::FormatIsoUtc(*unix_seconds)) : json();
}

}  // namespace

json RuleToJson(const AlertRule& rule) {
  json quiet;
  if (rule.quiet_hours) {
    quiet = {{"start", FormatClockTime(rule.quiet_hours->start_minute)},
             {"end", FormatClockTime(rule.quiet_hours->end_minute)}};
  }
  return {
      {"id", rule.id},
      {"org_id", rule.org_id},
      {"name", rule.name},
      {"kind", RuleKindName(rule.kind)},
      {"scale", rule.scale ? json(ScaleName(*rule.scale)) : json()},
      {"threshold", rule.threshold},
      {"sensor_id", OrNull(rule.sensor_id)},
      {"channels",
       {{"webhooks", rule.channels.webhooks}, {"emails", rule.channels.emails}, {"line_to", rule.channels.line_to}}},
      {"quiet_hours", quiet},
      {"enabled", rule.enabled},
      {"created_at", core::FormatIsoUtc(rule.created_at)},
      {"updated_at", core::FormatIsoUtc(rule.updated_at)}};
}

json AlertToJson(const Alert& alert) {
  json sensor;
  if (alert.sensor_id) sensor = {{"id", *alert.sensor_id}, {"code", alert.sensor_code}, {"name", alert.sensor_name}};
  return {{"id", alert.id},
          {"org_id", alert.org_id},
          {"rule_id", OrNull(alert.rule_id)},
          {"rule_name", alert.rule_name},
          {"rule_kind", RuleKindName(alert.rule_kind)},
          {"sensor", sensor},
          {"kind", AlertKindName(alert.kind)},
          {"message", {{"th", alert.message_th}, {"en", alert.message_en}}},
          {"value", OrNull(alert.value)},
          {"scale", alert.scale ? json(ScaleName(*alert.scale)) : json()},
          {"level", OrNull(alert.level)},
          {"since", core::FormatIsoUtc(alert.since)},
          {"at", core::FormatIsoUtc(alert.at)}};
}

json DeliveryToJson(const Delivery& delivery) {
  return {{"id", delivery.id},
          {"channel", ChannelName(delivery.channel)},
          {"target", delivery.target},
          {"status", DeliveryStatusName(delivery.status)},
          {"attempts", delivery.attempts},
          {"next_attempt_at", core::FormatIsoUtc(delivery.next_attempt_at)},
          {"last_error", OrNull(delivery.last_error)},
          {"sent_at", TimeOrNull(delivery.sent_at)}};
}

}  // namespace ecotown::alerts
