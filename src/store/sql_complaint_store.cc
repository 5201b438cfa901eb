#include "store/sql_complaint_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "store/sql_rows.h"

namespace ecotown::store {
namespace {

using complaints::Complaint;
using complaints::ComplaintStatus;

constexpr const char* kComplaintColumns =
    "SELECT c.id, c.org_id, c.tracking, c.category, c.description, c.lat, c.lon, c.address, c.area_code, "
    "c.area_name_th, c.area_name_en, c.observed_at, c.status, c.reject_reason, c.assignee_user_id, "
    "COALESCE(u.display_name, ''), c.merged_into, COALESCE(m.tracking, ''), c.factory_id, c.inspection_id, "
    "c.contact_name, c.contact_email, c.contact_phone, c.device_id, c.consent_version, c.consent_at, "
    "c.personal_erased_at, c.source, c.idempotency_key, c.deadline_at, c.created_at, c.updated_at, c.resolved_at, "
    "c.closed_at, (SELECT COUNT(*) FROM complaint_photos p WHERE p.complaint_id = c.id), c.line_user_id "
    "FROM complaints c LEFT JOIN users u ON u.id = c.assignee_user_id "
    "LEFT JOIN complaints m ON m.id = c.merged_into ";

constexpr const char* kOpenStatuses = "('received', 'assigned', 'investigating')";

Complaint ComplaintFromRow(const Row& row) {
  Complaint c;
  c.id = row.Int(0);
  c.org_id = row.Int(1);
  c.tracking = row.Text(2);
  auto category = complaints::ParseCategory(row.Text(3));
  c.category = category.ok() ? *category : complaints::Category::kOther;
  c.description = row.Text(4);
  c.lat = row.OptReal(5);
  c.lon = row.OptReal(6);
  c.address = row.Text(7);
  c.area_code = row.OptText(8);
  c.area_name_th = row.Text(9);
  c.area_name_en = row.Text(10);
  c.observed_at = row.Int(11);
  auto status = complaints::ParseStatus(row.Text(12));
  c.status = status.ok() ? *status : ComplaintStatus::kReceived;
  c.reject_reason = row.OptText(13);
  c.assignee_user_id = row.OptInt(14);
  c.assignee_name = row.Text(15);
  c.merged_into = row.OptInt(16);
  c.merged_into_tracking = row.Text(17);
  c.factory_id = row.OptInt(18);
  c.inspection_id = row.OptInt(19);
  c.contact.name = row.OptText(20);
  c.contact.email = row.OptText(21);
  c.contact.phone = row.OptText(22);
  c.contact.device_id = row.OptText(23);
  c.consent_version = row.OptText(24);
  c.consent_at = row.OptInt(25);
  c.personal_erased_at = row.OptInt(26);
  c.source = row.Text(27);
  c.idempotency_key = row.OptText(28);
  c.deadline_at = row.Int(29);
  c.created_at = row.Int(30);
  c.updated_at = row.Int(31);
  c.resolved_at = row.OptInt(32);
  c.closed_at = row.OptInt(33);
  c.photo_count = static_cast<int>(row.Int(34));
  c.contact.line_user_id = row.OptText(35);
  return c;
}

complaints::Notice NoticeFromRow(const Row& row) {
  complaints::Notice n;
  n.id = row.Int(0);
  n.org_id = row.Int(1);
  n.complaint_id = row.Int(2);
  n.to = row.Text(3);
  n.subject = row.Text(4);
  n.body = row.Text(5);
  const std::string status = row.Text(6);
  n.status = status == "sent"     ? complaints::NoticeStatus::kSent
             : status == "failed" ? complaints::NoticeStatus::kFailed
                                  : complaints::NoticeStatus::kPending;
  n.attempts = static_cast<int>(row.Int(7));
  n.next_attempt_at = row.Int(8);
  n.last_error = row.OptText(9);
  n.sent_at = row.OptInt(10);
  n.retry_key = row.Text(11);
  n.created_at = row.Int(12);
  n.channel = row.Text(13) == "line" ? complaints::NoticeChannel::kLine : complaints::NoticeChannel::kEmail;
  return n;
}

constexpr const char* kNoticeColumns =
    "SELECT id, org_id, complaint_id, to_address, subject, body, status, attempts, next_attempt_at, last_error, "
    "sent_at, retry_key, created_at, channel FROM complaint_notices ";

}  // namespace

Result<int64_t> SqlComplaintStore::Insert(const Complaint& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "complaint"));
  // A taken tracking number inserts nothing instead of failing the statement: on PostgreSQL a
  // failed statement aborts the whole transaction, and with it the caller's next draw.
  auto rows = conn_.Query(
      "INSERT INTO complaints (org_id, tracking, category, description, lat, lon, address, area_code, area_name_th, "
      "area_name_en, observed_at, status, contact_name, contact_email, contact_phone, device_id, consent_version, "
      "consent_at, source, idempotency_key, deadline_at, created_at, updated_at, line_user_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
      "$23, $24) ON CONFLICT (tracking) DO NOTHING RETURNING id",
      {V(c.org_id),
       V(c.tracking),
       V(complaints::CategoryCode(c.category)),
       V(c.description),
       V(c.lat),
       V(c.lon),
       V(c.address),
       V(c.area_code),
       V(c.area_name_th),
       V(c.area_name_en),
       V(c.observed_at),
       V(complaints::StatusName(c.status)),
       V(c.contact.name),
       V(c.contact.email),
       V(c.contact.phone),
       V(c.contact.device_id),
       V(c.consent_version),
       V(c.consent_at),
       V(c.source),
       V(c.idempotency_key),
       V(c.deadline_at),
       V(c.created_at),
       V(c.updated_at),
       V(c.contact.line_user_id)});
  if (!rows.ok()) {
    if (rows.status().code() == StatusCode::kConflict &&
        rows.status().message().find("idempotency") != std::string::npos) {
      return Status::Conflict("idempotency_key was used before", "idempotency_key");
    }
    return rows.status();
  }
  if (rows->rows.empty()) return Status::Conflict("tracking number " + c.tracking + " is taken", "tracking");
  return rows->rows.front().Int(0);
}

