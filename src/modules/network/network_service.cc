#include "modules/network/network_service.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <nlohmann/json.hpp>

#include "modules/audit/recorder.h"
#include "modules/factories/factory.h"

namespace ecotown::network {
namespace {

using nlohmann::json;
using tenancy::Permission;

json Opt(const std::optional<std::string>& v) { return v ? json(*v) : json(); }
json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }

std::string AuditJson(const Partner& p) {
  return json({{"kind", KindCode(p.kind)},
               {"name_th", p.name_th},
               {"name_en", p.name_en},
               {"address", p.address},
               {"phone", p.phone},
               {"email", p.email},
               {"website", p.website},
               {"factory_id", Opt(p.factory_id)},
               {"notes", p.notes}})
      .dump();
}

// Without the person's phone and e-mail: the audit log outlives the contact.
std::string AuditJson(const Contact& c) {
  return json({{"partner_id", c.partner_id}, {"position", c.position}}).dump();
}

std::string AuditJson(const Agreement& a) {
  json parties = json::array();
  for (const auto& p : a.parties) parties.push_back(p.partner_id);
  return json({{"title", a.title},
               {"signed_on", Opt(a.signed_on)},
               {"starts_on", a.starts_on},
               {"ends_on", Opt(a.ends_on)},
               {"document_note", a.document_note},
               {"parties", parties}})
      .dump();
}

std::string AuditJson(const Meeting& m) {
  json attendees = json::array();
  for (const auto& a : m.attendees) {
    attendees.push_back({{"partner_id", Opt(a.partner_id)}, {"contact_id", Opt(a.contact_id)}, {"attended", a.attended}});
  }
  return json({{"title", m.title},
               {"starts_at", m.starts_at},
               {"place", m.place},
               {"agenda_chars", m.agenda.size()},
               {"minutes_chars", m.minutes.size()},
               {"attendees", attendees}})
      .dump();
}

std::string AuditJson(const ActionItem& a) {
  return json({{"meeting_id", a.meeting_id},
               {"text", a.text},
               {"owner_partner_id", Opt(a.owner_partner_id)},
               {"owner_contact_id", Opt(a.owner_contact_id)},
               {"due_on", Opt(a.due_on)},
               {"status", ActionStatusName(a.status)},
               {"done_on", Opt(a.done_on)},
               {"note", a.note}})
      .dump();
}

Status RequireWriter(UnitOfWork& work, int64_t org_id, std::string_view what) {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  return work.scope().RequireWrite(org_id, what);
}

// A partner of this LAO named in a request; Invalid naming the field otherwise. An archived
// partner is refused unless the record being changed named it already (`kept`): old records keep
// their partners, new ones may not pick an archived one.
Result<Partner> PartnerRef(UnitOfWork& work, int64_t org_id, int64_t partner_id, const std::string& field,
                           bool kept = false) {
  auto partner = work.network().GetPartner(partner_id);
  if (!partner.ok() || partner->org_id != org_id) {
    return Status::Invalid("partner organisation " + std::to_string(partner_id) + " not found", field);
  }
  if (partner->archived_at && !kept) {
    return Status::Invalid("partner organisation " + std::to_string(partner_id) +
                               " is archived; restore it before naming it in a new record",
                           field);
  }
  return partner;
}

// A contact of this LAO; like PartnerRef, one of an archived partner only when `kept`.
Result<Contact> ContactRef(UnitOfWork& work, int64_t org_id, int64_t contact_id, const std::string& field,
                           bool kept = false) {
  auto contact = work.network().GetContact(contact_id);
  if (!contact.ok() || contact->org_id != org_id) {
    return Status::Invalid("contact " + std::to_string(contact_id) + " not found", field);
  }
  if (!kept) {
    ASSIGN_OR_RETURN(const Partner partner, work.network().GetPartner(contact->partner_id));
    if (partner.archived_at) {
      return Status::Invalid("contact " + std::to_string(contact_id) + " belongs to archived partner organisation " +
                                 std::to_string(partner.id) + "; restore it before naming the contact in a new record",
                             field);
    }
  }
  return contact;
}

Status CheckPartnerRefs(UnitOfWork& work, Partner& p) {
  RETURN_IF_ERROR(ValidatePartner(p));
  if (p.factory_id) {
    auto factory = work.factories().Get(*p.factory_id);
    if (!factory.ok() || factory->org_id != p.org_id) {
      return Status::Invalid("factory " + std::to_string(*p.factory_id) + " not found in this LAO's registry",
                             "factory_id");
    }
  }
  return Status::Ok();
}

// `before`: the agreement as stored, when changing one (its parties may stay archived).
Status CheckAgreementRefs(UnitOfWork& work, Agreement& a, const Agreement* before = nullptr) {
  RETURN_IF_ERROR(ValidateAgreement(a));
  for (size_t i = 0; i < a.parties.size(); ++i) {
    const int64_t id = a.parties[i].partner_id;
    const bool kept =
        before && std::ranges::any_of(before->parties, [&](const Party& p) { return p.partner_id == id; });
    ASSIGN_OR_RETURN(auto partner, PartnerRef(work, a.org_id, id, "parties[" + std::to_string(i) + "]", kept));
    a.parties[i].name_th = partner.name_th;
    a.parties[i].name_en = partner.name_en;
  }
  return Status::Ok();
}

// `before`: the meeting as stored, when changing one (its attendees may stay archived).
Status CheckMeetingRefs(UnitOfWork& work, Meeting& m, const Meeting* before = nullptr) {
  RETURN_IF_ERROR(ValidateMeeting(m));
  for (size_t i = 0; i < m.attendees.size(); ++i) {
    auto& a = m.attendees[i];
    const std::string field = "attendees[" + std::to_string(i) + "]";
    if (a.contact_id) {
      const bool kept = before && std::ranges::any_of(before->attendees,
                                                      [&](const Attendee& b) { return b.contact_id == a.contact_id; });
      ASSIGN_OR_RETURN(auto contact, ContactRef(work, m.org_id, *a.contact_id, field + ".contact_id", kept));
      // A contact stands for its organisation too.
      if (!a.partner_id) a.partner_id = contact.partner_id;
    }
    if (a.partner_id) {
      const bool kept = before && std::ranges::any_of(before->attendees,
                                                      [&](const Attendee& b) { return b.partner_id == a.partner_id; });
      RETURN_IF_ERROR(PartnerRef(work, m.org_id, *a.partner_id, field + ".partner_id", kept).status());
    }
  }
  return Status::Ok();
}

// `before`: the item as stored, when changing one (its owners may stay archived).
Status CheckActionRefs(UnitOfWork& work, ActionItem& a, const ActionItem* before = nullptr) {
  RETURN_IF_ERROR(ValidateAction(a));
  if (a.owner_partner_id) {
    const bool kept = before && before->owner_partner_id == a.owner_partner_id;
    RETURN_IF_ERROR(PartnerRef(work, a.org_id, *a.owner_partner_id, "owner_partner_id", kept).status());
  }
  if (a.owner_contact_id) {
    const bool kept = before && before->owner_contact_id == a.owner_contact_id;
    RETURN_IF_ERROR(ContactRef(work, a.org_id, *a.owner_contact_id, "owner_contact_id", kept).status());
  }
  return Status::Ok();
}

// Blanks the names of contact people for readers who may not see them.
void HideContacts(const UnitOfWork& work, Meeting& m) {
  if (work.scope().IsStaffOf(m.org_id)) return;
  for (auto& a : m.attendees) a.contact_name.clear();
  for (auto& a : m.actions) a.owner_contact_name.clear();
}

void HideContacts(const UnitOfWork& work, ActionItem& a) {
  if (!work.scope().IsStaffOf(a.org_id)) a.owner_contact_name.clear();
}

}  // namespace

