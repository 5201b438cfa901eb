// The cooperation network of an LAO: partner organisations (other LAOs, the provincial industry
// office, the regional environment office, factories, community groups, schools, universities)
// with their contact people, agreements (MoUs) between them, and meetings with attendees and
// action items followed to done; and the NetworkStore port.
//
// Every record belongs to one LAO (org_id) and is private to it (tenancy Scope). Contacts are
// personal data: only logged-in staff of the LAO see them (Scope::RequireStaffOf); the audit log
// records who changed a contact, never the phone or e-mail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::network {

// ---- partner organisations --------------------------------------------------------------------

enum class PartnerKind {
  kLao,
  kProvincialIndustryOffice,
  kRegionalEnvironmentOffice,
  kFactory,
  kCommunityGroup,
  kSchool,
  kUniversity,
  kOther,
};

struct KindInfo {
  PartnerKind kind;
  const char* code;  // "lao", "provincial_industry_office", ...
  const char* name_th;
  const char* name_en;
};

// In directory order.
const std::vector<KindInfo>& AllKinds();
const char* KindCode(PartnerKind kind);
Result<PartnerKind> ParseKind(std::string_view code, std::string_view field = "kind");

inline constexpr size_t kMaxNameChars = 300;
inline constexpr size_t kMaxTextChars = 500;     // address, position, place, website
inline constexpr size_t kMaxLongTextChars = 20000;  // agenda, minutes
inline constexpr size_t kMaxNoteChars = 4000;

struct Partner {
  int64_t id = 0;
  int64_t org_id = 0;
  PartnerKind kind = PartnerKind::kOther;
  std::string name_th;  // required
  std::string name_en;  // may be empty
  std::string address;
  std::string phone;    // the office's, not a person's
  std::string email;
  std::string website;  // http(s)://...
  std::optional<int64_t> factory_id;  // kind factory only: a factory of the same LAO's registry
  std::string notes;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // Set when the partner was removed while agreements, meetings, action items or contacts named
  // it: hidden from the directory, still shown where it is named, and no new record may name it.
  std::optional<int64_t> archived_at;
  int contact_count = 0;  // read with the partner
};

// A person at a partner organisation (personal data).
struct Contact {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t partner_id = 0;
  std::string name;  // required
  std::string position;
  std::string phone;
  std::string email;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string partner_name_th;  // read with the contact
};

// ---- agreements -------------------------------------------------------------------------------

enum class AgreementStatus { kUpcoming, kActive, kExpired };
const char* AgreementStatusName(AgreementStatus status);  // "upcoming", "active", "expired"
Result<AgreementStatus> ParseAgreementStatus(std::string_view name, std::string_view field = "status");

struct Party {
  int64_t partner_id = 0;
  std::string name_th;  // read
  std::string name_en;
};

struct Agreement {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string title;                     // required
  std::optional<std::string> signed_on;  // YYYY-MM-DD
  std::string starts_on;                 // YYYY-MM-DD, required
  std::optional<std::string> ends_on;    // YYYY-MM-DD, not before starts_on; absent: open-ended
  std::string document_note;             // where the signed document is kept
  std::vector<Party> parties;            // at least one partner of the same LAO
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// upcoming before starts_on, expired after ends_on, active in between (both days included).
AgreementStatus StatusOn(const Agreement& agreement, std::string_view today);

// ---- meetings and action items ----------------------------------------------------------------

// One attendee: a contact, a partner organisation, or both (a contact of that partner).
struct Attendee {
  std::optional<int64_t> partner_id;
  std::optional<int64_t> contact_id;
  bool attended = true;
  std::string partner_name_th;  // read
  std::string partner_name_en;
  std::string contact_name;     // read; blanked for readers who may not see contacts
};

enum class ActionStatus { kOpen, kDone };
const char* ActionStatusName(ActionStatus status);  // "open", "done"
Result<ActionStatus> ParseActionStatus(std::string_view name, std::string_view field = "status");

struct ActionItem {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t meeting_id = 0;
  std::string text;  // required
  std::optional<int64_t> owner_partner_id;
  std::optional<int64_t> owner_contact_id;
  std::optional<std::string> due_on;   // YYYY-MM-DD
  ActionStatus status = ActionStatus::kOpen;
  std::optional<std::string> done_on;  // YYYY-MM-DD; set exactly when done
  std::string note;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // Read with the item.
  std::string meeting_title;
  int64_t meeting_starts_at = 0;
  std::string owner_partner_name_th;
  std::string owner_partner_name_en;
  std::string owner_contact_name;  // blanked for readers who may not see contacts
};

// Open and due before today.
bool IsOverdue(const ActionItem& item, std::string_view today);

struct Meeting {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string title;      // required
  int64_t starts_at = 0;  // Unix s
  std::string place;
  std::string agenda;
  std::string minutes;
  std::vector<Attendee> attendees;  // read and written with the meeting
  std::vector<ActionItem> actions;  // read with the meeting; written one by one
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int open_actions = 0;  // read in lists
};

// ---- queries ----------------------------------------------------------------------------------

struct PartnerQuery {
  std::optional<int64_t> org_id;  // default: every readable organisation
  std::optional<PartnerKind> kind;
  std::optional<std::string> text;  // substring of the Thai or English name (case-insensitive for Latin)
  bool archived = false;            // the archived partners instead of the current ones
};

struct AgreementQuery {
  std::optional<int64_t> org_id;
  std::optional<int64_t> partner_id;  // agreements this partner is a party to
};

struct MeetingQuery {
  std::optional<int64_t> org_id;
  std::optional<int64_t> partner_id;  // meetings this partner (or one of its contacts) attended
};

struct ActionQuery {
  std::optional<int64_t> org_id;
  std::optional<int64_t> meeting_id;
  std::optional<ActionStatus> status;
};

// ---- validation -------------------------------------------------------------------------------

// Invalid naming the field: kind, name_th, name_en, address, phone, email, website, notes,
// factory_id (only for kind factory).
Status ValidatePartner(const Partner& partner);
// name, position, phone, email.
Status ValidateContact(const Contact& contact);
// title, signed_on, starts_on, ends_on (not before starts_on), document_note, parties (1..50,
// no duplicates).
Status ValidateAgreement(const Agreement& agreement);
// title, starts_at, place, agenda, minutes, attendees (each names a partner or a contact; at most 200).
Status ValidateMeeting(const Meeting& meeting);
// text, due_on, done_on (only when done), note.
Status ValidateAction(const ActionItem& item);
// The Bangkok calendar day of a Unix time as "YYYY-MM-DD".
std::string BangkokDay(int64_t unix_seconds);
// "YYYY-MM-DD" naming a real day, years 1900..2200.
Status ValidateDay(std::string_view day, std::string_view field);

// ---- store port -------------------------------------------------------------------------------

// Persistence port, bound to the Scope of its UnitOfWork. Reads filter with Scope::OrgFilterSql
// (a record outside the scope is NotFound); writes check Scope::RequireWrite. The personal-data
// rule for contacts is the service's (Scope::RequireStaffOf).
class NetworkStore {
 public:
  virtual ~NetworkStore() = default;