Result<Complaint> SqlComplaintStore::Get(int64_t id) {
  auto row = conn_.QueryOne(std::string(kComplaintColumns) + "WHERE c.id = $1 AND " + scope_.OrgFilterSql("c.org_id"),
                            {V(id)}, "complaint");
  if (!row.ok()) return row.status();
  return ComplaintFromRow(*row);
}

// Unscoped: the tracking number is the resident's key; callers show only the public view.
Result<Complaint> SqlComplaintStore::FindByTracking(std::string_view tracking) {
  auto row = conn_.QueryOne(std::string(kComplaintColumns) + "WHERE c.tracking = $1", {V(tracking)}, "complaint");
  if (!row.ok()) return row.status();
  return ComplaintFromRow(*row);
}

Result<std::optional<Complaint>> SqlComplaintStore::FindByIdempotencyKey(int64_t org_id, std::string_view key) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "complaint"));
  auto rows = conn_.Query(std::string(kComplaintColumns) + "WHERE c.org_id = $1 AND c.idempotency_key = $2",
                          {V(org_id), V(key)});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return std::optional<Complaint>();
  return std::optional<Complaint>(ComplaintFromRow(rows->rows.front()));
}

Result<complaints::ComplaintPage> SqlComplaintStore::List(const complaints::ComplaintQuery& q) {
  RETURN_IF_ERROR(conn_.PlanForActualValues());  // date windows and status sets decide the index
  Where where;
  where.sql = "WHERE " + scope_.OrgFilterSql("c.org_id");
  if (q.org_id) where.And("c.org_id = " + where.Param(V(*q.org_id)));
  if (!q.statuses.empty()) {
    std::string list;
    for (const auto status : q.statuses) {
      if (!list.empty()) list += ", ";
      list += where.Param(V(complaints::StatusName(status)));
    }
    where.And("c.status IN (" + list + ")");
  }
  if (!q.categories.empty()) {
    std::string list;
    for (const auto category : q.categories) {
      if (!list.empty()) list += ", ";
      list += where.Param(V(complaints::CategoryCode(category)));
    }
    where.And("c.category IN (" + list + ")");
  }
  if (q.overdue) {
    const std::string overdue =
        std::string("(c.status IN ") + kOpenStatuses + " AND c.deadline_at < " + where.Param(V(q.now)) + ")";
    where.And(*q.overdue ? overdue : "NOT " + overdue);
  }
  if (q.from) where.And("c.created_at >= " + where.Param(V(*q.from)));
  if (q.to) where.And("c.created_at < " + where.Param(V(*q.to)));
  if (q.area_code) where.And("c.area_code = " + where.Param(V(*q.area_code)));
  if (q.factory_id) where.And("c.factory_id = " + where.Param(V(*q.factory_id)));
  if (!q.trackings.empty()) {
    std::string list;
    for (const auto& tracking : q.trackings) {
      if (!list.empty()) list += ", ";
      list += where.Param(V(tracking));
    }
    where.And("c.tracking IN (" + list + ")");
  }
  if (!q.ids.empty()) where.And("c.id IN (" + IdList(q.ids) + ")");
  complaints::ComplaintPage page;
  if (q.count_total) {
    auto total = conn_.QueryOne("SELECT COUNT(*) FROM complaints c " + where.sql, where.params);
    if (!total.ok()) return total.status();
    page.total = total->Int(0);
  }
  const std::string order = q.newest_first ? " ORDER BY c.created_at DESC, c.id DESC" : " ORDER BY c.created_at, c.id";
  const std::string limit = where.Param(V(static_cast<int64_t>(q.limit)));
  const std::string offset = where.Param(V(static_cast<int64_t>(q.offset)));
  auto rows = conn_.Query(std::string(kComplaintColumns) + where.sql + order + " LIMIT " + limit + " OFFSET " + offset,
                          where.params);
  if (!rows.ok()) return rows.status();
  page.items.reserve(rows->rows.size());
  for (const auto& row : rows->rows) page.items.push_back(ComplaintFromRow(row));
  return page;
}