std::string NetworkService::Today(const UnitOfWork& work) { return BangkokDay(work.info().now); }

Result<int64_t> NetworkService::TargetOrg(UnitOfWork& work, const std::optional<std::string>& org_code) const {
  if (!org_code || org_code->empty()) return work.scope().principal().org_id;
  auto org = work.orgs().FindByCode(*org_code);
  if (!org.ok() || !work.scope().CanRead(org->id)) return Status::Invalid("unknown organisation " + *org_code, "org");
  return org->id;
}

// ---- partners ---------------------------------------------------------------------------------

Result<std::vector<Partner>> NetworkService::ListPartners(UnitOfWork& work, const PartnerQuery& query) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (query.org_id) RETURN_IF_ERROR(work.scope().RequireRead(*query.org_id, "organisation"));
  ASSIGN_OR_RETURN(auto partners, work.network().ListPartners(query));
  // Directory order: by kind as AllKinds lists them, then by Thai name (byte order, the same on
  // both backends whatever the database collation).
  const auto rank = [](PartnerKind kind) {
    const auto& kinds = AllKinds();
    for (size_t i = 0; i < kinds.size(); ++i) {
      if (kinds[i].kind == kind) return i;
    }
    return kinds.size();
  };
  std::sort(partners.begin(), partners.end(), [&](const Partner& a, const Partner& b) {
    return std::tuple(rank(a.kind), a.name_th, a.id) < std::tuple(rank(b.kind), b.name_th, b.id);
  });
  return partners;
}

