// The complaints area: complaints residents file about pollution, their officer workflow, the
// LAO's complaint settings, the e-mail notice outbox, and the ComplaintStore port.
//
// A complaint belongs to one LAO. Its tracking number is public and unguessable; its contact
// details (name, e-mail, phone, device id) are personal data under the PDPA: they are shown only
// to officers of the LAO, never in a public or Open311 answer nor in the audit log, and are
// erased once the LAO's retention period has passed (docs/complaints-api.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ecotown::complaints {

// ---- categories -------------------------------------------------------------------------------

enum class Category { kDustSmoke, kOdour, kNoise, kWastewater, kOpenBurning, kWasteDumping, kOther };

struct CategoryInfo {
  Category category;
  const char* code;  // stable code; also the Open311 service_code
  const char* name_th;
  const char* name_en;
  const char* group;  // Open311 group: air, noise, water, waste, other
  int default_deadline_days;
};

const std::vector<CategoryInfo>& AllCategories();
const CategoryInfo& InfoOf(Category category);
const char* CategoryCode(Category category);
// Invalid(field) for unknown codes.
Result<Category> ParseCategory(std::string_view code, std::string_view field = "category");

// ---- workflow ---------------------------------------------------------------------------------

// received -> assigned -> investigating -> resolved | rejected -> closed; merged is final and
// points to the kept complaint.
enum class ComplaintStatus { kReceived, kAssigned, kInvestigating, kResolved, kRejected, kClosed, kMerged };
const char* StatusName(ComplaintStatus status);  // "received", ...
const char* StatusNameTh(ComplaintStatus status);
const char* StatusNameEn(ComplaintStatus status);
Result<ComplaintStatus> ParseStatus(std::string_view code, std::string_view field = "status");
// Still waiting for the LAO (the deadline applies): received, assigned, investigating.
bool IsOpen(ComplaintStatus status);
// Whether the workflow allows from -> to (merge is its own operation, not a transition).
bool CanTransition(ComplaintStatus from, ComplaintStatus to);

// ---- limits -----------------------------------------------------------------------------------

inline constexpr size_t kMinDescriptionChars = 10;
inline constexpr size_t kMaxDescriptionChars = 4000;  // Open311's limit
inline constexpr size_t kMaxAddressChars = 500;
inline constexpr size_t kMaxNameChars = 200;
inline constexpr size_t kMaxReasonChars = 2000;
inline constexpr size_t kMaxNoteChars = 4000;
inline constexpr size_t kMaxPhotos = 3;
inline constexpr size_t kMaxIdempotencyKeyChars = 64;
// A photo larger than this is refused (413), as for sensor photos.
inline constexpr size_t kMaxComplaintPhotoBytes = 5 * 1024 * 1024;

// ---- PDPA consent -----------------------------------------------------------------------------

struct ConsentText {
  const char* version;
  const char* text_th;
  const char* text_en;
};
// The privacy notice and consent text shown with the contact fields (PDPA s. 19 and s. 23).
const ConsentText& CurrentConsent();

// ---- entities ---------------------------------------------------------------------------------

struct Contact {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> device_id;  // Open311 device_id
  std::optional<std::string> line_user_id;  // the LINE user who filed over the LAO's Official Account
  bool Any() const { return name || email || phone || device_id || line_user_id; }
};

struct Complaint {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string tracking;  // e.g. "BP-2569-7KQ4M"
  Category category = Category::kOther;
  std::string description;
  std::optional<double> lat;  // WGS84; both or neither
  std::optional<double> lon;
  std::string address;
  std::optional<std::string> area_code;  // DOPA subdistrict nearest to the pin
  std::string area_name_th;
  std::string area_name_en;
  int64_t observed_at = 0;  // Unix s
  ComplaintStatus status = ComplaintStatus::kReceived;
  std::optional<std::string> reject_reason;
  std::optional<int64_t> assignee_user_id;
  std::string assignee_name;  // display name, read with the complaint
  std::optional<int64_t> merged_into;
  std::string merged_into_tracking;  // read with the complaint
  // Plain ids until the factories and inspections areas are merged: no foreign key yet.
  std::optional<int64_t> factory_id;
  std::optional<int64_t> inspection_id;
  Contact contact;
  std::optional<std::string> consent_version;
  std::optional<int64_t> consent_at;
  std::optional<int64_t> personal_erased_at;
  std::string source = "web";  // "web", "open311" or "line"
  std::optional<std::string> idempotency_key;
  int64_t deadline_at = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> resolved_at;  // first time it reached resolved
  std::optional<int64_t> closed_at;    // closed, rejected->closed or merged
  int photo_count = 0;                 // read with the complaint
};