Status SqlComplaintStore::Update(const Complaint& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "complaint"));
  auto updated = conn_.Exec(
      "UPDATE complaints SET status = $1, reject_reason = $2, assignee_user_id = $3, merged_into = $4, "
      "factory_id = $5, inspection_id = $6, deadline_at = $7, updated_at = $8, resolved_at = $9, closed_at = $10 "
      "WHERE id = $11 AND org_id = $12",
      {V(complaints::StatusName(c.status)), V(c.reject_reason), V(c.assignee_user_id), V(c.merged_into),
       V(c.factory_id), V(c.inspection_id), V(c.deadline_at), V(c.updated_at), V(c.resolved_at), V(c.closed_at),
       V(c.id), V(c.org_id)});
  if (!updated.ok()) return updated.status();
  return *updated == 1 ? Status::Ok() : Status::NotFound("complaint not found");
}

Result<complaints::Contact> SqlComplaintStore::GetContact(int64_t id) {
  auto row = conn_.QueryOne(
      "SELECT contact_name, contact_email, contact_phone, device_id, line_user_id FROM complaints c "
      "WHERE c.id = $1 AND " +
          scope_.OrgFilterSql("c.org_id"),
      {V(id)}, "complaint");
  if (!row.ok()) return row.status();
  complaints::Contact contact;
  contact.name = row->OptText(0);
  contact.email = row->OptText(1);
  contact.phone = row->OptText(2);
  contact.device_id = row->OptText(3);
  contact.line_user_id = row->OptText(4);
  return contact;
}