Result<PartnerDetail> NetworkService::GetPartner(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  PartnerDetail detail;
  ASSIGN_OR_RETURN(detail.partner, work.network().GetPartner(id));
  detail.contacts_visible = work.scope().IsStaffOf(detail.partner.org_id);
  if (detail.contacts_visible) {
    ASSIGN_OR_RETURN(detail.contacts, work.network().ListContacts(detail.partner.org_id, id));
  }
  ASSIGN_OR_RETURN(detail.agreements, work.network().ListAgreements({detail.partner.org_id, id}));
  ASSIGN_OR_RETURN(detail.meetings, work.network().ListMeetings({detail.partner.org_id, id}));
  return detail;
}

Result<Partner> NetworkService::AddPartner(UnitOfWork& work, Partner p) const {
  RETURN_IF_ERROR(RequireWriter(work, p.org_id, "organisation"));
  RETURN_IF_ERROR(CheckPartnerRefs(work, p));
  p.created_at = p.updated_at = work.info().now;
  ASSIGN_OR_RETURN(p.id, work.network().InsertPartner(p));
  RETURN_IF_ERROR(audit::Record(work, "create", "network_partner", std::to_string(p.id), p.org_id, std::nullopt,
                                AuditJson(p)));
  return work.network().GetPartner(p.id);
}

Result<Partner> NetworkService::UpdatePartner(UnitOfWork& work, int64_t id, Partner changes) const {
  ASSIGN_OR_RETURN(const Partner before, work.network().GetPartner(id));
  RETURN_IF_ERROR(RequireWriter(work, before.org_id, "partner organisation"));
  changes.id = id;
  changes.org_id = before.org_id;
  changes.created_at = before.created_at;
  changes.updated_at = work.info().now;
  RETURN_IF_ERROR(CheckPartnerRefs(work, changes));
  RETURN_IF_ERROR(work.network().UpdatePartner(changes));
  RETURN_IF_ERROR(audit::Record(work, "update", "network_partner", std::to_string(id), before.org_id, AuditJson(before),
                                AuditJson(changes)));
  return work.network().GetPartner(id);
}

Result<PartnerRemoval> NetworkService::RemovePartner(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(const Partner partner, work.network().GetPartner(id));
  RETURN_IF_ERROR(RequireWriter(work, partner.org_id, "partner organisation"));
  ASSIGN_OR_RETURN(const int64_t named, work.network().PartnerReferences(partner));
  const std::string key = std::to_string(id);
  if (named == 0) {
    RETURN_IF_ERROR(work.network().DeletePartner(partner));
    RETURN_IF_ERROR(
        audit::Record(work, "delete", "network_partner", key, partner.org_id, AuditJson(partner), std::nullopt));
    return PartnerRemoval::kDeleted;
  }
  if (partner.archived_at) {
    return Status::Conflict("partner organisation is archived already; " + std::to_string(named) +
                            " contacts, agreements, meetings or action items still name it");
  }
  RETURN_IF_ERROR(work.network().SetPartnerArchived(partner, work.info().now));
  RETURN_IF_ERROR(audit::Record(work, "archive", "network_partner", key, partner.org_id, AuditJson(partner),
                                json({{"archived", true}, {"named_by", named}}).dump()));
  return PartnerRemoval::kArchived;
}

Result<Partner> NetworkService::RestorePartner(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(const Partner partner, work.network().GetPartner(id));
  RETURN_IF_ERROR(RequireWriter(work, partner.org_id, "partner organisation"));
  if (!partner.archived_at) return Status::Conflict("partner organisation is not archived");
  RETURN_IF_ERROR(work.network().SetPartnerArchived(partner, std::nullopt));
  RETURN_IF_ERROR(audit::Record(work, "restore", "network_partner", std::to_string(id), partner.org_id,
                                json({{"archived", true}}).dump(), json({{"archived", false}}).dump()));
  return work.network().GetPartner(id);
}