enum class EventKind { kStatus, kPublicReply, kInternalNote, kLink, kMerge, kErasure };
const char* EventKindName(EventKind kind);  // "status", "public_reply", "internal_note", "link", "merge", "erasure"
Result<EventKind> ParseEventKind(std::string_view name);
// Whether residents see events of this kind on the status page.
bool IsPublicEvent(EventKind kind);

// One entry of a complaint's history.
struct ComplaintEvent {
  int64_t id = 0;
  int64_t complaint_id = 0;
  int64_t at = 0;
  EventKind kind = EventKind::kStatus;
  std::optional<ComplaintStatus> status;  // for kStatus and kMerge: the status it moved to
  std::string text;                       // reply, note, reason or link description
  std::string actor_name;
};

struct Photo {
  int64_t id = 0;
  int64_t complaint_id = 0;
  std::string content_type;  // from the bytes: image/jpeg, image/png, image/webp
  std::string bytes;         // empty in listings
  std::string sha256;
  int64_t size = 0;
  int64_t uploaded_at = 0;
};

// An LAO's complaint settings; defaults apply until an administrator saves them.
struct Settings {
  int64_t org_id = 0;
  std::map<Category, int> deadline_days;  // every category; 1..365
  int retention_days = 365;               // personal data erased this long after filing; 30..3650
  bool open311_anonymous_post = true;     // Open311 POST without api_key
  std::string tracking_prefix;            // 2-4 of [A-Z]; default from the org code
  int64_t updated_at = 0;
};
Settings DefaultSettings(int64_t org_id, std::string_view org_code);
Status ValidateSettings(const Settings& settings);

// One message to a resident (an e-mail, or a LINE push to a resident who filed over LINE), queued
// in the same transaction as the change it reports.
enum class NoticeStatus { kPending, kSent, kFailed };
const char* NoticeStatusName(NoticeStatus status);
enum class NoticeChannel { kEmail, kLine };
const char* NoticeChannelName(NoticeChannel channel);  // "email", "line"
struct Notice {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t complaint_id = 0;
  NoticeChannel channel = NoticeChannel::kEmail;
  std::string to;  // e-mail address or LINE user id; blanked when personal data are erased
  std::string subject;
  std::string body;
  NoticeStatus status = NoticeStatus::kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  std::optional<int64_t> sent_at;
  std::string retry_key;  // Message-ID of the e-mail; for LINE the X-Line-Retry-Key (a UUID)
  int64_t created_at = 0;
};

// ---- queries ----------------------------------------------------------------------------------

struct ComplaintQuery {
  std::optional<int64_t> org_id;          // default: every readable organisation
  std::vector<ComplaintStatus> statuses;  // any of them; empty: all
  std::vector<Category> categories;
  std::optional<bool> overdue;  // open and past the deadline at `now`
  std::optional<int64_t> from;  // created_at >= from
  std::optional<int64_t> to;    // created_at < to
  std::optional<std::string> area_code;
  std::optional<int64_t> factory_id;   // complaints linked to this factory
  std::vector<std::string> trackings;  // exact tracking numbers (Open311 service_request_id)
  std::vector<int64_t> ids;            // only these complaints (a cached list's changed ones)
  int64_t now = 0;
  int offset = 0;
  int limit = 50;  // 1..1000
  bool newest_first = true;
  bool count_total = true;  // false: ComplaintPage::total is not counted (one statement fewer)
};

struct ComplaintPage {
  std::vector<Complaint> items;
  int64_t total = 0;
};

// What the transparency page counts: one row per complaint, no personal data.
struct StatRow {
  Category category = Category::kOther;
  ComplaintStatus status = ComplaintStatus::kReceived;
  std::string area_name_th;
  std::string area_name_en;
  std::optional<double> lat;
  std::optional<double> lon;
  int64_t created_at = 0;
  int64_t deadline_at = 0;
  std::optional<int64_t> resolved_at;
};

// The padded bounding box of a province's subdistrict centroids.
struct Bounds {
  double min_lat = 0, max_lat = 0, min_lon = 0, max_lon = 0;
};

struct Area {
  std::string code, name_th, name_en;
};

// ---- validation -------------------------------------------------------------------------------

// 10..4000 characters of valid UTF-8 after trimming: "description".
Status ValidateDescription(std::string_view text);
Status ValidateEmail(std::string_view email);  // "email"
Status ValidatePhone(std::string_view phone);  // "phone": 6..20 of digits, +, -, space
Status ValidateLineUserId(std::string_view user_id);  // "line_user_id": "U" and 32 hex digits
// A text field of at most max characters, valid UTF-8, naming field.
Status ValidateText(std::string_view text, size_t max_chars, std::string_view field);

// "BP-2569-7KQ4M": prefix, BE year of filing, 5 random characters of an alphabet without 0/O/1/I/L/U.
std::string NewTrackingNumber(std::string_view prefix, int64_t now);
// Upper-cased and trimmed; empty when the text cannot be a tracking number.
std::string NormalizeTracking(std::string_view text);