Result<std::vector<int64_t>> SqlComplaintStore::ErasePersonalData(int64_t org_id, int64_t filed_before, int64_t now,
                                                                  int limit) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "organisation"));
  auto rows = conn_.Query(
      "SELECT id FROM complaints WHERE org_id = $1 AND created_at < $2 AND personal_erased_at IS NULL AND "
      "(contact_name IS NOT NULL OR contact_email IS NOT NULL OR contact_phone IS NOT NULL OR device_id IS NOT NULL OR "
      "line_user_id IS NOT NULL) "
      "ORDER BY id LIMIT $3",
      {V(org_id), V(filed_before), V(static_cast<int64_t>(limit))});
  if (!rows.ok()) return rows.status();
  std::vector<int64_t> ids;
  for (const auto& row : rows->rows) ids.push_back(row.Int(0));
  if (ids.empty()) return ids;
  const std::string in = IdList(ids);
  auto erased = conn_.Exec(
      "UPDATE complaints SET contact_name = NULL, contact_email = NULL, contact_phone = NULL, device_id = NULL, "
      "line_user_id = NULL, personal_erased_at = $1 WHERE org_id = $2 AND id IN (" +
          in + ")",
      {V(now), V(org_id)});
  if (!erased.ok()) return erased.status();
  // Addresses also sit in the outbox: blank them; what was still pending is no longer sendable.
  auto notices = conn_.Exec(
      "UPDATE complaint_notices SET to_address = '', status = CASE WHEN status = 'pending' THEN 'failed' ELSE status "
      "END, last_error = CASE WHEN status = 'pending' THEN 'personal data erased' ELSE last_error END "
      "WHERE org_id = $1 AND complaint_id IN (" +
          in + ")",
      {V(org_id)});
  if (!notices.ok()) return notices.status();
  return ids;
}

Result<int64_t> SqlComplaintStore::AddEvent(const complaints::ComplaintEvent& e, int64_t org_id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "complaint"));
  std::optional<std::string> status;
  if (e.status) status = complaints::StatusName(*e.status);
  auto row = conn_.QueryOne(
      "INSERT INTO complaint_events (complaint_id, org_id, at, kind, status, text, actor_name) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {V(e.complaint_id), V(org_id), V(e.at), V(complaints::EventKindName(e.kind)), V(status), V(e.text),
       V(e.actor_name)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<complaints::ComplaintEvent>> SqlComplaintStore::EventsOf(int64_t complaint_id) {
  auto rows = conn_.Query(
      "SELECT id, complaint_id, at, kind, status, text, actor_name FROM complaint_events "
      "WHERE complaint_id = $1 AND " +
          scope_.OrgFilterSql("org_id") + " ORDER BY id",
      {V(complaint_id)});
  if (!rows.ok()) return rows.status();
  std::vector<complaints::ComplaintEvent> events;
  for (const auto& row : rows->rows) {
    complaints::ComplaintEvent e;
    e.id = row.Int(0);
    e.complaint_id = row.Int(1);
    e.at = row.Int(2);
    auto kind = complaints::ParseEventKind(row.Text(3));
    e.kind = kind.ok() ? *kind : complaints::EventKind::kInternalNote;
    if (auto status = row.OptText(4)) {
      auto parsed = complaints::ParseStatus(*status);
      if (parsed.ok()) e.status = *parsed;
    }
    e.text = row.Text(5);
    e.actor_name = row.Text(6);
    events.push_back(std::move(e));
  }
  return events;
}

Result<std::map<int64_t, std::string>> SqlComplaintStore::LatestPublicReplies(
    const std::vector<int64_t>& complaint_ids) {
  std::map<int64_t, std::string> replies;
  if (complaint_ids.empty()) return replies;
  // The ids as one parameter (one statement text, whatever the count), each looked up in the
  // index of the public replies alone (migration 25): ~1,000 ids in a few ms.
  const std::string ids =
      conn_.dialect() == Dialect::kPostgres ? "{" + IdList(complaint_ids) + "}" : "[" + IdList(complaint_ids) + "]";
  const char* in_ids = conn_.dialect() == Dialect::kPostgres ? "complaint_id = ANY($1::bigint[])"
                                                             : "complaint_id IN (SELECT value FROM json_each($1))";
  auto rows =
      conn_.Query(std::string("SELECT complaint_id, text FROM complaint_events WHERE kind = 'public_reply' AND ") +
                      in_ids + " AND " + scope_.OrgFilterSql("org_id") + " ORDER BY complaint_id, id",
                  {V(ids)});
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) replies[row.Int(0)] = row.Text(1);  // later rows are newer
  return replies;
}