// ---- contacts ---------------------------------------------------------------------------------

Result<std::vector<Contact>> NetworkService::ListContacts(UnitOfWork& work, int64_t org_id) const {
  RETURN_IF_ERROR(work.scope().RequireStaffOf(org_id, "organisation"));
  return work.network().ListContacts(org_id, std::nullopt);
}

Result<Contact> NetworkService::AddContact(UnitOfWork& work, int64_t partner_id, Contact c) const {
  ASSIGN_OR_RETURN(const Partner partner, work.network().GetPartner(partner_id));
  RETURN_IF_ERROR(work.scope().RequireStaffOf(partner.org_id, "partner organisation"));
  RETURN_IF_ERROR(RequireWriter(work, partner.org_id, "partner organisation"));
  if (partner.archived_at) {
    return Status::Invalid(
        "partner organisation " + std::to_string(partner.id) + " is archived; restore it before adding contacts",
        "partner_id");
  }
  c.org_id = partner.org_id;
  c.partner_id = partner.id;
  RETURN_IF_ERROR(ValidateContact(c));
  c.created_at = c.updated_at = work.info().now;
  ASSIGN_OR_RETURN(c.id, work.network().InsertContact(c));
  RETURN_IF_ERROR(
      audit::Record(work, "create", "network_contact", std::to_string(c.id), c.org_id, std::nullopt, AuditJson(c)));
  return work.network().GetContact(c.id);
}

Result<Contact> NetworkService::UpdateContact(UnitOfWork& work, int64_t id, Contact changes) const {
  ASSIGN_OR_RETURN(const Contact before, work.network().GetContact(id));
  RETURN_IF_ERROR(work.scope().RequireStaffOf(before.org_id, "contact"));
  RETURN_IF_ERROR(RequireWriter(work, before.org_id, "contact"));
  changes.id = id;
  changes.org_id = before.org_id;
  if (changes.partner_id == 0) changes.partner_id = before.partner_id;
  if (changes.partner_id != before.partner_id) {
    RETURN_IF_ERROR(PartnerRef(work, before.org_id, changes.partner_id, "partner_id").status());
  }
  changes.created_at = before.created_at;
  changes.updated_at = work.info().now;
  RETURN_IF_ERROR(ValidateContact(changes));
  RETURN_IF_ERROR(work.network().UpdateContact(changes));
  RETURN_IF_ERROR(audit::Record(work, "update", "network_contact", std::to_string(id), before.org_id,
                                AuditJson(before), AuditJson(changes)));
  return work.network().GetContact(id);
}

Status NetworkService::DeleteContact(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(const Contact contact, work.network().GetContact(id));
  RETURN_IF_ERROR(work.scope().RequireStaffOf(contact.org_id, "contact"));
  RETURN_IF_ERROR(RequireWriter(work, contact.org_id, "contact"));
  RETURN_IF_ERROR(work.network().DeleteContact(contact));
  return audit::Record(work, "delete", "network_contact", std::to_string(id), contact.org_id, AuditJson(contact),
                       std::nullopt);
}

// ---- agreements -------------------------------------------------------------------------------

Result<std::vector<Agreement>> NetworkService::ListAgreements(UnitOfWork& work, const AgreementQuery& query,
                                                              std::optional<AgreementStatus> status) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (query.org_id) RETURN_IF_ERROR(work.scope().RequireRead(*query.org_id, "organisation"));
  ASSIGN_OR_RETURN(auto agreements, work.network().ListAgreements(query));
  if (status) {
    const std::string today = Today(work);
    std::erase_if(agreements, [&](const Agreement& a) { return StatusOn(a, today) != *status; });
  }
  return agreements;
}

Result<std::vector<Agreement>> NetworkService::ExpiringAgreements(UnitOfWork& work, std::optional<int64_t> org_id,
                                                                  int days) const {
  if (days < 1 || days > 3650) return Status::Invalid("days must be 1 to 3650", "days");
  ASSIGN_OR_RETURN(auto agreements, ListAgreements(work, {org_id, std::nullopt}, AgreementStatus::kActive));
  const std::string until = BangkokDay(work.info().now + int64_t{days} * 86400);
  std::erase_if(agreements, [&](const Agreement& a) { return !a.ends_on || *a.ends_on > until; });
  return agreements;
}

