#include "store/sql_line_store.h"

#include <algorithm>

namespace ecotown::store {

using complaints::LineConnection;
using complaints::LineConversation;

// The webhook reads the connection under the LAO's resident scope (write access, no read), the
// administrator under its own: either suffices.
Result<std::optional<LineConnection>> SqlLineStore::GetConnection(int64_t org_id) {
  if (!scope_.CanRead(org_id) && !scope_.CanWrite(org_id)) return Status::NotFound("organisation not found");
  auto rows = conn_.Query(
      "SELECT org_id, channel_id, channel_secret, access_token, enabled, updated_at FROM line_connections "
      "WHERE org_id = $1",
      {V(org_id)});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return std::optional<LineConnection>();
  const Row& row = rows->rows.front();
  LineConnection c;
  c.org_id = row.Int(0);
  c.channel_id = row.Text(1);
  c.channel_secret = row.Text(2);
  c.access_token = row.Text(3);
  c.enabled = row.Bool(4);
  c.updated_at = row.Int(5);
  return std::optional<LineConnection>(std::move(c));
}

Status SqlLineStore::PutConnection(const LineConnection& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "organisation"));
  return conn_
      .Exec(
          "INSERT INTO line_connections (org_id, channel_id, channel_secret, access_token, enabled, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET channel_id = excluded.channel_id, "
          "channel_secret = excluded.channel_secret, access_token = excluded.access_token, "
          "enabled = excluded.enabled, updated_at = excluded.updated_at",
          {V(c.org_id), V(c.channel_id), V(c.channel_secret), V(c.access_token), V(c.enabled), V(c.updated_at)})
      .status();
}

Result<std::optional<LineConversation>> SqlLineStore::GetConversation(int64_t org_id, std::string_view user_id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto rows = conn_.Query(
      "SELECT step, category, photo, lat, lon, address, updated_at FROM line_conversations "
      "WHERE org_id = $1 AND user_id = $2",
      {V(org_id), V(user_id)});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return std::optional<LineConversation>();
  const Row& row = rows->rows.front();
  LineConversation c;
  c.org_id = org_id;
  c.user_id = std::string(user_id);
  auto step = complaints::ParseLineStep(row.Text(0));
  c.step = step.ok() ? *step : complaints::LineStep::kCategory;
  if (auto code = row.OptText(1)) {
    auto category = complaints::ParseCategory(*code);
    if (category.ok()) c.category = *category;
  }
  if (!row.IsNull(2)) c.photo = row.Bytes(2);
  c.lat = row.OptReal(3);
  c.lon = row.OptReal(4);
  c.address = row.Text(5);
  c.updated_at = row.Int(6);
  return std::optional<LineConversation>(std::move(c));
}

Status SqlLineStore::PutConversation(const LineConversation& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "organisation"));
  std::optional<std::string> category;
  if (c.category) category = complaints::CategoryCode(*c.category);
  return conn_
      .Exec(
          "INSERT INTO line_conversations (org_id, user_id, step, category, photo, lat, lon, address, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id, user_id) DO UPDATE SET "
          "step = excluded.step, category = excluded.category, photo = excluded.photo, lat = excluded.lat, "
          "lon = excluded.lon, address = excluded.address, updated_at = excluded.updated_at",
          {V(c.org_id), V(c.user_id), V(complaints::LineStepName(c.step)), V(category), c.photo ? B(*c.photo) : Value(),
           V(c.lat), V(c.lon), V(c.address), V(c.updated_at)})
      .status();
}

Status SqlLineStore::DeleteConversation(int64_t org_id, std::string_view user_id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  return conn_.Exec("DELETE FROM line_conversations WHERE org_id = $1 AND user_id = $2", {V(org_id), V(user_id)})
      .status();
}

Result<int> SqlLineStore::DeleteConversationsIdleSince(int64_t org_id, int64_t before) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto deleted =
      conn_.Exec("DELETE FROM line_conversations WHERE org_id = $1 AND updated_at < $2", {V(org_id), V(before)});
  if (!deleted.ok()) return deleted.status();
  return static_cast<int>(*deleted);
}

Result<int> SqlLineStore::DeleteFailedEventsReceivedBefore(int64_t org_id, int64_t before) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto deleted = conn_.Exec("DELETE FROM line_inbox WHERE org_id = $1 AND failed_at IS NOT NULL AND received_at < $2",
                            {V(org_id), V(before)});
  if (!deleted.ok()) return deleted.status();
  return static_cast<int>(*deleted);
}

Result<bool> SqlLineStore::RememberEvent(int64_t org_id, std::string_view event_id, int64_t now) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto inserted = conn_.Exec(
      "INSERT INTO line_webhook_events (org_id, event_id, received_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (org_id, event_id) DO NOTHING",
      {V(org_id), V(event_id), V(now)});
  if (!inserted.ok()) return inserted.status();
  return *inserted == 1;
}