Result<int64_t> SqlComplaintStore::AddPhoto(const complaints::Photo& p, int64_t org_id) {
  RETURN_IF_ERROR(scope_.RequireWrite(org_id, "complaint"));
  auto row = conn_.QueryOne(
      "INSERT INTO complaint_photos (complaint_id, org_id, content_type, bytes, sha256, size, uploaded_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {V(p.complaint_id), V(org_id), V(p.content_type), B(p.bytes), V(p.sha256), V(p.size), V(p.uploaded_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<complaints::Photo>> SqlComplaintStore::PhotosOf(int64_t complaint_id) {
  auto rows = conn_.Query(
      "SELECT id, complaint_id, content_type, sha256, size, uploaded_at FROM complaint_photos "
      "WHERE complaint_id = $1 AND " +
          scope_.OrgFilterSql("org_id") + " ORDER BY id",
      {V(complaint_id)});
  if (!rows.ok()) return rows.status();
  std::vector<complaints::Photo> photos;
  for (const auto& row : rows->rows) {
    complaints::Photo p;
    p.id = row.Int(0);
    p.complaint_id = row.Int(1);
    p.content_type = row.Text(2);
    p.sha256 = row.Text(3);
    p.size = row.Int(4);
    p.uploaded_at = row.Int(5);
    photos.push_back(std::move(p));
  }
  return photos;
}

Result<complaints::Photo> SqlComplaintStore::GetPhoto(int64_t complaint_id, int64_t photo_id) {
  auto row = conn_.QueryOne(
      "SELECT id, complaint_id, content_type, sha256, size, uploaded_at, bytes FROM complaint_photos "
      "WHERE complaint_id = $1 AND id = $2 AND " +
          scope_.OrgFilterSql("org_id"),
      {V(complaint_id), V(photo_id)}, "photo");
  if (!row.ok()) return row.status();
  complaints::Photo p;
  p.id = row->Int(0);
  p.complaint_id = row->Int(1);
  p.content_type = row->Text(2);
  p.sha256 = row->Text(3);
  p.size = row->Int(4);
  p.uploaded_at = row->Int(5);
  p.bytes = row->Bytes(6);
  return p;
}

Result<complaints::Settings> SqlComplaintStore::GetSettings(int64_t org_id, std::string_view org_code) {
  complaints::Settings settings = complaints::DefaultSettings(org_id, org_code);
  // Settings are read by the public filing too (deadline, prefix): readable or writable suffices.
  if (!scope_.CanRead(org_id) && !scope_.CanWrite(org_id)) return Status::NotFound("organisation not found");
  auto rows = conn_.Query(
      "SELECT deadline_days, retention_days, open311_anonymous_post, tracking_prefix, updated_at "
      "FROM complaint_settings WHERE org_id = $1",
      {V(org_id)});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return settings;
  const Row& row = rows->rows.front();
  const auto deadlines = nlohmann::json::parse(row.Text(0), nullptr, false);
  if (deadlines.is_object()) {
    for (const auto& info : complaints::AllCategories()) {
      if (deadlines.contains(info.code) && deadlines[info.code].is_number_integer()) {
        settings.deadline_days[info.category] = deadlines[info.code].get<int>();
      }
    }
  }
  settings.retention_days = static_cast<int>(row.Int(1));
  settings.open311_anonymous_post = row.Bool(2);
  settings.tracking_prefix = row.Text(3);
  settings.updated_at = row.Int(4);
  return settings;
}

Status SqlComplaintStore::PutSettings(const complaints::Settings& s) {
  RETURN_IF_ERROR(scope_.RequireWrite(s.org_id, "organisation"));
  nlohmann::json deadlines = nlohmann::json::object();
  for (const auto& [category, days] : s.deadline_days) deadlines[complaints::CategoryCode(category)] = days;
  auto done = conn_.Exec(
      "INSERT INTO complaint_settings (org_id, deadline_days, retention_days, open311_anonymous_post, tracking_prefix, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET "
      "deadline_days = excluded.deadline_days, retention_days = excluded.retention_days, "
      "open311_anonymous_post = excluded.open311_anonymous_post, tracking_prefix = excluded.tracking_prefix, "
      "updated_at = excluded.updated_at",
      {V(s.org_id), V(deadlines.dump()), V(static_cast<int64_t>(s.retention_days)), V(s.open311_anonymous_post),
       V(s.tracking_prefix), V(s.updated_at)});
  return done.status();
}

Result<std::vector<int64_t>> SqlComplaintStore::OrgsWithComplaints() {
  auto rows =
      conn_.Query("SELECT DISTINCT org_id FROM complaints WHERE " + scope_.OrgFilterSql("org_id") + " ORDER BY org_id");
  if (!rows.ok()) return rows.status();
  std::vector<int64_t> ids;
  for (const auto& row : rows->rows) ids.push_back(row.Int(0));
  return ids;
}

Result<std::vector<complaints::StatRow>> SqlComplaintStore::Stats(int64_t org_id, int64_t from, int64_t to) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  // Merged duplicates are not counted twice.
  auto rows = conn_.Query(
      "SELECT category, status, area_name_th, area_name_en, lat, lon, created_at, deadline_at, resolved_at "
      "FROM complaints WHERE org_id = $1 AND created_at >= $2 AND created_at < $3 AND status <> 'merged' "
      "ORDER BY created_at",
      {V(org_id), V(from), V(to)});
  if (!rows.ok()) return rows.status();
  std::vector<complaints::StatRow> out;
  out.reserve(rows->rows.size());
  for (const auto& row : rows->rows) {
    complaints::StatRow s;
    auto category = complaints::ParseCategory(row.Text(0));
    s.category = category.ok() ? *category : complaints::Category::kOther;
    auto status = complaints::ParseStatus(row.Text(1));
    s.status = status.ok() ? *status : ComplaintStatus::kReceived;
    s.area_name_th = row.Text(2);
    s.area_name_en = row.Text(3);
    s.lat = row.OptReal(4);
    s.lon = row.OptReal(5);
    s.created_at = row.Int(6);
    s.deadline_at = row.Int(7);
    s.resolved_at = row.OptInt(8);
    out.push_back(std::move(s));
  }
  return out;
}