// ---- store port -------------------------------------------------------------------------------

// Versions of an organisation's complaint changes whose complaints stay logged (migration 25).
inline constexpr int64_t kChangeLogVersions = 10000;

// Persistence port. Complaints, their events, photos, settings and notices are private records of
// their organisation: reads outside the scope are NotFound or filtered out, writes are checked.
// The public lookups (FindByTracking, Stats) are used by the public routes under a scope that
// reads exactly one organisation.
class ComplaintStore {
 public:
  virtual ~ComplaintStore() = default;

  // Conflict (message naming "tracking" or "idempotency_key") on a duplicate.
  virtual Result<int64_t> Insert(const Complaint& complaint) = 0;
  virtual Result<Complaint> Get(int64_t id) = 0;
  virtual Result<Complaint> FindByTracking(std::string_view tracking) = 0;
  virtual Result<std::optional<Complaint>> FindByIdempotencyKey(int64_t org_id, std::string_view key) = 0;
  virtual Result<ComplaintPage> List(const ComplaintQuery& query) = 0;
  // Writes the workflow fields: status, reject_reason, assignee, merged_into, factory_id,
  // inspection_id, deadline_at, updated_at, resolved_at, closed_at.
  virtual Status Update(const Complaint& complaint) = 0;
  // The contact of a complaint (officers; the route audits the view).
  virtual Result<Contact> GetContact(int64_t id) = 0;
  // Blanks name, e-mail, phone, device id and LINE user id, sets personal_erased_at, blanks pending and past
  // notices' addresses. Returns the ids of the complaints filed before `filed_before` in the
  // organisation whose personal data were erased now: at most `limit`, oldest first.
  virtual Result<std::vector<int64_t>> ErasePersonalData(int64_t org_id, int64_t filed_before, int64_t now,
                                                         int limit) = 0;

  virtual Result<int64_t> AddEvent(const ComplaintEvent& event, int64_t org_id) = 0;
  // Oldest first.
  virtual Result<std::vector<ComplaintEvent>> EventsOf(int64_t complaint_id) = 0;
  // The newest public reply of each of these complaints (one query for a whole page).
  virtual Result<std::map<int64_t, std::string>> LatestPublicReplies(const std::vector<int64_t>& complaint_ids) = 0;

  virtual Result<int64_t> AddPhoto(const Photo& photo, int64_t org_id) = 0;
  // Without bytes, oldest first.
  virtual Result<std::vector<Photo>> PhotosOf(int64_t complaint_id) = 0;
  virtual Result<Photo> GetPhoto(int64_t complaint_id, int64_t photo_id) = 0;

  // Defaults when nothing was saved.
  virtual Result<Settings> GetSettings(int64_t org_id, std::string_view org_code) = 0;
  virtual Status PutSettings(const Settings& settings) = 0;
  // Organisations that saved settings or have complaints (the retention job's list).
  virtual Result<std::vector<int64_t>> OrgsWithComplaints() = 0;

  virtual Result<std::vector<StatRow>> Stats(int64_t org_id, int64_t from, int64_t to) = 0;

  // A number that grows with every committed change to the organisation's complaints or their
  // history, by any writer (0 before the first). Answers derived from that data and cached under
  // this version are current while it stays the same; read it before the data it guards.
  virtual Result<int64_t> ChangeVersion(int64_t org_id) = 0;
  // The complaints whose rows or history changed after version `after` of the organisation (each
  // once), for a caller that holds an answer built at `after` and read a later version: from the
  // change log kept for the last kChangeLogVersions versions. nullopt when the log cannot tell
  // (`after` is older than the log) or more than `max_changes` changes were logged: rebuild then.
  virtual Result<std::optional<std::vector<int64_t>>> ChangedSince(int64_t org_id, int64_t after,
                                                                    int max_changes) = 0;

  // Geography (public data): the padded bounds of a province, the subdistrict nearest a point.
  virtual Result<std::optional<Bounds>> ProvinceBounds(std::string_view province_code) = 0;
  virtual Result<std::optional<Area>> NearestArea(std::string_view province_code, double lat, double lon) = 0;

  // The notice outbox.
  virtual Result<int64_t> InsertNotice(const Notice& notice) = 0;
  virtual Result<std::vector<Notice>> NoticesOf(int64_t complaint_id) = 0;
  // Claims up to `limit` pending notices of these channels due at `now`: attempts + 1 and
  // next_attempt_at = lease_until, so that no other dispatcher sends them meanwhile.
  virtual Result<std::vector<Notice>> ClaimDueNotices(int64_t now, int64_t lease_until, int limit,
                                                      const std::vector<NoticeChannel>& channels) = 0;
  virtual Status FinishNotice(int64_t id, NoticeStatus status, int64_t next_attempt_at,
                              const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) = 0;
};

}  // namespace ecotown::complaints
