#include "modules/alerts/alert_service.h"

#include <sodium.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "modules/alerts/alert_json.h"
#include "modules/alerts/evaluator.h"
#include "modules/alerts/messages.h"
#include "modules/alerts/snapshot.h"
#include "modules/audit/recorder.h"
#include "modules/events/event_hub.h"

namespace ecotown::alerts {
namespace {

using tenancy::Permission;

constexpr int kMaxAlertPage = 500;

// A random UUID (version 4), the retry key of one delivery.
std::string NewRetryKey() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) key += '-';
    key += kHex[bytes[i] >> 4];
    key += kHex[bytes[i] & 0x0f];
  }
  return key;
}

// The sensor a rule names must belong to the rule's organisation.
Status RequireSensorOf(UnitOfWork& work, int64_t org_id, const std::optional<int64_t>& sensor_id) {
  if (!sensor_id) return Status::Ok();
  auto sensor = work.sensors().Get(*sensor_id);
  if (!sensor.ok() || sensor->org_id != org_id) {
    if (!sensor.ok() && sensor.status().code() != StatusCode::kNotFound) return sensor.status();
    return Status::Invalid("sensor " + std::to_string(*sensor_id) + " is not a sensor of this organisation",
                           "sensor_id");
  }
  return Status::Ok();
}

// Records a notice and queues it to every channel target of the rule, in the caller's transaction.
Result<AlertWithDeliveries> RaiseNotice(UnitOfWork& work, const AlertRule& rule, Alert alert) {
  ASSIGN_OR_RETURN(alert.id, work.alerts().InsertAlert(alert));
  AlertWithDeliveries out{alert, {}};
  auto queue = [&](Channel channel, const std::vector<std::string>& targets) -> Status {
    for (const auto& target : targets) {
      Delivery delivery;
      delivery.alert_id = alert.id;
      delivery.channel = channel;
      delivery.target = target;
      delivery.next_attempt_at = alert.at;
      delivery.retry_key = NewRetryKey();
      delivery.created_at = alert.at;
      ASSIGN_OR_RETURN(delivery.id, work.alerts().InsertDelivery(delivery));
      out.deliveries.push_back(delivery);
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(queue(Channel::kWebhook, rule.channels.webhooks));
  RETURN_IF_ERROR(queue(Channel::kEmail, rule.channels.emails));
  RETURN_IF_ERROR(queue(Channel::kLine, rule.channels.line_to));
  nlohmann::json payload = {{"entity", "alert"},
                            {"id", alert.id},
                            {"kind", AlertKindName(alert.kind)},
                            {"rule_id", rule.id},
                            {"sensor_id", alert.sensor_id ? nlohmann::json(*alert.sensor_id) : nlohmann::json()}};
  RETURN_IF_ERROR(events::Publish(work, alert.org_id, "alert", payload.dump()));
  return out;
}

bool WatchesChanged(const AlertRule& a, const AlertRule& b) {
  return a.kind != b.kind || a.scale != b.scale || a.threshold != b.threshold || a.sensor_id != b.sensor_id ||
         a.quiet_hours != b.quiet_hours || a.enabled != b.enabled;
}

// The pairs of one rule: its sensor, or every listed sensor of its organisation.
std::vector<const sensors::Sensor*> SensorsOf(const AlertRule& rule, const std::vector<sensors::Sensor>& active) {
  std::vector<const sensors::Sensor*> out;
  for (const auto& sensor : active) {
    if (sensor.org_id != rule.org_id) continue;
    if (rule.sensor_id && sensor.id != *rule.sensor_id) continue;
    out.push_back(&sensor);
  }
  return out;
}

// Writes one decision: the new state (compare-and-set), and the notice with its outbox rows.
Status ApplyDecision(UnitOfWork& work, const AlertRule& rule, const SensorSnapshot& snapshot,
                     const std::optional<AlertState>& previous, const Decision& decision) {
  // A rule edited or disabled since it was read must not act on the old version.
  auto current = work.alerts().GetRule(rule.id);
  if (!current.ok())
    return current.status().code() == StatusCode::kNotFound ? Status::Conflict("rule deleted") : current.status();
  if (current->updated_at != rule.updated_at || !current->enabled) return Status::Conflict("rule changed");
  RETURN_IF_ERROR(work.alerts().ReplaceState(rule.id, snapshot.sensor_id, previous, decision.next));
  if (!decision.notice || !decision.measurement) return Status::Ok();
  const NoticeText text = ComposeNotice(rule, snapshot, *decision.notice, *decision.measurement, decision.notice_since);
  Alert alert;
  alert.org_id = rule.org_id;
  alert.rule_id = rule.id;
  alert.rule_name = rule.name;
  alert.rule_kind = rule.kind;
  alert.sensor_id = snapshot.sensor_id;
  alert.sensor_code = snapshot.code;
  alert.sensor_name = snapshot.name;
  alert.kind = *decision.notice;
  alert.message_th = text.th;
  alert.message_en = text.en;
  alert.value = decision.measurement->value;
  alert.scale = decision.measurement->scale;
  alert.level = decision.measurement->level;
  alert.since = decision.notice_since;
  alert.at = snapshot.at;
  return RaiseNotice(work, rule, alert).status();
}

}  // namespace

Result<AlertRule> AlertService::CreateRule(UnitOfWork& work, const NewRule& request) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  AlertRule rule;
  rule.name = request.name;
  rule.kind = request.kind;
  rule.scale = request.scale;
  rule.threshold = request.threshold;
  rule.sensor_id = request.sensor_id;
  rule.channels = request.channels;
  rule.quiet_hours = request.quiet_hours;
  rule.enabled = request.enabled;
  rule.created_at = rule.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateRule(rule));
  if (request.org_code && *request.org_code != scope.principal().org_code) {
    auto org = work.orgs().FindByCode(*request.org_code);
    if (!org.ok()) return Status::Invalid("unknown organisation " + *request.org_code, "org");
    rule.org_id = org->id;
  } else {
    rule.org_id = scope.principal().org_id;
  }
  RETURN_IF_ERROR(scope.RequireWrite(rule.org_id, "organisation"));
  RETURN_IF_ERROR(RequireSensorOf(work, rule.org_id, rule.sensor_id));
  ASSIGN_OR_RETURN(rule.id, work.alerts().InsertRule(rule));
  RETURN_IF_ERROR(audit::Record(work, "create", "alert_rule", std::to_string(rule.id), rule.org_id, std::nullopt,
                                RuleToJson(rule).dump()));
  return rule;
}