Result<int64_t> SqlComplaintStore::ChangeVersion(int64_t org_id) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  auto rows = conn_.Query("SELECT version FROM complaint_changes WHERE org_id = $1", {V(org_id)});
  if (!rows.ok()) return rows.status();
  return rows->rows.empty() ? int64_t{0} : rows->rows.front().Int(0);
}

Result<std::optional<std::vector<int64_t>>> SqlComplaintStore::ChangedSince(int64_t org_id, int64_t after,
                                                                            int max_changes) {
  RETURN_IF_ERROR(scope_.RequireRead(org_id, "organisation"));
  auto rows = conn_.Query(
      "SELECT version, complaint_id FROM complaint_change_log WHERE org_id = $1 AND version > $2 "
      "ORDER BY version LIMIT $3",
      {V(org_id), V(after), V(static_cast<int64_t>(max_changes) + 1)});
  if (!rows.ok()) return rows.status();
  // Every version has at least one logged complaint, so the log reaches back to `after` exactly
  // when it holds `after` + 1; no row at all means it was pruned past it (the caller saw a change).
  if (rows->rows.empty() || rows->rows.front().Int(0) != after + 1 ||
      rows->rows.size() > static_cast<size_t>(max_changes)) {
    return std::optional<std::vector<int64_t>>();
  }
  std::vector<int64_t> ids;
  for (const auto& row : rows->rows) ids.push_back(row.Int(1));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return std::optional<std::vector<int64_t>>(std::move(ids));
}

Result<std::optional<complaints::Bounds>> SqlComplaintStore::ProvinceBounds(std::string_view province_code) {
  auto row = conn_.QueryOne(
      "SELECT COUNT(lat), MIN(lat), MAX(lat), MIN(lon), MAX(lon) FROM subdistricts "
      "WHERE province_code = $1 AND lat IS NOT NULL AND lon IS NOT NULL",
      {V(province_code)});
  if (!row.ok()) return row.status();
  if (row->Int(0) == 0) return std::optional<complaints::Bounds>();
  return std::optional<complaints::Bounds>(complaints::Bounds{row->Real(1), row->Real(2), row->Real(3), row->Real(4)});
}

Result<std::optional<complaints::Area>> SqlComplaintStore::NearestArea(std::string_view province_code, double lat,
                                                                       double lon) {
  auto rows = conn_.Query(
      "SELECT code, name_th, name_en FROM subdistricts WHERE province_code = $1 AND lat IS NOT NULL AND "
      "lon IS NOT NULL ORDER BY (lat - $2) * (lat - $2) + (lon - $3) * (lon - $3), code LIMIT 1",
      {V(province_code), V(lat), V(lon)});
  if (!rows.ok()) return rows.status();
  if (rows->rows.empty()) return std::optional<complaints::Area>();
  const Row& row = rows->rows.front();
  return std::optional<complaints::Area>(complaints::Area{row.Text(0), row.Text(1), row.Text(2)});
}

