// SqlLineStore: the LINE channel of complaints (connections, conversations, handled webhook
// events, the webhook inbox) on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/complaints/line.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlLineStore final : public complaints::LineStore {
 public:
  SqlLineStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<std::optional<complaints::LineConnection>> GetConnection(int64_t org_id) override;
  Status PutConnection(const complaints::LineConnection& connection) override;
  Result<std::optional<complaints::LineConversation>> GetConversation(int64_t org_id,
                                                                      std::string_view user_id) override;
  Status PutConversation(const complaints::LineConversation& conversation) override;
  Status DeleteConversation(int64_t org_id, std::string_view user_id) override;
  Result<int> DeleteConversationsIdleSince(int64_t org_id, int64_t before) override;
  Result<int> DeleteFailedEventsReceivedBefore(int64_t org_id, int64_t before) override;
  Result<bool> RememberEvent(int64_t org_id, std::string_view event_id, int64_t now) override;
  Result<bool> EventSeen(int64_t org_id, std::string_view event_id) override;
  Result<int> ForgetEventsReceivedBefore(int64_t before, int limit) override;
  Status EnqueueEvent(int64_t org_id, std::string_view event_id, std::string_view user_id, std::string_view payload,
                      int64_t now) override;
  Result<std::vector<complaints::LineInboxItem>> ClaimEvents(int64_t now, int64_t lease_until, int limit) override;
  Result<bool> TakeEvent(int64_t org_id, int64_t id) override;
  Status RecordEventFailure(int64_t org_id, int64_t id, std::string_view error, int64_t retry_at) override;
  Status MarkEventFailed(int64_t org_id, int64_t id, std::string_view error, int64_t now) override;
  Result<std::vector<complaints::LineInboxFailure>> FailedEvents(int64_t org_id, int limit) override;

 private:
  // One failed attempt of an inbox event: retried from `lease_until`, or given up at `failed_at`.
  Status CountFailure(int64_t org_id, int64_t id, std::string_view error, int64_t lease_until,
                      std::optional<int64_t> failed_at);

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
