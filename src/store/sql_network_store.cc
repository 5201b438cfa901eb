#include "store/sql_network_store.h"

#include <map>
#include <string>

#include "store/sql_rows.h"

namespace ecotown::store {
namespace {

using network::ActionItem;
using network::Agreement;
using network::Attendee;
using network::Contact;
using network::Meeting;
using network::Partner;

constexpr const char* kPartnerColumns =
    "SELECT p.id, p.org_id, p.kind, p.name_th, p.name_en, p.address, p.phone, p.email, p.website, p.factory_id, "
    "p.notes, p.created_at, p.updated_at, (SELECT COUNT(*) FROM network_contacts c WHERE c.partner_id = p.id), "
    "p.archived_at FROM network_partners p ";

Partner PartnerFromRow(const Row& r) {
  Partner p;
  p.id = r.Int(0);
  p.org_id = r.Int(1);
  auto kind = network::ParseKind(r.Text(2));
  p.kind = kind.ok() ? *kind : network::PartnerKind::kOther;
  p.name_th = r.Text(3);
  p.name_en = r.Text(4);
  p.address = r.Text(5);
  p.phone = r.Text(6);
  p.email = r.Text(7);
  p.website = r.Text(8);
  p.factory_id = r.OptInt(9);
  p.notes = r.Text(10);
  p.created_at = r.Int(11);
  p.updated_at = r.Int(12);
  p.contact_count = static_cast<int>(r.Int(13));
  p.archived_at = r.OptInt(14);
  return p;
}

constexpr const char* kContactColumns =
    "SELECT c.id, c.org_id, c.partner_id, c.name, c.job_title, c.phone, c.email, c.created_at, c.updated_at, "
    "p.name_th FROM network_contacts c JOIN network_partners p ON p.id = c.partner_id ";

Contact ContactFromRow(const Row& r) {
  Contact c;
  c.id = r.Int(0);
  c.org_id = r.Int(1);
  c.partner_id = r.Int(2);
  c.name = r.Text(3);
  c.position = r.Text(4);
  c.phone = r.Text(5);
  c.email = r.Text(6);
  c.created_at = r.Int(7);
  c.updated_at = r.Int(8);
  c.partner_name_th = r.Text(9);
  return c;
}

constexpr const char* kAgreementColumns =
    "SELECT a.id, a.org_id, a.title, a.signed_on, a.starts_on, a.ends_on, a.document_note, a.created_at, "
    "a.updated_at FROM network_agreements a ";

Agreement AgreementFromRow(const Row& r) {
  Agreement a;
  a.id = r.Int(0);
  a.org_id = r.Int(1);
  a.title = r.Text(2);
  a.signed_on = r.OptText(3);
  a.starts_on = r.Text(4);
  a.ends_on = r.OptText(5);
  a.document_note = r.Text(6);
  a.created_at = r.Int(7);
  a.updated_at = r.Int(8);
  return a;
}

constexpr const char* kMeetingColumns =
    "SELECT m.id, m.org_id, m.title, m.starts_at, m.place, m.agenda, m.minutes, m.created_at, m.updated_at, "
    "(SELECT COUNT(*) FROM network_actions x WHERE x.meeting_id = m.id AND x.status = 'open') "
    "FROM network_meetings m ";

Meeting MeetingFromRow(const Row& r) {
  Meeting m;
  m.id = r.Int(0);
  m.org_id = r.Int(1);
  m.title = r.Text(2);
  m.starts_at = r.Int(3);
  m.place = r.Text(4);
  m.agenda = r.Text(5);
  m.minutes = r.Text(6);
  m.created_at = r.Int(7);
  m.updated_at = r.Int(8);
  m.open_actions = static_cast<int>(r.Int(9));
  return m;
}

constexpr const char* kActionColumns =
    "SELECT a.id, a.org_id, a.meeting_id, a.text, a.owner_partner_id, a.owner_contact_id, a.due_on, a.status, "
    "a.done_on, a.note, a.created_at, a.updated_at, m.title, m.starts_at, COALESCE(p.name_th, ''), "
    "COALESCE(p.name_en, ''), COALESCE(c.name, '') FROM network_actions a "
    "JOIN network_meetings m ON m.id = a.meeting_id LEFT JOIN network_partners p ON p.id = a.owner_partner_id "
    "LEFT JOIN network_contacts c ON c.id = a.owner_contact_id ";

ActionItem ActionFromRow(const Row& r) {
  ActionItem a;
  a.id = r.Int(0);
  a.org_id = r.Int(1);
  a.meeting_id = r.Int(2);
  a.text = r.Text(3);
  a.owner_partner_id = r.OptInt(4);
  a.owner_contact_id = r.OptInt(5);
  a.due_on = r.OptText(6);
  a.status = r.Text(7) == "done" ? network::ActionStatus::kDone : network::ActionStatus::kOpen;
  a.done_on = r.OptText(8);
  a.note = r.Text(9);
  a.created_at = r.Int(10);
  a.updated_at = r.Int(11);
  a.meeting_title = r.Text(12);
  a.meeting_starts_at = r.Int(13);
  a.owner_partner_name_th = r.Text(14);
  a.owner_partner_name_en = r.Text(15);
  a.owner_contact_name = r.Text(16);
  return a;
}

template <typename T, typename FromRow>
Result<T> One(Result<Row> row, FromRow from_row) {
  if (!row.ok()) return row.status();
  return from_row(*row);
}

Status ExpectOne(Result<int64_t> affected, std::string_view what) {
  if (!affected.ok()) return affected.status();
  return *affected == 1 ? Status::Ok() : Status::NotFound(std::string(what) + " not found");
}

}  // namespace

// ---- partners ---------------------------------------------------------------------------------

Result<int64_t> SqlNetworkStore::InsertPartner(const Partner& p) {
  RETURN_IF_ERROR(scope_.RequireWrite(p.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO network_partners (org_id, kind, name_th, name_en, address, phone, email, website, factory_id, "
      "notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
      {V(p.org_id), V(network::KindCode(p.kind)), V(p.name_th), V(p.name_en), V(p.address), V(p.phone), V(p.email),
       V(p.website), V(p.factory_id), V(p.notes), V(p.created_at), V(p.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Partner> SqlNetworkStore::GetPartner(int64_t id) {
  return One<Partner>(conn_.QueryOne(std::string(kPartnerColumns) + "WHERE p.id = $1 AND " +
                                         scope_.OrgFilterSql("p.org_id"),
                                     {V(id)}, "partner organisation"),
                      PartnerFromRow);
}

Result<std::vector<Partner>> SqlNetworkStore::ListPartners(const network::PartnerQuery& q) {
  Where f;
  f.sql = "WHERE " + scope_.OrgFilterSql("p.org_id");
  if (q.org_id) f.sql += " AND p.org_id = " + f.Param(V(*q.org_id));
  f.sql += q.archived ? " AND p.archived_at IS NOT NULL" : " AND p.archived_at IS NULL";
  if (q.kind) f.sql += " AND p.kind = " + f.Param(V(network::KindCode(*q.kind)));
  if (q.text && !q.text->empty()) {
    const std::string pattern = LikeContains(*q.text);
    const std::string a = f.Param(V(pattern));
    const std::string b = f.Param(V(pattern));
    f.sql += " AND (LOWER(p.name_th) LIKE " + a + " ESCAPE '\\' OR LOWER(p.name_en) LIKE " + b + " ESCAPE '\\')";
  }
  return Rows<Partner>(conn_.Query(std::string(kPartnerColumns) + f.sql + " ORDER BY p.name_th, p.id LIMIT 5000",
                                   f.params),
                       PartnerFromRow);
}

Status SqlNetworkStore::UpdatePartner(const Partner& p) {
  RETURN_IF_ERROR(scope_.RequireWrite(p.org_id, "partner organisation"));
  return ExpectOne(conn_.Exec("UPDATE network_partners SET kind = $1, name_th = $2, name_en = $3, address = $4, "
                              "phone = $5, email = $6, website = $7, factory_id = $8, notes = $9, updated_at = $10 "
                              "WHERE id = $11 AND org_id = $12",
                              {V(network::KindCode(p.kind)), V(p.name_th), V(p.name_en), V(p.address), V(p.phone),
                               V(p.email), V(p.website), V(p.factory_id), V(p.notes), V(p.updated_at), V(p.id),
                               V(p.org_id)}),
                   "partner organisation");
}

Result<int64_t> SqlNetworkStore::PartnerReferences(const Partner& p) {
  RETURN_IF_ERROR(scope_.RequireWrite(p.org_id, "partner organisation"));
  auto row = conn_.QueryOne(
      "SELECT (SELECT COUNT(*) FROM network_contacts WHERE partner_id = $1) + "
      "(SELECT COUNT(*) FROM network_agreement_parties WHERE partner_id = $1) + "
      "(SELECT COUNT(*) FROM network_attendees WHERE partner_id = $1) + "
      "(SELECT COUNT(*) FROM network_actions WHERE owner_partner_id = $1)",
      {V(p.id)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Status SqlNetworkStore::DeletePartner(const Partner& p) {
  RETURN_IF_ERROR(scope_.RequireWrite(p.org_id, "partner organisation"));
  return ExpectOne(conn_.Exec("DELETE FROM network_partners WHERE id = $1 AND org_id = $2", {V(p.id), V(p.org_id)}),
                   "partner organisation");
}

Status SqlNetworkStore::SetPartnerArchived(const Partner& p, std::optional<int64_t> archived_at) {
  RETURN_IF_ERROR(scope_.RequireWrite(p.org_id, "partner organisation"));
  return ExpectOne(conn_.Exec("UPDATE network_partners SET archived_at = $1 WHERE id = $2 AND org_id = $3",
                              {V(archived_at), V(p.id), V(p.org_id)}),
                   "partner organisation");
}

// ---- contacts ---------------------------------------------------------------------------------

Result<int64_t> SqlNetworkStore::InsertContact(const Contact& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "partner organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO network_contacts (org_id, partner_id, name, job_title, phone, email, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {V(c.org_id), V(c.partner_id), V(c.name), V(c.position), V(c.phone), V(c.email), V(c.created_at),
       V(c.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<Contact> SqlNetworkStore::GetContact(int64_t id) {
  return One<Contact>(conn_.QueryOne(std::string(kContactColumns) + "WHERE c.id = $1 AND " +
                                         scope_.OrgFilterSql("c.org_id"),
                                     {V(id)}, "contact"),
                      ContactFromRow);
}

Result<std::vector<Contact>> SqlNetworkStore::ListContacts(int64_t org_id, std::optional<int64_t> partner_id) {
  Where f;
  f.sql = "WHERE " + scope_.OrgFilterSql("c.org_id") + " AND c.org_id = " + f.Param(V(org_id));
  if (partner_id) f.sql += " AND c.partner_id = " + f.Param(V(*partner_id));
  return Rows<Contact>(conn_.Query(std::string(kContactColumns) + f.sql + " ORDER BY c.name, c.id LIMIT 5000",
                                   f.params),
                       ContactFromRow);
}

Status SqlNetworkStore::UpdateContact(const Contact& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "contact"));
  return ExpectOne(conn_.Exec("UPDATE network_contacts SET partner_id = $1, name = $2, job_title = $3, phone = $4, "
                              "email = $5, updated_at = $6 WHERE id = $7 AND org_id = $8",
                              {V(c.partner_id), V(c.name), V(c.position), V(c.phone), V(c.email), V(c.updated_at),
                               V(c.id), V(c.org_id)}),
                   "contact");
}

Status SqlNetworkStore::DeleteContact(const Contact& c) {
  RETURN_IF_ERROR(scope_.RequireWrite(c.org_id, "contact"));
  // An attendance always names the contact's organisation too (the service fills it in).
  for (const char* sql : {"UPDATE network_attendees SET contact_id = NULL WHERE contact_id = $1 AND org_id = $2",
                          "UPDATE network_actions SET owner_contact_id = NULL WHERE owner_contact_id = $1 AND org_id = $2"}) {
    RETURN_IF_ERROR(conn_.Exec(sql, {V(c.id), V(c.org_id)}).status());
  }
  return ExpectOne(conn_.Exec("DELETE FROM network_contacts WHERE id = $1 AND org_id = $2", {V(c.id), V(c.org_id)}),
                   "contact");
}

// ---- agreements -------------------------------------------------------------------------------

Status SqlNetworkStore::PutParties(const Agreement& a) {
  auto cleared = conn_.Exec("DELETE FROM network_agreement_parties WHERE agreement_id = $1", {V(a.id)});
  if (!cleared.ok()) return cleared.status();
  for (size_t i = 0; i < a.parties.size(); ++i) {
    auto added = conn_.Exec(
        "INSERT INTO network_agreement_parties (agreement_id, partner_id, org_id, seq) VALUES ($1, $2, $3, $4)",
        {V(a.id), V(a.parties[i].partner_id), V(a.org_id), V(static_cast<int64_t>(i))});
    if (!added.ok()) return added.status();
  }
  return Status::Ok();
}

Status SqlNetworkStore::LoadParties(std::vector<Agreement>& agreements) {
  if (agreements.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::map<int64_t, Agreement*> by_id;
  for (auto& a : agreements) {
    ids.push_back(a.id);
    by_id[a.id] = &a;
  }
  auto rows = conn_.Query(
      "SELECT x.agreement_id, x.partner_id, p.name_th, p.name_en FROM network_agreement_parties x "
      "JOIN network_partners p ON p.id = x.partner_id WHERE x.agreement_id IN (" + IdList(ids) +
      ") ORDER BY x.agreement_id, x.seq");
  if (!rows.ok()) return rows.status();
  for (const auto& r : rows->rows) {
    by_id.at(r.Int(0))->parties.push_back({r.Int(1), r.Text(2), r.Text(3)});
  }
  return Status::Ok();
}

Result<int64_t> SqlNetworkStore::InsertAgreement(const Agreement& a) {
  RETURN_IF_ERROR(scope_.RequireWrite(a.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO network_agreements (org_id, title, signed_on, starts_on, ends_on, document_note, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {V(a.org_id), V(a.title), V(a.signed_on), V(a.starts_on), V(a.ends_on), V(a.document_note), V(a.created_at),
       V(a.updated_at)});
  if (!row.ok()) return row.status();
  Agreement stored = a;
  stored.id = row->Int(0);
  RETURN_IF_ERROR(PutParties(stored));
  return stored.id;
}

Result<Agreement> SqlNetworkStore::GetAgreement(int64_t id) {
  auto row = conn_.QueryOne(std::string(kAgreementColumns) + "WHERE a.id = $1 AND " + scope_.OrgFilterSql("a.org_id"),
                            {V(id)}, "agreement");
  if (!row.ok()) return row.status();
  std::vector<Agreement> one{AgreementFromRow(*row)};
  RETURN_IF_ERROR(LoadParties(one));
  return one.front();
}

Result<std::vector<Agreement>> SqlNetworkStore::ListAgreements(const network::AgreementQuery& q) {
  Where f;
  f.sql = "WHERE " + scope_.OrgFilterSql("a.org_id");
  if (q.org_id) f.sql += " AND a.org_id = " + f.Param(V(*q.org_id));
  if (q.partner_id) {
    f.sql += " AND EXISTS (SELECT 1 FROM network_agreement_parties x WHERE x.agreement_id = a.id AND x.partner_id = " +
             f.Param(V(*q.partner_id)) + ")";
  }
  ASSIGN_OR_RETURN(auto agreements,
                   Rows<Agreement>(conn_.Query(std::string(kAgreementColumns) + f.sql +
                                                   " ORDER BY CASE WHEN a.ends_on IS NULL THEN 1 ELSE 0 END, "
                                                   "a.ends_on, a.id LIMIT 5000",
                                               f.params),
                                   AgreementFromRow));
  RETURN_IF_ERROR(LoadParties(agreements));
  return agreements;
}

Status SqlNetworkStore::UpdateAgreement(const Agreement& a) {
  RETURN_IF_ERROR(scope_.RequireWrite(a.org_id, "agreement"));
  RETURN_IF_ERROR(ExpectOne(conn_.Exec("UPDATE network_agreements SET title = $1, signed_on = $2, starts_on = $3, "
                                       "ends_on = $4, document_note = $5, updated_at = $6 WHERE id = $7 AND org_id = $8",
                                       {V(a.title), V(a.signed_on), V(a.starts_on), V(a.ends_on), V(a.document_note),
                                        V(a.updated_at), V(a.id), V(a.org_id)}),
                            "agreement"));
  return PutParties(a);
}

Status SqlNetworkStore::DeleteAgreement(const Agreement& a) {
  RETURN_IF_ERROR(scope_.RequireWrite(a.org_id, "agreement"));
  RETURN_IF_ERROR(conn_.Exec("DELETE FROM network_agreement_parties WHERE agreement_id = $1", {V(a.id)}).status());
  return ExpectOne(conn_.Exec("DELETE FROM network_agreements WHERE id = $1 AND org_id = $2", {V(a.id), V(a.org_id)}),
                   "agreement");
}

// ---- meetings ---------------------------------------------------------------------------------

Status SqlNetworkStore::PutAttendees(const Meeting& m) {
  auto cleared = conn_.Exec("DELETE FROM network_attendees WHERE meeting_id = $1", {V(m.id)});
  if (!cleared.ok()) return cleared.status();
  for (const auto& a : m.attendees) {
    auto added = conn_.Exec(
        "INSERT INTO network_attendees (meeting_id, org_id, partner_id, contact_id, attended) VALUES ($1, $2, $3, $4, "
        "$5)",
        {V(m.id), V(m.org_id), V(a.partner_id), V(a.contact_id), V(a.attended)});
    if (!added.ok()) return added.status();
  }
  return Status::Ok();
}

Result<int64_t> SqlNetworkStore::InsertMeeting(const Meeting& m) {
  RETURN_IF_ERROR(scope_.RequireWrite(m.org_id, "organisation"));
  auto row = conn_.QueryOne(
      "INSERT INTO network_meetings (org_id, title, starts_at, place, agenda, minutes, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {V(m.org_id), V(m.title), V(m.starts_at), V(m.place), V(m.agenda), V(m.minutes), V(m.created_at),
       V(m.updated_at)});
  if (!row.ok()) return row.status();
  Meeting stored = m;
  stored.id = row->Int(0);
  RETURN_IF_ERROR(PutAttendees(stored));
  return stored.id;
}

Result<Meeting> SqlNetworkStore::GetMeeting(int64_t id) {
  auto row = conn_.QueryOne(std::string(kMeetingColumns) + "WHERE m.id = $1 AND " + scope_.OrgFilterSql("m.org_id"),
                            {V(id)}, "meeting");
  if (!row.ok()) return row.status();
  Meeting m = MeetingFromRow(*row);
  auto attendees = conn_.Query(
      "SELECT t.partner_id, t.contact_id, t.attended, COALESCE(p.name_th, ''), COALESCE(p.name_en, ''), "
      "COALESCE(c.name, '') FROM network_attendees t LEFT JOIN network_partners p ON p.id = t.partner_id "
      "LEFT JOIN network_contacts c ON c.id = t.contact_id WHERE t.meeting_id = $1 ORDER BY t.id",
      {V(id)});
  if (!attendees.ok()) return attendees.status();
  for (const auto& r : attendees->rows) {
    Attendee a;
    a.partner_id = r.OptInt(0);
    a.contact_id = r.OptInt(1);
    a.attended = r.Bool(2);
    a.partner_name_th = r.Text(3);
    a.partner_name_en = r.Text(4);
    a.contact_name = r.Text(5);
    m.attendees.push_back(std::move(a));
  }
  ASSIGN_OR_RETURN(m.actions, ListActions({std::nullopt, id, std::nullopt}));
  return m;
}

Result<std::vector<Meeting>> SqlNetworkStore::ListMeetings(const network::MeetingQuery& q) {
  Where f;
  f.sql = "WHERE " + scope_.OrgFilterSql("m.org_id");
  if (q.org_id) f.sql += " AND m.org_id = " + f.Param(V(*q.org_id));
  if (q.partner_id) {
    f.sql += " AND EXISTS (SELECT 1 FROM network_attendees t WHERE t.meeting_id = m.id AND t.partner_id = " +
             f.Param(V(*q.partner_id)) + ")";
  }
  return Rows<Meeting>(conn_.Query(std::string(kMeetingColumns) + f.sql +
                                       " ORDER BY m.starts_at DESC, m.id DESC LIMIT 5000",
                                   f.params),
                       MeetingFromRow);
}

Status SqlNetworkStore::UpdateMeeting(const Meeting& m) {
  RETURN_IF_ERROR(scope_.RequireWrite(m.org_id, "meeting"));
  RETURN_IF_ERROR(ExpectOne(conn_.Exec("UPDATE network_meetings SET title = $1, starts_at = $2, place = $3, "
                                       "agenda = $4, minutes = $5, updated_at = $6 WHERE id = $7 AND org_id = $8",
                                       {V(m.title), V(m.starts_at), V(m.place), V(m.agenda), V(m.minutes),
                                        V(m.updated_at), V(m.id), V(m.org_id)}),
                            "meeting"));
  return PutAttendees(m);
}

Status SqlNetworkStore::DeleteMeeting(const Meeting& m) {
  RETURN_IF_ERROR(scope_.RequireWrite(m.org_id, "meeting"));
  for (const char* sql : {"DELETE FROM network_actions WHERE meeting_id = $1", "DELETE FROM network_attendees WHERE meeting_id = $1"}) {
    RETURN_IF_ERROR(conn_.Exec(sql, {V(m.id)}).status());
  }
  return ExpectOne(conn_.Exec("DELETE FROM network_meetings WHERE id = $1 AND org_id = $2", {V(m.id), V(m.org_id)}),
                   "meeting");
}

// ---- action items -----------------------------------------------------------------------------

Result<int64_t> SqlNetworkStore::InsertAction(const ActionItem& a) {
  RETURN_IF_ERROR(scope_.RequireWrite(a.org_id, "meeting"));
  auto row = conn_.QueryOne(
      "INSERT INTO network_actions (org_id, meeting_id, text, owner_partner_id, owner_contact_id, due_on, status, "
      "done_on, note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
      {V(a.org_id), V(a.meeting_id), V(a.text), V(a.owner_partner_id), V(a.owner_contact_id), V(a.due_on),
       V(network::ActionStatusName(a.status)), V(a.done_on), V(a.note), V(a.created_at), V(a.updated_at)});
  if (!row.ok()) return row.status();
  return row->Int(0);
}

Result<ActionItem> SqlNetworkStore::GetAction(int64_t id) {
  return One<ActionItem>(conn_.QueryOne(std::string(kActionColumns) + "WHERE a.id = $1 AND " +
                                            scope_.OrgFilterSql("a.org_id"),
                                        {V(id)}, "action item"),
                         ActionFromRow);
}

Result<std::vector<ActionItem>> SqlNetworkStore::ListActions(const network::ActionQuery& q) {
  Where f;
  f.sql = "WHERE " + scope_.OrgFilterSql("a.org_id");
  if (q.org_id) f.sql += " AND a.org_id = " + f.Param(V(*q.org_id));
  if (q.meeting_id) f.sql += " AND a.meeting_id = " + f.Param(V(*q.meeting_id));
  if (q.status) f.sql += " AND a.status = " + f.Param(V(network::ActionStatusName(*q.status)));
  return Rows<ActionItem>(conn_.Query(std::string(kActionColumns) + f.sql +
                                          " ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, "
                                          "CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.id LIMIT 1000",
                                      f.params),
                          ActionFromRow);
}

Status SqlNetworkStore::UpdateAction(const ActionItem& a) {
  RETURN_IF_ERROR(scope_.RequireWrite(a.org_id, "action item"));
  return ExpectOne(conn_.Exec("UPDATE network_actions SET text = $1, owner_partner_id = $2, owner_contact_id = $3, "
                              "due_on = $4, status = $5, done_on = $6, note = $7, updated_at = $8 "
                              "WHERE id = $9 AND org_id = $10",
                              {V(a.text), V(a.owner_partner_id), V(a.owner_contact_id), V(a.due_on),
                               V(network::ActionStatusName(a.status)), V(a.done_on), V(a.note), V(a.updated_at),
                               V(a.id), V(a.org_id)}),
                   "action item");
}

Status SqlNetworkStore::DeleteAction(const ActionItem& a) {
  RETURN_IF_ERROR(scope_.RequireWrite(a.org_id, "action item"));
  return ExpectOne(conn_.Exec("DELETE FROM network_actions WHERE id = $1 AND org_id = $2", {V(a.id), V(a.org_id)}),
                   "action item");
}

}  // namespace ecotown::store