Result<int64_t> SqlComplaintStore::InsertNotice(const complaints::Notice& n) {
  RETURN_IF_ERROR(scope_.RequireWrite(n.org_id, "complaint"));
  auto row = conn_.QueryOne(
      "INSERT INTO complaint_notices (org_id, complaint_id, to_address, subject, body, status, attempts, "
      "next_attempt_at, retry_key, created_at, channel) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10) "
      "RETURNING id",
      {V(n.org_id), V(n.complaint_id), V(n.to), V(n.subject), V(n.body), V(complaints::NoticeStatusName(n.status)),
       V(n.next_attempt_at), V(n.retry_key), V(n.created_at), V(complaints::NoticeChannelName(n.channel))});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<std::vector<complaints::Notice>> SqlComplaintStore::NoticesOf(int64_t complaint_id) {
  auto rows = conn_.Query(
      std::string(kNoticeColumns) + "WHERE complaint_id = $1 AND " + scope_.OrgFilterSql("org_id") + " ORDER BY id",
      {V(complaint_id)});
  if (!rows.ok()) return rows.status();
  std::vector<complaints::Notice> out;
  for (const auto& row : rows->rows) out.push_back(NoticeFromRow(row));
  return out;
}

Result<std::vector<complaints::Notice>> SqlComplaintStore::ClaimDueNotices(
    int64_t now, int64_t lease_until, int limit, const std::vector<complaints::NoticeChannel>& channels) {
  RETURN_IF_ERROR(scope_.Require(tenancy::Permission::kWrite));
  std::vector<complaints::Notice> out;
  if (channels.empty()) return out;
  Where where;
  where.sql = "WHERE status = 'pending' AND next_attempt_at <= " + where.Param(V(now)) + " AND " +
              scope_.OrgFilterSql("org_id");
  std::string list;
  for (const auto channel : channels) {
    if (!list.empty()) list += ", ";
    list += where.Param(V(complaints::NoticeChannelName(channel)));
  }
  where.And("channel IN (" + list + ")");
  const std::string limit_param = where.Param(V(static_cast<int64_t>(limit)));
  auto due = conn_.Query("SELECT id FROM complaint_notices " + where.sql + " ORDER BY next_attempt_at, id LIMIT " +
                             limit_param,
                         where.params);
  if (!due.ok()) return due.status();
  std::vector<int64_t> claimed;
  for (const auto& row : due->rows) {
    // Another mailer may have claimed the row since the SELECT: only one UPDATE matches.
    auto updated = conn_.Exec(
        "UPDATE complaint_notices SET attempts = attempts + 1, next_attempt_at = $1 "
        "WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
        {V(lease_until), V(row.Int(0)), V(now)});
    if (!updated.ok()) return updated.status();
    if (*updated == 1) claimed.push_back(row.Int(0));
  }
  if (claimed.empty()) return out;
  auto rows = conn_.Query(std::string(kNoticeColumns) + "WHERE id IN (" + IdList(claimed) + ") ORDER BY id", {});
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) out.push_back(NoticeFromRow(row));
  return out;
}

Status SqlComplaintStore::FinishNotice(int64_t id, complaints::NoticeStatus status, int64_t next_attempt_at,
                                       const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) {
  RETURN_IF_ERROR(scope_.Require(tenancy::Permission::kWrite));
  auto done = conn_.Exec(
      "UPDATE complaint_notices SET status = $1, next_attempt_at = $2, last_error = $3, sent_at = $4 WHERE id = $5 "
      "AND " +
          scope_.OrgFilterSql("org_id"),
      {V(complaints::NoticeStatusName(status)), V(next_attempt_at), V(last_error), V(sent_at), V(id)});
  if (!done.ok()) return done.status();
  return *done == 1 ? Status::Ok() : Status::NotFound("notice not found");
}

}  // namespace ecotown::store