Result<Agreement> NetworkService::GetAgreement(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.network().GetAgreement(id);
}

Result<Agreement> NetworkService::AddAgreement(UnitOfWork& work, Agreement a) const {
  RETURN_IF_ERROR(RequireWriter(work, a.org_id, "organisation"));
  RETURN_IF_ERROR(CheckAgreementRefs(work, a));
  a.created_at = a.updated_at = work.info().now;
  ASSIGN_OR_RETURN(a.id, work.network().InsertAgreement(a));
  RETURN_IF_ERROR(audit::Record(work, "create", "network_agreement", std::to_string(a.id), a.org_id, std::nullopt,
                                AuditJson(a)));
  return work.network().GetAgreement(a.id);
}

Result<Agreement> NetworkService::UpdateAgreement(UnitOfWork& work, int64_t id, Agreement changes) const {
  ASSIGN_OR_RETURN(const Agreement before, work.network().GetAgreement(id));
  RETURN_IF_ERROR(RequireWriter(work, before.org_id, "agreement"));
  changes.id = id;
  changes.org_id = before.org_id;
  changes.created_at = before.created_at;
  changes.updated_at = work.info().now;
  RETURN_IF_ERROR(CheckAgreementRefs(work, changes, &before));
  RETURN_IF_ERROR(work.network().UpdateAgreement(changes));
  RETURN_IF_ERROR(audit::Record(work, "update", "network_agreement", std::to_string(id), before.org_id,
                                AuditJson(before), AuditJson(changes)));
  return work.network().GetAgreement(id);
}

Status NetworkService::DeleteAgreement(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(const Agreement agreement, work.network().GetAgreement(id));
  RETURN_IF_ERROR(RequireWriter(work, agreement.org_id, "agreement"));
  RETURN_IF_ERROR(work.network().DeleteAgreement(agreement));
  return audit::Record(work, "delete", "network_agreement", std::to_string(id), agreement.org_id, AuditJson(agreement),
                       std::nullopt);
}

// ---- meetings ---------------------------------------------------------------------------------

Result<std::vector<Meeting>> NetworkService::ListMeetings(UnitOfWork& work, const MeetingQuery& query) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (query.org_id) RETURN_IF_ERROR(work.scope().RequireRead(*query.org_id, "organisation"));
  return work.network().ListMeetings(query);
}

Result<Meeting> NetworkService::GetMeeting(UnitOfWork& work, int64_t id) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  ASSIGN_OR_RETURN(Meeting m, work.network().GetMeeting(id));
  HideContacts(work, m);
  return m;
}

Result<Meeting> NetworkService::AddMeeting(UnitOfWork& work, Meeting m) const {
  RETURN_IF_ERROR(RequireWriter(work, m.org_id, "organisation"));
  RETURN_IF_ERROR(CheckMeetingRefs(work, m));
  m.created_at = m.updated_at = work.info().now;
  ASSIGN_OR_RETURN(m.id, work.network().InsertMeeting(m));
  RETURN_IF_ERROR(
      audit::Record(work, "create", "network_meeting", std::to_string(m.id), m.org_id, std::nullopt, AuditJson(m)));
  return GetMeeting(work, m.id);
}

Result<Meeting> NetworkService::UpdateMeeting(UnitOfWork& work, int64_t id, Meeting changes) const {
  ASSIGN_OR_RETURN(const Meeting before, work.network().GetMeeting(id));
  RETURN_IF_ERROR(RequireWriter(work, before.org_id, "meeting"));
  changes.id = id;
  changes.org_id = before.org_id;
  changes.created_at = before.created_at;
  changes.updated_at = work.info().now;
  RETURN_IF_ERROR(CheckMeetingRefs(work, changes, &before));
  RETURN_IF_ERROR(work.network().UpdateMeeting(changes));
  RETURN_IF_ERROR(audit::Record(work, "update", "network_meeting", std::to_string(id), before.org_id, AuditJson(before),
                                AuditJson(changes)));
  return GetMeeting(work, id);
}

