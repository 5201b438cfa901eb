// AlertService: the use cases of alert rules and the alert history, and the evaluation cycle
// that the background worker runs. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "modules/alerts/alert.h"
#include "modules/readings/reading_store.h"
#include "modules/unit_of_work.h"

namespace ecotown::alerts {

struct NewRule {
  std::optional<std::string> org_code;  // default: the caller's organisation
  std::string name;
  RuleKind kind = RuleKind::kPm25Daily;
  std::optional<core::AqiScale> scale;
  double threshold = 0;
  std::optional<int64_t> sensor_id;
  Channels channels;
  std::optional<QuietHours> quiet_hours;
  bool enabled = true;
};

// A partial update; absent fields stay as they are. For the doubly optional fields the outer
// level says "change", the inner empty value means "remove".
struct RuleChanges {
  std::optional<std::string> name;
  std::optional<RuleKind> kind;
  std::optional<std::optional<core::AqiScale>> scale;
  std::optional<double> threshold;
  std::optional<std::optional<int64_t>> sensor_id;
  std::optional<Channels> channels;
  std::optional<std::optional<QuietHours>> quiet_hours;
  std::optional<bool> enabled;
};

struct AlertWithDeliveries {
  Alert alert;
  std::vector<Delivery> deliveries;
};

// What one evaluation cycle did.
struct EvaluationReport {
  int rules = 0;                    // enabled rules evaluated
  int pairs = 0;                    // (rule, sensor) pairs evaluated
  int fired = 0;                    // fire notices raised
  int recovered = 0;                // recovery notices raised
  int held = 0;                     // notices held by quiet hours
  int silent = 0;                   // other state changes without a notice (cancel, resume, maintenance reset)
  int conflicts = 0;                // pairs another instance (or a rule edit) changed first: skipped this time
  std::vector<std::string> errors;  // per sensor or per pair; the cycle goes on past them
};

// Which readings store a unit of work reads (UnitOfWork::readings() in the running service).
using ReadingsOf = std::function<readings::ReadingStore&(UnitOfWork&)>;

class AlertService {
 public:
  // Needs kWrite and write access to the organisation. Invalid naming the field for bad input
  // ("sensor_id" when the sensor is not one of the organisation's).
  Result<AlertRule> CreateRule(UnitOfWork& work, const NewRule& request) const;
  Result<AlertRule> GetRule(UnitOfWork& work, int64_t id) const;
  Result<std::vector<AlertRule>> ListRules(UnitOfWork& work) const;
  // Needs kWrite. A change to what the rule watches (kind, scale, threshold, sensor, quiet hours,
  // enabled) forgets its current states: the rule starts afresh without a recovery notice.
  Result<AlertRule> UpdateRule(UnitOfWork& work, int64_t id, const RuleChanges& changes) const;
  // Needs kWrite. The history of the rule stays.
  Status DeleteRule(UnitOfWork& work, int64_t id) const;
  // Needs kWrite. Records a "test" alert and queues a notice to every channel target of the rule.
  Result<AlertWithDeliveries> SendTest(UnitOfWork& work, int64_t id) const;
  // Newest first, with the delivery state of each notice. Invalid naming "limit" out of 1..500.
  Result<std::vector<AlertWithDeliveries>> ListAlerts(UnitOfWork& work, const AlertQuery& query) const;
};

// One evaluation cycle at `now`, as the system: reads every enabled rule and the snapshots of
// the sensors they watch in one read transaction, then writes each change (new state, alert and
// its outbox rows together) in its own short write transaction guarded by compare-and-set, so
// several instances evaluating at once raise each notice once.
EvaluationReport EvaluateRules(Transactor& transactor, const ReadingsOf& readings_of, int64_t now);

}  // namespace ecotown::alerts
