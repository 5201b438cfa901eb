// Alerts: an LAO's alert rules, the state of each (rule, sensor) pair, the alert history and the
// delivery outbox, and the store port they need.
//
// A rule watches one sensor or every active sensor of its organisation. The evaluator
// (evaluator.h) turns a rule, a sensor snapshot and the previous state into a decision; a notice
// that must go out becomes an `alerts` history row plus one outbox row per channel target, written
// in the same transaction as the new state, so nothing is lost if the process dies before sending.
// Delivery (src/notify) drains the outbox with retries. docs/operations.md describes the channels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/aqi.h"
#include "core/qa.h"
#include "core/result.h"

namespace ecotown::alerts {

// What a rule watches.
enum class RuleKind {
  kPm25Daily,    // "pm25_24h": 24-hour moving mean of PM2.5 above threshold µg/m³
  kPm25NowCast,  // "pm25_nowcast": NowCast PM2.5 above threshold µg/m³
  kAqiLevel,     // "aqi_level": AQI category level >= threshold (Thai: of the 24-h mean; US: of the NowCast)
  kOffline,      // "offline": no data received for threshold minutes
  kDataQuality,  // "data_quality": at least threshold stuck or implausible readings in the last hour
};
const char* RuleKindName(RuleKind kind);
// Invalid(field "kind") for unknown names.
Result<RuleKind> ParseRuleKind(std::string_view name);

// "th" or "us" (as in /api/v1/aqi/calc); Invalid(field "scale") otherwise.
const char* ScaleName(core::AqiScale scale);
Result<core::AqiScale> ParseScale(std::string_view name);

// QA flags that make data "stuck or implausible" for data_quality rules: everything except
// high humidity (weather), a missing second channel and device clock skew (not the value).
core::QaFlags ImplausibleFlags();

// Quiet hours in Asia/Bangkok local time, [start, end) in minutes after midnight. start > end
// wraps midnight (22:00-06:00). start == end is refused.
struct QuietHours {
  int start_minute = 0;  // 0..1439
  int end_minute = 0;    // 0..1439
  friend bool operator==(const QuietHours&, const QuietHours&) = default;
};
// "HH:MM" (00:00..23:59) -> minutes; Invalid naming field otherwise.
Result<int> ParseClockTime(std::string_view text, std::string_view field);
std::string FormatClockTime(int minute);
// Invalid naming "quiet_hours.start"/"quiet_hours.end" for bad times or an empty period.
Result<QuietHours> ParseQuietHours(std::string_view start, std::string_view end);
bool InQuietHours(const QuietHours& quiet, int64_t unix_seconds);

// Where the notices of a rule go.
struct Channels {
  std::vector<std::string> webhooks;  // http(s) URLs that receive a JSON POST
  std::vector<std::string> emails;    // addresses, sent through the configured SMTP server
  std::vector<std::string> line_to;   // LINE user (U...), group (C...) or room (R...) ids
  bool empty() const { return webhooks.empty() && emails.empty() && line_to.empty(); }
  friend bool operator==(const Channels&, const Channels&) = default;
};
inline constexpr size_t kMaxTargetsPerChannel = 10;

struct AlertRule {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string name;  // 1..200 characters
  RuleKind kind = RuleKind::kPm25Daily;
  std::optional<core::AqiScale> scale;  // aqi_level only
  // pm25_*: µg/m³ in (0, 1000]; aqi_level: level 2..5 (Thai) or 2..6 (US); offline: minutes
  // 5..10080; data_quality: readings 1..1000. Whole numbers except for pm25_*.
  double threshold = 0;
  std::optional<int64_t> sensor_id;  // empty: every active sensor of the organisation
  Channels channels;
  std::optional<QuietHours> quiet_hours;
  bool enabled = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Field validation; each failure is Invalid naming the field ("name", "kind", "scale",
// "threshold", "channels", "channels.webhooks", "channels.emails", "channels.line_to").
Status ValidateRuleName(std::string_view name);
Status ValidateThreshold(RuleKind kind, const std::optional<core::AqiScale>& scale, double threshold);
Status ValidateWebhookUrl(std::string_view url);
Status ValidateEmailAddress(std::string_view address);
Status ValidateLineRecipient(std::string_view id);
Status ValidateChannels(const Channels& channels);
Status ValidateRule(const AlertRule& rule);

// The state of one (rule, sensor) pair. No row means clear.
enum class Phase {
  kClear,
  kPending,          // the condition holds but quiet hours hold the fire notice
  kFiring,           // the fire notice went out; further evaluations that still hold are silent
  kRecoveryPending,  // the condition cleared during quiet hours; the recovery notice is held
};
const char* PhaseName(Phase phase);  // "clear", "pending", "firing", "recovery_pending"
Result<Phase> ParsePhase(std::string_view name);

struct AlertState {
  int64_t rule_id = 0;
  int64_t sensor_id = 0;
  Phase phase = Phase::kClear;
  int64_t since = 0;                  // when the condition started
  std::optional<int64_t> cleared_at;  // recovery_pending: when the condition cleared
  std::optional<double> value;        // the measured value that caused the last transition
  int64_t updated_at = 0;
  friend bool operator==(const AlertState&, const AlertState&) = default;
};

// One entry of the alert history.
enum class AlertKind { kFire, kRecover, kTest };
const char* AlertKindName(AlertKind kind);                // "fire", "recover", "test"
Result<AlertKind> ParseAlertKind(std::string_view name);  // field "kind"

struct Alert {
  int64_t id = 0;
  int64_t org_id = 0;
  std::optional<int64_t> rule_id;  // empty once the rule was deleted
  std::string rule_name;           // as it was when the alert was raised
  RuleKind rule_kind = RuleKind::kPm25Daily;
  std::optional<int64_t> sensor_id;  // empty for a test notice
  std::string sensor_code;           // read back from the sensor (empty when none)
  std::string sensor_name;
  AlertKind kind = AlertKind::kFire;
  std::string message_th;
  std::string message_en;
  std::optional<double> value;          // µg/m³, AQI, minutes or readings, per rule kind
  std::optional<core::AqiScale> scale;  // with level: the AQI category for colouring
  std::optional<int> level;
  int64_t since = 0;  // when the condition began (fire) or cleared (recover)
  int64_t at = 0;     // when the notice was raised
};

enum class Channel { kWebhook, kEmail, kLine };
const char* ChannelName(Channel channel);  // "webhook", "email", "line"
Result<Channel> ParseChannel(std::string_view name);

enum class DeliveryStatus { kPending, kSent, kFailed };
const char* DeliveryStatusName(DeliveryStatus status);  // "pending", "sent", "failed"
Result<DeliveryStatus> ParseDeliveryStatus(std::string_view name);

// One outbox row: one notice to one target.
struct Delivery {
  int64_t id = 0;
  int64_t alert_id = 0;
  Channel channel = Channel::kWebhook;
  std::string target;  // URL, e-mail address or LINE id
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;  // also the lease of a claimed row
  std::optional<std::string> last_error;
  std::optional<int64_t> sent_at;
  std::string retry_key;  // a UUID, stable across retries (LINE X-Line-Retry-Key, webhook header)
  int64_t created_at = 0;
};

// A claimed outbox row with the alert it carries.
struct DueDelivery {
  Delivery delivery;
  Alert alert;
};

struct AlertQuery {
  std::optional<int64_t> sensor_id;
  std::optional<int64_t> rule_id;
  std::optional<AlertKind> kind;
  std::optional<int64_t> from;       // at >= from
  std::optional<int64_t> to;         // at < to
  std::optional<int64_t> before_id;  // page backwards from this id
  int limit = 50;                    // 1..500
};

// Persistence port. Rules, states, alerts and deliveries are private records of the rule's
// organisation: reads outside the scope are NotFound or filtered out, writes are checked.
class AlertStore {
 public:
  virtual ~AlertStore() = default;

  virtual Result<int64_t> InsertRule(const AlertRule& rule) = 0;
  virtual Result<AlertRule> GetRule(int64_t id) = 0;
  // Ordered by organisation, then name, then id.
  virtual Result<std::vector<AlertRule>> ListRules(bool enabled_only) = 0;
  // Writes every field but id, org_id and created_at.
  virtual Status UpdateRule(const AlertRule& rule) = 0;
  // Removes the rule and its states; its history stays (rule_id becomes empty).
  virtual Status DeleteRule(int64_t id) = 0;

  virtual Result<std::vector<AlertState>> StatesOf(int64_t rule_id) = 0;
  virtual Status ClearStates(int64_t rule_id) = 0;
  // Compare-and-set: replaces the stored state of (rule, sensor), which must equal `expected`
  // (nullopt: no row), by `next` (nullopt: delete). Conflict when another writer got there first.
  virtual Status ReplaceState(int64_t rule_id, int64_t sensor_id, const std::optional<AlertState>& expected,
                              const std::optional<AlertState>& next) = 0;

  virtual Result<int64_t> InsertAlert(const Alert& alert) = 0;
  // Newest first.
  virtual Result<std::vector<Alert>> ListAlerts(const AlertQuery& query) = 0;

  virtual Result<int64_t> InsertDelivery(const Delivery& delivery) = 0;
  // The deliveries of the given alerts, by alert then id.
  virtual Result<std::vector<Delivery>> DeliveriesOf(const std::vector<int64_t>& alert_ids) = 0;
  // Claims up to limit pending rows due at now (next_attempt_at <= now): each gets attempts + 1
  // and next_attempt_at = lease_until, so no other dispatcher takes it until the lease ends.
  virtual Result<std::vector<DueDelivery>> ClaimDue(int64_t now, int64_t lease_until, int limit) = 0;
  // Records the outcome of a claimed row.
  virtual Status FinishDelivery(int64_t id, DeliveryStatus status, int64_t next_attempt_at,
                                const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) = 0;
};

}  // namespace ecotown::alerts
