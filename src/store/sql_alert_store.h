// SqlAlertStore: alert rules, states, history and the delivery outbox on either SQL dialect,
// bound to one Scope. Records belong to the rule's (or alert's) organisation.
#pragma once

#include "modules/alerts/alert.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlAlertStore final : public alerts::AlertStore {
 public:
  SqlAlertStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> InsertRule(const alerts::AlertRule& rule) override;
  Result<alerts::AlertRule> GetRule(int64_t id) override;
  Result<std::vector<alerts::AlertRule>> ListRules(bool enabled_only) override;
  Status UpdateRule(const alerts::AlertRule& rule) override;
  Status DeleteRule(int64_t id) override;

  Result<std::vector<alerts::AlertState>> StatesOf(int64_t rule_id) override;
  Status ClearStates(int64_t rule_id) override;
  Status ReplaceState(int64_t rule_id, int64_t sensor_id, const std::optional<alerts::AlertState>& expected,
                      const std::optional<alerts::AlertState>& next) override;

  Result<int64_t> InsertAlert(const alerts::Alert& alert) override;
  Result<std::vector<alerts::Alert>> ListAlerts(const alerts::AlertQuery& query) override;

  Result<int64_t> InsertDelivery(const alerts::Delivery& delivery) override;
  Result<std::vector<alerts::Delivery>> DeliveriesOf(const std::vector<int64_t>& alert_ids) override;
  Result<std::vector<alerts::DueDelivery>> ClaimDue(int64_t now, int64_t lease_until, int limit) override;
  Status FinishDelivery(int64_t id, alerts::DeliveryStatus status, int64_t next_attempt_at,
                        const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) override;

 private:
  // The rule, which the caller must be allowed to change.
  Result<alerts::AlertRule> WritableRule(int64_t rule_id);

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
