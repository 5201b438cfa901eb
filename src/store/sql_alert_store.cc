#include "store/sql_alert_store.h"

#include <nlohmann/json.hpp>
#include <string>

#include "store/sql_rows.h"

namespace ecotown::store {
namespace {

using alerts::Alert;
using alerts::AlertRule;
using alerts::AlertState;
using alerts::Delivery;

constexpr const char* kRuleColumns =
    "SELECT id, org_id, name, kind, scale, threshold, sensor_id, webhooks, emails, line_to, quiet_start, quiet_end, "
    "enabled, created_at, updated_at FROM alert_rules ";

constexpr const char* kAlertColumns =
    "SELECT a.id, a.org_id, a.rule_id, a.rule_name, a.rule_kind, a.sensor_id, COALESCE(s.code, ''), "
    "COALESCE(s.name, ''), a.kind, a.message_th, a.message_en, a.value, a.scale, a.level, a.since, a.at "
    "FROM alerts a LEFT JOIN sensors s ON s.id = a.sensor_id ";

constexpr const char* kDeliveryColumns =
    "SELECT d.id, d.alert_id, d.channel, d.target, d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at, "
    "d.retry_key, d.created_at FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id ";

std::string ListJson(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

std::vector<std::string> ListFromJson(const std::string& text) {
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> items;
  if (!parsed.is_array()) return items;
  for (const auto& item : parsed) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
  return items;
}

AlertRule RuleFromRow(const Row& row) {
  AlertRule rule;
  rule.id = row.Int(0);
  rule.org_id = row.Int(1);
  rule.name = row.Text(2);
  auto kind = alerts::ParseRuleKind(row.Text(3));
  rule.kind = kind.ok() ? *kind : alerts::RuleKind::kPm25Daily;
  if (auto scale = row.OptText(4)) {
    auto parsed = alerts::ParseScale(*scale);
    if (parsed.ok()) rule.scale = *parsed;
  }
  rule.threshold = row.Real(5);
  rule.sensor_id = row.OptInt(6);
  rule.channels.webhooks = ListFromJson(row.Text(7));
  rule.channels.emails = ListFromJson(row.Text(8));
  rule.channels.line_to = ListFromJson(row.Text(9));
  const auto start = row.OptInt(10);
  const auto end = row.OptInt(11);
  if (start && end) rule.quiet_hours = alerts::QuietHours{static_cast<int>(*start), static_cast<int>(*end)};
  rule.enabled = row.Bool(12);
  rule.created_at = row.Int(13);
  rule.updated_at = row.Int(14);
  return rule;
}

AlertState StateFromRow(const Row& row) {
  AlertState state;
  state.rule_id = row.Int(0);
  state.sensor_id = row.Int(1);
  auto phase = alerts::ParsePhase(row.Text(2));
  state.phase = phase.ok() ? *phase : alerts::Phase::kClear;
  state.since = row.Int(3);
  state.cleared_at = row.OptInt(4);
  state.value = row.OptReal(5);
  state.updated_at = row.Int(6);
  return state;
}

Alert AlertFromRow(const Row& row, size_t at = 0) {
  Alert alert;
  alert.id = row.Int(at + 0);
  alert.org_id = row.Int(at + 1);
  alert.rule_id = row.OptInt(at + 2);
  alert.rule_name = row.Text(at + 3);
  auto rule_kind = alerts::ParseRuleKind(row.Text(at + 4));
  alert.rule_kind = rule_kind.ok() ? *rule_kind : alerts::RuleKind::kPm25Daily;
  alert.sensor_id = row.OptInt(at + 5);
  alert.sensor_code = row.Text(at + 6);
  alert.sensor_name = row.Text(at + 7);
  auto kind = alerts::ParseAlertKind(row.Text(at + 8));
  alert.kind = kind.ok() ? *kind : alerts::AlertKind::kFire;
  alert.message_th = row.Text(at + 9);
  alert.message_en = row.Text(at + 10);
  alert.value = row.OptReal(at + 11);
  if (auto scale = row.OptText(at + 12)) {
    auto parsed = alerts::ParseScale(*scale);
    if (parsed.ok()) alert.scale = *parsed;
  }
  if (auto level = row.OptInt(at + 13)) alert.level = static_cast<int>(*level);
  alert.since = row.Int(at + 14);
  alert.at = row.Int(at + 15);
  return alert;
}

Delivery DeliveryFromRow(const Row& row) {
  Delivery delivery;
  delivery.id = row.Int(0);
  delivery.alert_id = row.Int(1);
  auto channel = alerts::ParseChannel(row.Text(2));
  delivery.channel = channel.ok() ? *channel : alerts::Channel::kWebhook;
  delivery.target = row.Text(3);
  auto status = alerts::ParseDeliveryStatus(row.Text(4));
  delivery.status = status.ok() ? *status : alerts::DeliveryStatus::kFailed;
  delivery.attempts = static_cast<int>(row.Int(5));
  delivery.next_attempt_at = row.Int(6);
  delivery.last_error = row.OptText(7);
  delivery.sent_at = row.OptInt(8);
  delivery.retry_key = row.Text(9);
  delivery.created_at = row.Int(10);
  return delivery;
}

std::optional<std::string> ScaleText(const std::optional<core::AqiScale>& scale) {
  if (!scale) return std::nullopt;
  return std::string(alerts::ScaleName(*scale));
}

std::optional<int64_t> QuietStart(const AlertRule& rule) {
  if (!rule.quiet_hours) return std::nullopt;
  return rule.quiet_hours->start_minute;
}

std::optional<int64_t> QuietEnd(const AlertRule& rule) {
  if (!rule.quiet_hours) return std::nullopt;
  return rule.quiet_hours->end_minute;
}

}  // namespace

Result<int64_t> SqlAlertStore::InsertRule(const AlertRule& rule) {
  RETURN_IF_ERROR(scope_.RequireWrite(rule.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO alert_rules (org_id, name, kind, scale, threshold, sensor_id, webhooks, emails, line_to, "
      "quiet_start, quiet_end, enabled, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
      {V(rule.org_id), V(rule.name), V(alerts::RuleKindName(rule.kind)), V(ScaleText(rule.scale)), V(rule.threshold),
       V(rule.sensor_id), V(ListJson(rule.channels.webhooks)), V(ListJson(rule.channels.emails)),
       V(ListJson(rule.channels.line_to)), V(QuietStart(rule)), V(QuietEnd(rule)), V(rule.enabled), V(rule.created_at),
       V(rule.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<AlertRule> SqlAlertStore::GetRule(int64_t id) {
  auto row = conn_.QueryOne(std::string(kRuleColumns) + "WHERE id = $1 AND " + scope_.OrgFilterSql("org_id"), {V(id)},
                            "alert rule");
  if (!row.ok()) return row.status();
  return RuleFromRow(*row);
}

Result<std::vector<AlertRule>> SqlAlertStore::ListRules(bool enabled_only) {
  std::string sql = std::string(kRuleColumns) + "WHERE " + scope_.OrgFilterSql("org_id");
  if (enabled_only) sql += " AND enabled = 1";
  sql += " ORDER BY org_id, name, id";
  auto result = conn_.Query(sql, {});
  if (!result.ok()) return result.status();
  std::vector<AlertRule> rules;
  rules.reserve(result->rows.size());
  for (const auto& row : result->rows) rules.push_back(RuleFromRow(row));
  return rules;
}

Status SqlAlertStore::UpdateRule(const AlertRule& rule) {
  RETURN_IF_ERROR(scope_.RequireWrite(rule.org_id, "alert rule"));
  auto result = conn_.Exec(
      "UPDATE alert_rules SET name = $1, kind = $2, scale = $3, threshold = $4, sensor_id = $5, webhooks = $6, "
      "emails = $7, line_to = $8, quiet_start = $9, quiet_end = $10, enabled = $11, updated_at = $12 "
      "WHERE id = $13 AND org_id = $14",
      {V(rule.name), V(alerts::RuleKindName(rule.kind)), V(ScaleText(rule.scale)), V(rule.threshold), V(rule.sensor_id),
       V(ListJson(rule.channels.webhooks)), V(ListJson(rule.channels.emails)), V(ListJson(rule.channels.line_to)),
       V(QuietStart(rule)), V(QuietEnd(rule)), V(rule.enabled), V(rule.updated_at), V(rule.id), V(rule.org_id)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("alert rule not found");
}

Result<AlertRule> SqlAlertStore::WritableRule(int64_t rule_id) {
  ASSIGN_OR_RETURN(AlertRule rule, GetRule(rule_id));
  RETURN_IF_ERROR(scope_.RequireWrite(rule.org_id, "alert rule"));
  return rule;
}

Status SqlAlertStore::DeleteRule(int64_t id) {
  ASSIGN_OR_RETURN(const AlertRule rule, WritableRule(id));
  // States go with the rule (ON DELETE CASCADE); the history keeps the rule's name.
  auto result = conn_.Exec("DELETE FROM alert_rules WHERE id = $1 AND org_id = $2", {V(id), V(rule.org_id)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("alert rule not found");
}

Result<std::vector<AlertState>> SqlAlertStore::StatesOf(int64_t rule_id) {
  auto result = conn_.Query(
      "SELECT s.rule_id, s.sensor_id, s.state, s.since, s.cleared_at, s.value, s.updated_at FROM alert_states s "
      "JOIN alert_rules r ON r.id = s.rule_id WHERE s.rule_id = $1 AND " +
          scope_.OrgFilterSql("r.org_id") + " ORDER BY s.sensor_id",
      {V(rule_id)});
  if (!result.ok()) return result.status();
  std::vector<AlertState> states;
  states.reserve(result->rows.size());
  for (const auto& row : result->rows) states.push_back(StateFromRow(row));
  return states;
}

Status SqlAlertStore::ClearStates(int64_t rule_id) {
  ASSIGN_OR_RETURN(const AlertRule rule, WritableRule(rule_id));
  auto result = conn_.Exec("DELETE FROM alert_states WHERE rule_id = $1", {V(rule.id)});
  return result.ok() ? Status::Ok() : result.status();
}

Status SqlAlertStore::ReplaceState(int64_t rule_id, int64_t sensor_id, const std::optional<AlertState>& expected,
                                   const std::optional<AlertState>& next) {
  ASSIGN_OR_RETURN(const AlertRule rule, WritableRule(rule_id));
  Result<int64_t> changed = int64_t{0};
  if (!expected && !next) return Status::Ok();
  if (!expected) {
    changed = conn_.Exec(
        "INSERT INTO alert_states (rule_id, sensor_id, state, since, cleared_at, value, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (rule_id, sensor_id) DO NOTHING",
        {V(rule.id), V(sensor_id), V(alerts::PhaseName(next->phase)), V(next->since), V(next->cleared_at),
         V(next->value), V(next->updated_at)});
  } else if (next) {
    changed = conn_.Exec(
        "UPDATE alert_states SET state = $1, since = $2, cleared_at = $3, value = $4, updated_at = $5 "
        "WHERE rule_id = $6 AND sensor_id = $7 AND state = $8 AND since = $9 AND updated_at = $10",
        {V(alerts::PhaseName(next->phase)), V(next->since), V(next->cleared_at), V(next->value), V(next->updated_at),
         V(rule.id), V(sensor_id), V(alerts::PhaseName(expected->phase)), V(expected->since), V(expected->updated_at)});
  } else {
    changed = conn_.Exec(
        "DELETE FROM alert_states WHERE rule_id = $1 AND sensor_id = $2 AND state = $3 AND since = $4 AND "
        "updated_at = $5",
        {V(rule.id), V(sensor_id), V(alerts::PhaseName(expected->phase)), V(expected->since), V(expected->updated_at)});
  }
  if (!changed.ok()) return changed.status();
  if (*changed != 1)
    return Status::Conflict("the alert state of rule " + std::to_string(rule_id) + " changed meanwhile");
  return Status::Ok();
}

Result<int64_t> SqlAlertStore::InsertAlert(const Alert& alert) {
  RETURN_IF_ERROR(scope_.RequireWrite(alert.org_id, "organisation"));
  std::optional<int64_t> level;
  if (alert.level) level = *alert.level;
  auto row = conn_.QueryOne(
      "INSERT INTO alerts (org_id, rule_id, rule_name, rule_kind, sensor_id, kind, message_th, message_en, value, "
      "scale, level, since, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {V(alert.org_id), V(alert.rule_id), V(alert.rule_name), V(alerts::RuleKindName(alert.rule_kind)),
       V(alert.sensor_id), V(alerts::AlertKindName(alert.kind)), V(alert.message_th), V(alert.message_en),
       V(alert.value), V(ScaleText(alert.scale)), V(level), V(alert.since), V(alert.at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<Alert>> SqlAlertStore::ListAlerts(const alerts::AlertQuery& query) {
  std::string sql = std::string(kAlertColumns) + "WHERE " + scope_.OrgFilterSql("a.org_id");
  Params params;
  auto add = [&](const char* condition, Value value) {
    params.push_back(std::move(value));
    sql += " AND ";
    sql += condition;
    sql += " $" + std::to_string(params.size());
  };
  if (query.sensor_id) add("a.sensor_id =", V(*query.sensor_id));
  if (query.rule_id) add("a.rule_id =", V(*query.rule_id));
  if (query.kind) add("a.kind =", V(alerts::AlertKindName(*query.kind)));
  if (query.from) add("a.at >=", V(*query.from));
  if (query.to) add("a.at <", V(*query.to));
  if (query.before_id) add("a.id <", V(*query.before_id));
  params.push_back(V(static_cast<int64_t>(query.limit)));
  sql += " ORDER BY a.id DESC LIMIT $" + std::to_string(params.size());
  auto result = conn_.Query(sql, params);
  if (!result.ok()) return result.status();
  std::vector<Alert> out;
  out.reserve(result->rows.size());
  for (const auto& row : result->rows) out.push_back(AlertFromRow(row));
  return out;
}

Result<int64_t> SqlAlertStore::InsertDelivery(const Delivery& delivery) {
  auto owner = conn_.QueryOne("SELECT org_id FROM alerts WHERE id = $1 AND " + scope_.OrgFilterSql("org_id"),
                              {V(delivery.alert_id)}, "alert");
  if (!owner.ok()) return owner.status();
  RETURN_IF_ERROR(scope_.RequireWrite(owner->Int(0), "alert"));
  auto row = conn_.QueryOne(
      "INSERT INTO alert_deliveries (alert_id, channel, target, status, attempts, next_attempt_at, last_error, "
      "sent_at, retry_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      {V(delivery.alert_id), V(alerts::ChannelName(delivery.channel)), V(delivery.target),
       V(alerts::DeliveryStatusName(delivery.status)), V(delivery.attempts), V(delivery.next_attempt_at),
       V(delivery.last_error), V(delivery.sent_at), V(delivery.retry_key), V(delivery.created_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<Delivery>> SqlAlertStore::DeliveriesOf(const std::vector<int64_t>& alert_ids) {
  std::vector<Delivery> out;
  if (alert_ids.empty()) return out;
  // Only integers are inlined.
  auto result = conn_.Query(std::string(kDeliveryColumns) + "WHERE d.alert_id IN (" + IdList(alert_ids) + ") AND " +
                                scope_.OrgFilterSql("a.org_id") + " ORDER BY d.alert_id, d.id",
                            {});
  if (!result.ok()) return result.status();
  out.reserve(result->rows.size());
  for (const auto& row : result->rows) out.push_back(DeliveryFromRow(row));
  return out;
}

Result<std::vector<alerts::DueDelivery>> SqlAlertStore::ClaimDue(int64_t now, int64_t lease_until, int limit) {
  RETURN_IF_ERROR(scope_.Require(tenancy::Permission::kWrite));
  auto due = conn_.Query(
      "SELECT d.id FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id "
      "WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND " +
          scope_.OrgFilterSql("a.org_id") + " ORDER BY d.next_attempt_at, d.id LIMIT $2",
      {V(now), V(static_cast<int64_t>(limit))});
  if (!due.ok()) return due.status();
  std::vector<int64_t> claimed;
  for (const auto& row : due->rows) {
    // Another dispatcher may have claimed the row since the SELECT: only one UPDATE matches.
    auto updated = conn_.Exec(
        "UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt_at = $1 "
        "WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
        {V(lease_until), V(row.Int(0)), V(now)});
    if (!updated.ok()) return updated.status();
    if (*updated == 1) claimed.push_back(row.Int(0));
  }
  std::vector<alerts::DueDelivery> out;
  if (claimed.empty()) return out;
  auto rows = conn_.Query(
      "SELECT d.id, d.alert_id, d.channel, d.target, d.status, d.attempts, d.next_attempt_at, d.last_error, "
      "d.sent_at, d.retry_key, d.created_at, "
      "a.id, a.org_id, a.rule_id, a.rule_name, a.rule_kind, a.sensor_id, COALESCE(s.code, ''), COALESCE(s.name, ''), "
      "a.kind, a.message_th, a.message_en, a.value, a.scale, a.level, a.since, a.at "
      "FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id LEFT JOIN sensors s ON s.id = a.sensor_id "
      "WHERE d.id IN (" +
          IdList(claimed) + ") ORDER BY d.next_attempt_at, d.id",
      {});
  if (!rows.ok()) return rows.status();
  out.reserve(rows->rows.size());
  for (const auto& row : rows->rows) out.push_back({DeliveryFromRow(row), AlertFromRow(row, 11)});
  return out;
}

Status SqlAlertStore::FinishDelivery(int64_t id, alerts::DeliveryStatus status, int64_t next_attempt_at,
                                     const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) {
  RETURN_IF_ERROR(scope_.Require(tenancy::Permission::kWrite));
  auto result = conn_.Exec(
      "UPDATE alert_deliveries SET status = $1, next_attempt_at = $2, last_error = $3, sent_at = $4 "
      "WHERE id = $5 AND alert_id IN (SELECT id FROM alerts WHERE " +
          scope_.OrgFilterSql("org_id") + ")",
      {V(alerts::DeliveryStatusName(status)), V(next_attempt_at), V(last_error), V(sent_at), V(id)});
  if (!result.ok()) return result.status();
  return *result == 1 ? Status::Ok() : Status::NotFound("delivery not found");
}

}  // namespace ecotown::store