Status NetworkService::DeleteMeeting(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(const Meeting meeting, work.network().GetMeeting(id));
  RETURN_IF_ERROR(RequireWriter(work, meeting.org_id, "meeting"));
  RETURN_IF_ERROR(work.network().DeleteMeeting(meeting));
  for (const ActionItem& a : meeting.actions) {
    RETURN_IF_ERROR(audit::Record(work, "delete", "network_action", std::to_string(a.id), a.org_id, AuditJson(a),
                                  std::nullopt));
  }
  return audit::Record(work, "delete", "network_meeting", std::to_string(id), meeting.org_id, AuditJson(meeting),
                       std::nullopt);
}

// ---- action items -----------------------------------------------------------------------------

Result<std::vector<ActionItem>> NetworkService::ListActions(UnitOfWork& work, const ActionQuery& query,
                                                            bool overdue_only) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (query.org_id) RETURN_IF_ERROR(work.scope().RequireRead(*query.org_id, "organisation"));
  ASSIGN_OR_RETURN(auto items, work.network().ListActions(query));
  const std::string today = Today(work);
  if (overdue_only) std::erase_if(items, [&](const ActionItem& a) { return !IsOverdue(a, today); });
  for (auto& a : items) HideContacts(work, a);
  return items;
}

Result<ActionItem> NetworkService::AddAction(UnitOfWork& work, int64_t meeting_id, ActionItem a) const {
  ASSIGN_OR_RETURN(const Meeting meeting, work.network().GetMeeting(meeting_id));
  RETURN_IF_ERROR(RequireWriter(work, meeting.org_id, "meeting"));
  a.org_id = meeting.org_id;
  a.meeting_id = meeting.id;
  if (a.status == ActionStatus::kDone && !a.done_on) a.done_on = Today(work);
  RETURN_IF_ERROR(CheckActionRefs(work, a));
  a.created_at = a.updated_at = work.info().now;
  ASSIGN_OR_RETURN(a.id, work.network().InsertAction(a));
  RETURN_IF_ERROR(
      audit::Record(work, "create", "network_action", std::to_string(a.id), a.org_id, std::nullopt, AuditJson(a)));
  ASSIGN_OR_RETURN(ActionItem out, work.network().GetAction(a.id));
  HideContacts(work, out);
  return out;
}

Result<ActionItem> NetworkService::UpdateAction(UnitOfWork& work, int64_t id, ActionItem changes) const {
  ASSIGN_OR_RETURN(const ActionItem before, work.network().GetAction(id));
  RETURN_IF_ERROR(RequireWriter(work, before.org_id, "action item"));
  changes.id = id;
  changes.org_id = before.org_id;
  changes.meeting_id = before.meeting_id;
  changes.created_at = before.created_at;
  changes.updated_at = work.info().now;
  if (changes.status == ActionStatus::kDone && !changes.done_on) changes.done_on = before.done_on.value_or(Today(work));
  RETURN_IF_ERROR(CheckActionRefs(work, changes, &before));
  RETURN_IF_ERROR(work.network().UpdateAction(changes));
  RETURN_IF_ERROR(audit::Record(work, "update", "network_action", std::to_string(id), before.org_id, AuditJson(before),
                                AuditJson(changes)));
  ASSIGN_OR_RETURN(ActionItem out, work.network().GetAction(id));
  HideContacts(work, out);
  return out;
}

Result<ActionItem> NetworkService::SetActionStatus(UnitOfWork& work, int64_t id,
                                                   const ActionStatusChange& change) const {
  ASSIGN_OR_RETURN(ActionItem item, work.network().GetAction(id));
  if (change.done_on && change.status != ActionStatus::kDone) {
    return Status::Invalid("done_on is only for a done item", "done_on");
  }
  if (change.done_on) RETURN_IF_ERROR(ValidateDay(*change.done_on, "done_on"));
  item.status = change.status;
  item.done_on = change.status == ActionStatus::kDone ? std::optional(change.done_on.value_or(Today(work)))
                                                       : std::nullopt;
  if (change.note) item.note = *change.note;
  return UpdateAction(work, id, item);
}

Status NetworkService::DeleteAction(UnitOfWork& work, int64_t id) const {
  ASSIGN_OR_RETURN(const ActionItem item, work.network().GetAction(id));
  RETURN_IF_ERROR(RequireWriter(work, item.org_id, "action item"));
  RETURN_IF_ERROR(work.network().DeleteAction(item));
  return audit::Record(work, "delete", "network_action", std::to_string(id), item.org_id, AuditJson(item),
                       std::nullopt);
}

}  // namespace ecotown::network