Result<bool> SqlLineStore::EventSeen(int64_t org_id, std::string_view event_id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto rows =
      conn_.Query("SELECT 1 FROM line_webhook_events WHERE org_id = $1 AND event_id = $2", {V(org_id), V(event_id)});
  if (!rows.ok()) return rows.status();
  return !rows->rows.empty();
}

// In batches by the received_at index: a week of a busy channel is a few hundred thousand rows,
// which must not be one statement holding every LAO's webhook behind it.
// Every organisation's: the background jobs only (System scope).
Result<int> SqlLineStore::ForgetEventsReceivedBefore(int64_t before, int limit) {
  if (!scope_.all_orgs()) return Status::Forbidden("the webhook events are pruned by the system only");
  auto deleted = conn_.Exec(
      "DELETE FROM line_webhook_events WHERE (org_id, event_id) IN (SELECT org_id, event_id FROM line_webhook_events "
      "WHERE received_at < $1 ORDER BY received_at LIMIT $2)",
      {V(before), V(static_cast<int64_t>(limit))});
  if (!deleted.ok()) return deleted.status();
  return static_cast<int>(*deleted);
}

Status SqlLineStore::EnqueueEvent(int64_t org_id, std::string_view event_id, std::string_view user_id,
                                  std::string_view payload, int64_t now) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  return conn_
      .Exec("INSERT INTO line_inbox (org_id, event_id, user_id, payload, received_at) VALUES ($1, $2, $3, $4, $5)",
            {V(org_id), V(event_id), V(user_id), V(payload), V(now)})
      .status();
}

// One statement on both dialects. The lease test is repeated on the updated row: when two
// PostgreSQL workers pick the same event, the second waits for the first's row lock and then
// re-checks that row's new version (READ COMMITTED), finds it leased and leaves it; SQLite runs one
// writer at a time. An event is claimable only while no older event of its user waits, leased or not;
// a failed event (given up) waits for nothing and holds back nothing.
Result<std::vector<complaints::LineInboxItem>> SqlLineStore::ClaimEvents(int64_t now, int64_t lease_until, int limit) {
  if (!scope_.all_orgs()) return Status::Forbidden("the webhook inbox is read by the system only");
  auto rows = conn_.Query(
      "UPDATE line_inbox SET lease_until = $2 WHERE lease_until <= $1 AND failed_at IS NULL AND id IN ("
      "SELECT i.id FROM line_inbox i WHERE i.lease_until <= $1 AND i.failed_at IS NULL AND NOT EXISTS ("
      "SELECT 1 FROM line_inbox o WHERE o.org_id = i.org_id AND o.user_id = i.user_id AND o.id < i.id "
      "AND o.failed_at IS NULL) "
      "ORDER BY i.id LIMIT $3) "
      "RETURNING id, org_id, event_id, user_id, payload, received_at, attempts",
      {V(now), V(lease_until), V(static_cast<int64_t>(limit))});
  if (!rows.ok()) return rows.status();
  std::vector<complaints::LineInboxItem> items;
  items.reserve(rows->rows.size());
  for (const Row& row : rows->rows) {
    items.push_back(
        {row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), row.Int(5), static_cast<int>(row.Int(6))});
  }
  // RETURNING promises no order.
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return items;
}

Result<bool> SqlLineStore::TakeEvent(int64_t org_id, int64_t id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto deleted = conn_.Exec("DELETE FROM line_inbox WHERE id = $1 AND org_id = $2", {V(id), V(org_id)});
  if (!deleted.ok()) return deleted.status();
  return *deleted == 1;
}

Status SqlLineStore::RecordEventFailure(int64_t org_id, int64_t id, std::string_view error, int64_t retry_at) {
  return CountFailure(org_id, id, error, retry_at, std::nullopt);
}

Status SqlLineStore::MarkEventFailed(int64_t org_id, int64_t id, std::string_view error, int64_t now) {
  return CountFailure(org_id, id, error, 0, now);
}

Status SqlLineStore::CountFailure(int64_t org_id, int64_t id, std::string_view error, int64_t lease_until,
                                  std::optional<int64_t> failed_at) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  return conn_
      .Exec(
          "UPDATE line_inbox SET attempts = attempts + 1, last_error = $3, lease_until = $4, failed_at = $5 "
          "WHERE id = $1 AND org_id = $2",
          {V(id), V(org_id), V(error), V(lease_until), V(failed_at)})
      .status();
}

Result<std::vector<complaints::LineInboxFailure>> SqlLineStore::FailedEvents(int64_t org_id, int limit) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  auto rows = conn_.Query(
      "SELECT id, event_id, received_at, failed_at, attempts, last_error FROM line_inbox "
      "WHERE org_id = $1 AND failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT $2",
      {V(org_id), V(static_cast<int64_t>(limit))});
  if (!rows.ok()) return rows.status();
  std::vector<complaints::LineInboxFailure> failures;
  for (const Row& row : rows->rows) {
    failures.push_back({row.Int(0), row.Text(1), row.Int(2), row.Int(3), static_cast<int>(row.Int(4)), row.Text(5)});
  }
  return failures;
}

}  // namespace ecotown::store