  virtual Result<int64_t> InsertPartner(const Partner& partner) = 0;
  virtual Result<Partner> GetPartner(int64_t id) = 0;
  // By kind (directory order is the caller's), then Thai name.
  virtual Result<std::vector<Partner>> ListPartners(const PartnerQuery& query) = 0;
  virtual Status UpdatePartner(const Partner& partner) = 0;
  // How many records name the partner: its contacts, agreement parties, meeting attendances and
  // owned action items.
  virtual Result<int64_t> PartnerReferences(const Partner& partner) = 0;
  // Deletes a partner nothing names (the caller checks PartnerReferences).
  virtual Status DeletePartner(const Partner& partner) = 0;
  // Sets or clears (nullopt) archived_at.
  virtual Status SetPartnerArchived(const Partner& partner, std::optional<int64_t> archived_at) = 0;

  virtual Result<int64_t> InsertContact(const Contact& contact) = 0;
  virtual Result<Contact> GetContact(int64_t id) = 0;
  // Of one partner, or of a whole organisation when partner_id is absent; by name.
  virtual Result<std::vector<Contact>> ListContacts(int64_t org_id, std::optional<int64_t> partner_id) = 0;
  virtual Status UpdateContact(const Contact& contact) = 0;
  // Deletes the contact; the meeting attendances and action items that named the person keep
  // their organisation only.
  virtual Status DeleteContact(const Contact& contact) = 0;

  // Inserts the agreement with its parties.
  virtual Result<int64_t> InsertAgreement(const Agreement& agreement) = 0;
  virtual Result<Agreement> GetAgreement(int64_t id) = 0;
  // Soonest end first (open-ended last), with parties.
  virtual Result<std::vector<Agreement>> ListAgreements(const AgreementQuery& query) = 0;
  // Rewrites the fields and replaces the parties.
  virtual Status UpdateAgreement(const Agreement& agreement) = 0;
  // Deletes the agreement with its parties.
  virtual Status DeleteAgreement(const Agreement& agreement) = 0;

  // Inserts the meeting with its attendees.
  virtual Result<int64_t> InsertMeeting(const Meeting& meeting) = 0;
  // With attendees and action items.
  virtual Result<Meeting> GetMeeting(int64_t id) = 0;
  // Newest first, without attendees and actions but with open_actions.
  virtual Result<std::vector<Meeting>> ListMeetings(const MeetingQuery& query) = 0;
  // Rewrites the fields and replaces the attendees.
  virtual Status UpdateMeeting(const Meeting& meeting) = 0;
  // Deletes the meeting with its attendees and action items.
  virtual Status DeleteMeeting(const Meeting& meeting) = 0;

  virtual Result<int64_t> InsertAction(const ActionItem& item) = 0;
  virtual Result<ActionItem> GetAction(int64_t id) = 0;
  // Open ones by due day (none last), then the rest; at most 1000.
  virtual Result<std::vector<ActionItem>> ListActions(const ActionQuery& query) = 0;
  virtual Status UpdateAction(const ActionItem& item) = 0;
  virtual Status DeleteAction(const ActionItem& item) = 0;
};

}  // namespace ecotown::network
