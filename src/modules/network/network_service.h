// NetworkService: the use cases of an LAO's cooperation network. Stateless; thread-safe.
//
// Readers of the LAO (officers, executives, the provincial oversight office) see partner
// organisations, agreements, meetings and action items; officers and administrators of the LAO
// change them. Contact people are personal data: only logged-in staff of the LAO see them, and
// other readers get meetings with the contacts' names blanked. Every write is audited in the
// same transaction. A reference in a request (a partner, a contact, a registry factory) that is
// not the same LAO's is refused as Invalid naming the field ("... not found"), and nothing is
// saved; so is an archived partner, or a contact of one, unless the record being changed named it
// already (a new record, or a new party, attendee, owner or contact, may not pick it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/network/network.h"
#include "modules/unit_of_work.h"

namespace ecotown::network {

struct PartnerDetail {
  Partner partner;
  bool contacts_visible = false;  // false: contacts is empty because the reader may not see them
  std::vector<Contact> contacts;
  std::vector<Agreement> agreements;
  std::vector<Meeting> meetings;
};

// What RemovePartner did.
enum class PartnerRemoval { kDeleted, kArchived };

struct ActionStatusChange {
  ActionStatus status = ActionStatus::kDone;
  std::optional<std::string> done_on;  // default today (Bangkok) when done
  std::optional<std::string> note;     // replaces the note when given
};

class NetworkService {
 public:
  // The LAO a new record belongs to: the caller's own organisation, or the one named by code
  // (a system administrator). Invalid("org") for an unknown code.
  Result<int64_t> TargetOrg(UnitOfWork& work, const std::optional<std::string>& org_code) const;
  // Today in Bangkok as YYYY-MM-DD, from the request's clock.
  static std::string Today(const UnitOfWork& work);

  Result<std::vector<Partner>> ListPartners(UnitOfWork& work, const PartnerQuery& query) const;
  Result<PartnerDetail> GetPartner(UnitOfWork& work, int64_t id) const;
  Result<Partner> AddPartner(UnitOfWork& work, Partner partner) const;
  // Every field but id, org_id and created_at.
  Result<Partner> UpdatePartner(UnitOfWork& work, int64_t id, Partner changes) const;
  // Deletes a partner nothing names; one that contacts, agreements, meetings or action items name
  // is archived instead: out of the directory, still shown by name where it is named. Audited as
  // "delete" or "archive". Conflict for an archived partner that is still named.
  Result<PartnerRemoval> RemovePartner(UnitOfWork& work, int64_t id) const;
  // Brings an archived partner back into the directory (Conflict when it is not archived); audited.
  Result<Partner> RestorePartner(UnitOfWork& work, int64_t id) const;

  // Staff of the LAO only (NotFound otherwise).
  Result<std::vector<Contact>> ListContacts(UnitOfWork& work, int64_t org_id) const;
  Result<Contact> AddContact(UnitOfWork& work, int64_t partner_id, Contact contact) const;
  // Moves the contact to changes.partner_id when it differs (a partner of the same LAO).
  Result<Contact> UpdateContact(UnitOfWork& work, int64_t id, Contact changes) const;
  // Erases the person (personal data: deleted, never archived); the meeting attendances and
  // action items that named them keep the organisation. Staff of the LAO; audited without the
  // phone or e-mail.
  Status DeleteContact(UnitOfWork& work, int64_t id) const;

  Result<std::vector<Agreement>> ListAgreements(UnitOfWork& work, const AgreementQuery& query,
                                                std::optional<AgreementStatus> status) const;
  // Active agreements that end within `days` (1..3650) of today, soonest first.
  Result<std::vector<Agreement>> ExpiringAgreements(UnitOfWork& work, std::optional<int64_t> org_id, int days) const;
  Result<Agreement> GetAgreement(UnitOfWork& work, int64_t id) const;
  Result<Agreement> AddAgreement(UnitOfWork& work, Agreement agreement) const;
  Result<Agreement> UpdateAgreement(UnitOfWork& work, int64_t id, Agreement changes) const;
  // With its list of parties (the partners stay); audited with what was deleted.
  Status DeleteAgreement(UnitOfWork& work, int64_t id) const;

  Result<std::vector<Meeting>> ListMeetings(UnitOfWork& work, const MeetingQuery& query) const;
  Result<Meeting> GetMeeting(UnitOfWork& work, int64_t id) const;
  Result<Meeting> AddMeeting(UnitOfWork& work, Meeting meeting) const;
  // Fields and attendees; the action items are kept.
  Result<Meeting> UpdateMeeting(UnitOfWork& work, int64_t id, Meeting changes) const;
  // With its attendee list and action items, each audited with what was deleted.
  Status DeleteMeeting(UnitOfWork& work, int64_t id) const;

  // overdue_only: open and due before today.
  Result<std::vector<ActionItem>> ListActions(UnitOfWork& work, const ActionQuery& query, bool overdue_only) const;
  Result<ActionItem> AddAction(UnitOfWork& work, int64_t meeting_id, ActionItem item) const;
  // text, owners, due_on, status, done_on, note.
  Result<ActionItem> UpdateAction(UnitOfWork& work, int64_t id, ActionItem changes) const;
  // Ticks an item done (done_on defaults to today) or reopens it (done_on cleared).
  Result<ActionItem> SetActionStatus(UnitOfWork& work, int64_t id, const ActionStatusChange& change) const;
  // Audited with what was deleted.
  Status DeleteAction(UnitOfWork& work, int64_t id) const;
};

}  // namespace ecotown::network