Result<AlertRule> AlertService::GetRule(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.alerts().GetRule(id);
}

Result<std::vector<AlertRule>> AlertService::ListRules(UnitOfWork& work) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.alerts().ListRules(false);
}

Result<AlertRule> AlertService::UpdateRule(UnitOfWork& work, int64_t id, const RuleChanges& changes) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const AlertRule before, work.alerts().GetRule(id));
  RETURN_IF_ERROR(scope.RequireWrite(before.org_id, "alert rule"));
  AlertRule rule = before;
  if (changes.name) rule.name = *changes.name;
  if (changes.kind) rule.kind = *changes.kind;
  if (changes.scale) rule.scale = *changes.scale;
  if (changes.threshold) rule.threshold = *changes.threshold;
  if (changes.sensor_id) rule.sensor_id = *changes.sensor_id;
  if (changes.channels) rule.channels = *changes.channels;
  if (changes.quiet_hours) rule.quiet_hours = *changes.quiet_hours;
  if (changes.enabled) rule.enabled = *changes.enabled;
  // A kind other than aqi_level has no scale: switching away drops it rather than refusing.
  if (changes.kind && rule.kind != RuleKind::kAqiLevel && !changes.scale) rule.scale.reset();
  RETURN_IF_ERROR(ValidateRule(rule));
  RETURN_IF_ERROR(RequireSensorOf(work, rule.org_id, rule.sensor_id));
  rule.updated_at = work.info().now;
  if (rule.updated_at <= before.updated_at) rule.updated_at = before.updated_at + 1;  // a version, not only a time
  RETURN_IF_ERROR(work.alerts().UpdateRule(rule));
  if (WatchesChanged(before, rule)) RETURN_IF_ERROR(work.alerts().ClearStates(rule.id));
  RETURN_IF_ERROR(audit::Record(work, "update", "alert_rule", std::to_string(rule.id), rule.org_id,
                                RuleToJson(before).dump(), RuleToJson(rule).dump()));
  return rule;
}

Status AlertService::DeleteRule(UnitOfWork& work, int64_t id) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const AlertRule rule, work.alerts().GetRule(id));
  RETURN_IF_ERROR(scope.RequireWrite(rule.org_id, "alert rule"));
  RETURN_IF_ERROR(work.alerts().DeleteRule(id));
  return audit::Record(work, "delete", "alert_rule", std::to_string(rule.id), rule.org_id, RuleToJson(rule).dump(),
                       std::nullopt);
}

Result<AlertWithDeliveries> AlertService::SendTest(UnitOfWork& work, int64_t id) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kWrite));
  ASSIGN_OR_RETURN(const AlertRule rule, work.alerts().GetRule(id));
  RETURN_IF_ERROR(scope.RequireWrite(rule.org_id, "alert rule"));
  const int64_t now = work.info().now;
  const NoticeText text = ComposeTestNotice(rule, now);
  Alert alert;
  alert.org_id = rule.org_id;
  alert.rule_id = rule.id;
  alert.rule_name = rule.name;
  alert.rule_kind = rule.kind;
  alert.sensor_id = rule.sensor_id;
  alert.kind = AlertKind::kTest;
  alert.message_th = text.th;
  alert.message_en = text.en;
  alert.since = now;
  alert.at = now;
  if (alert.sensor_id) {
    auto sensor = work.sensors().Get(*alert.sensor_id);
    if (sensor.ok()) {
      alert.sensor_code = sensor->code;
      alert.sensor_name = sensor->name;
    }
  }
  ASSIGN_OR_RETURN(auto raised, RaiseNotice(work, rule, alert));
  RETURN_IF_ERROR(audit::Record(
      work, "test", "alert_rule", std::to_string(rule.id), rule.org_id, std::nullopt,
      nlohmann::json({{"alert_id", raised.alert.id}, {"deliveries", static_cast<int64_t>(raised.deliveries.size())}})
          .dump()));
  return raised;
}

Result<std::vector<AlertWithDeliveries>> AlertService::ListAlerts(UnitOfWork& work, const AlertQuery& query) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (query.limit < 1 || query.limit > kMaxAlertPage) {
    return Status::Invalid("limit must be from 1 to " + std::to_string(kMaxAlertPage), "limit");
  }
  ASSIGN_OR_RETURN(const auto alerts, work.alerts().ListAlerts(query));
  std::vector<int64_t> ids;
  ids.reserve(alerts.size());
  for (const auto& alert : alerts) ids.push_back(alert.id);
  ASSIGN_OR_RETURN(const auto deliveries, work.alerts().DeliveriesOf(ids));
  std::map<int64_t, std::vector<Delivery>> by_alert;
  for (const auto& delivery : deliveries) by_alert[delivery.alert_id].push_back(delivery);
  std::vector<AlertWithDeliveries> out;
  out.reserve(alerts.size());
  for (const auto& alert : alerts) out.push_back({alert, by_alert[alert.id]});
  return out;
}

EvaluationReport EvaluateRules(Transactor& transactor, const ReadingsOf& readings_of, int64_t now) {
  EvaluationReport report;
  const tenancy::Scope system = tenancy::Scope::System("alerts");
  const RequestInfo info{"alerts", "local", now};

  struct Pending {
    const AlertRule* rule;
    const SensorSnapshot* snapshot;
    std::optional<AlertState> previous;
    Decision decision;
  };
  std::vector<AlertRule> rules;
  std::map<int64_t, SensorSnapshot> snapshots;
  std::vector<Pending> changes;

  Status read = transactor.Read(system, info, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(rules, work.alerts().ListRules(true));
    ASSIGN_OR_RETURN(const auto active, work.sensors().List(sensors::SensorStatus::kActive));
    std::map<int64_t, SnapshotNeeds> needs;
    for (const auto& rule : rules) {
      for (const auto* sensor : SensorsOf(rule, active)) needs[sensor->id] = needs[sensor->id] | NeedsOf(rule);
    }
    for (const auto& sensor : active) {
      const auto need = needs.find(sensor.id);
      if (need == needs.end()) continue;
      auto snapshot = BuildSnapshot(readings_of(work), sensor, now, need->second);
      if (!snapshot.ok()) {
        report.errors.push_back("sensor " + sensor.code + ": " + snapshot.status().ToString());
        continue;
      }
      snapshots.emplace(sensor.id, std::move(snapshot).value());
    }
    for (const auto& rule : rules) {
      ASSIGN_OR_RETURN(const auto states, work.alerts().StatesOf(rule.id));
      std::map<int64_t, AlertState> by_sensor;
      for (const auto& state : states) by_sensor[state.sensor_id] = state;
      ++report.rules;
      for (const auto* sensor : SensorsOf(rule, active)) {
        const auto snapshot = snapshots.find(sensor->id);
        if (snapshot == snapshots.end()) continue;
        ++report.pairs;
        std::optional<AlertState> previous;
        if (auto found = by_sensor.find(sensor->id); found != by_sensor.end()) previous = found->second;
        Decision decision = Evaluate(rule, snapshot->second, previous);
        if (decision.changes_state) changes.push_back({&rule, &snapshot->second, previous, std::move(decision)});
      }
    }
    return Status::Ok();
  });
  if (!read.ok()) {
    report.errors.push_back(read.ToString());
    return report;
  }

  for (const auto& change : changes) {
    Status written = transactor.Write(system, info, [&](UnitOfWork& work) -> Status {
      return ApplyDecision(work, *change.rule, *change.snapshot, change.previous, change.decision);
    });
    if (written.code() == StatusCode::kConflict) {
      ++report.conflicts;
      continue;
    }
    if (!written.ok()) {
      report.errors.push_back("rule " + std::to_string(change.rule->id) + ", sensor " + change.snapshot->code + ": " +
                              written.ToString());
      continue;
    }
    switch (change.decision.action) {
      case Action::kFire:
        ++report.fired;
        break;
      case Action::kRecover:
        ++report.recovered;
        break;
      case Action::kHold:
      case Action::kHoldRecovery:
        ++report.held;
        break;
      default:
        ++report.silent;
        break;
    }
  }
  return report;
}

}  // namespace ecotown::alerts
