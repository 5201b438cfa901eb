// The factories area: the LAO's registry of factories and other businesses it supervises, their
// validation, and the FactoryStore port.
//
// A factory belongs to one organisation (the LAO). It may be a DIW-registered factory (with an
// old-format registration number, a 14-digit id, a type code from the ministerial regulation list
// and a category) or a business outside the Factory Act that the LAO licenses under the Public
// Health Act, which has none of these. Per organisation the 14-digit id and the old registration
// number are unique. A factory representative (role `factory`) sees only its own factory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/thai_calendar.h"

namespace ecotown::factories {

enum class FactoryStatus { kOperating, kSuspended, kClosed };
// "operating", "suspended", "closed".
const char* FactoryStatusName(FactoryStatus status);
// Invalid(field "status") for unknown names.
Result<FactoryStatus> ParseFactoryStatus(std::string_view name);

struct Factory {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string name;                                // up to 300 characters
  std::optional<std::string> registration_no;      // old DIW format, e.g. 3-52(1)-2/60รบ
  std::optional<std::string> registration_no14;    // 14-digit DIW factory id
  std::optional<std::string> type_code;            // DIW 5-digit class code, e.g. "00906" = 9(6)
  std::optional<int> category;                     // จำพวก 1/2/3 as recorded by DIW
  std::string business;                            // ประกอบกิจการ, up to 2000 characters
  std::string operator_name;                       // ผู้ประกอบการ (person or company)
  std::string products;                            // products and capacity, free text
  std::optional<double> capital_thb;               // investment, baht, >= 0
  std::optional<int64_t> workers;                  // total workers, >= 0
  std::optional<double> horsepower;                // installed machinery, hp, >= 0
  std::string address;                             // as registered (no., moo, soi, road, ...)
  std::optional<std::string> subdistrict_code;     // DOPA 6 digits, a known subdistrict
  std::optional<double> lat;                       // WGS84, inside Thailand; both or neither
  std::optional<double> lon;
  std::string phone;
  std::string contact_name;
  std::string contact_email;
  std::optional<std::string> registered_on;        // licence or notification date, YYYY-MM-DD
  FactoryStatus status = FactoryStatus::kOperating;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Filters of the registry list; all optional, combined with AND. Ordered by id descending
// (newest first); after_id pages with a keyset (the last id of the previous page).
struct FactoryQuery {
  std::optional<FactoryStatus> status;
  std::optional<std::string> type_code;
  std::optional<int> category;
  std::optional<std::string> area_code;  // a province (2), district (4) or subdistrict (6) code prefix
  std::optional<std::string> registered_from;  // YYYY-MM-DD, inclusive
  std::optional<std::string> registered_to;    // YYYY-MM-DD, inclusive
  std::optional<std::string> text;  // substring of name, registration numbers or operator
  std::optional<int64_t> org_id;    // one organisation of the readable ones
  std::optional<int64_t> after_id;
  int limit = 50;  // 1..500
};

struct FactoryPage {
  std::vector<Factory> items;
  std::optional<int64_t> next_after_id;  // set when more rows follow
};

// Field validation that needs no lookup; each failure is Invalid naming the field:
// name, registration_no (format and category agreement), registration_no14 (format only; the
// province is checked by the service), type_code (5 digits), category, capital_thb, workers,
// horsepower, lat/lon (both or neither, inside Thailand), texts (UTF-8 and length), registered_on.
Status ValidateFactoryFields(const Factory& factory);
// Invalid naming field unless date is YYYY-MM-DD, a real day, year 1900..2200 (a BE year such as
// 2554 is refused with a hint).
Status ValidateIsoDate(std::string_view date, const char* field);
// The search key of a factory: lower-cased name, registration numbers and operator joined.
std::string SearchTextOf(const Factory& factory);

// ---- licences and permits ----

enum class LicenceKind {
  kFactoryRg4,                 // ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.4), Factory Act, category 3
  kFactoryNotification,        // การแจ้งประกอบกิจการโรงงาน, Factory Act, category 2
  kPhHazardousBusiness,        // ใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ, Public Health Act, the LAO
  kPhNotificationCertificate,  // หนังสือรับรองการแจ้ง, Public Health Act, the LAO
};
// "factory_rg4", "factory_notification", "ph_hazardous_business", "ph_notification_certificate".
const char* LicenceKindName(LicenceKind kind);
Result<LicenceKind> ParseLicenceKind(std::string_view name);  // Invalid(field "kind")
const char* LicenceKindThai(LicenceKind kind);  // e.g. "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.4)"

// "YYYY-MM-DD" of a date, and the date of such a text (no calendar check; see ValidateIsoDate).
std::string IsoDate(const core::CivilDate& date);
std::optional<core::CivilDate> ParseIsoDate(std::string_view iso);

struct Licence {
  int64_t id = 0;
  int64_t org_id = 0;  // the factory's organisation
  int64_t factory_id = 0;
  LicenceKind kind = LicenceKind::kPhHazardousBusiness;
  std::string number;                    // 1..100 characters
  std::string issuer;                    // e.g. "เทศบาลเมืองบ้านโป่ง", "สำนักงานอุตสาหกรรมจังหวัดราชบุรี"
  std::optional<std::string> issued_on;  // YYYY-MM-DD
  std::optional<std::string> expires_on; // YYYY-MM-DD, not before issued_on; absent = no fixed expiry
  std::string notes;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};
// Invalid naming the field: number, issuer, issued_on, expires_on, notes.
Status ValidateLicence(const Licence& licence);

// A licence that expires within a window, with its factory's name (the LAO's reminders).
struct ExpiringLicence {
  Licence licence;
  std::string factory_name;
};

// ---- licence expiry reminders (the settings and the outbox; see licence_reminders.h) ----

inline constexpr size_t kMaxReminderThresholds = 5;
inline constexpr size_t kMaxReminderRecipients = 10;

struct ReminderSettings {
  int64_t org_id = 0;
  std::vector<int> days;                // thresholds, 1..365 days, distinct, largest first
  std::vector<std::string> recipients;  // e-mail addresses
  bool enabled = true;
  int64_t updated_at = 0;
  std::string updated_by;
};

enum class ReminderStatus { kPending, kSent, kFailed };
const char* ReminderStatusName(ReminderStatus status);  // "pending", "sent", "failed"
Result<ReminderStatus> ParseReminderStatus(std::string_view name);

struct LicenceReminder {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t factory_id = 0;
  int64_t licence_id = 0;
  std::string expires_on;  // YYYY-MM-DD, the expiry this reminder is about
  int threshold_days = 0;
  std::string to_address;
  std::string subject;
  std::string body;
  ReminderStatus status = ReminderStatus::kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  std::optional<int64_t> sent_at;
  int64_t created_at = 0;
};

// ---- emission sources and wastewater outlets (data for later dispersion analyses) ----

// Pollutant codes: "pm", "pm10", "pm2_5", "so2", "nox", "co", "voc", "h2s", "hcl", "nh3", "other".
bool IsPollutantCode(std::string_view code);

struct PollutantRate {
  std::string pollutant;
  double rate_g_s = 0;  // emission rate, grams per second, >= 0
};

struct EmissionSource {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t factory_id = 0;
  std::string name;               // e.g. "ปล่องหม้อไอน้ำ 1"
  double stack_height_m = 0;      // above ground, (0, 400]
  double inner_diameter_m = 0;    // at the exit, (0, 20]
  double exit_velocity_m_s = 0;   // [0, 100]
  double exit_temperature_k = 0;  // kelvin, [200, 2000]
  std::string fuel;               // e.g. "ชีวมวล (แกลบ)", "ก๊าซธรรมชาติ"
  std::vector<PollutantRate> pollutants;
  std::optional<double> lat;      // the stack's own position; absent = the factory's
  std::optional<double> lon;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};
// Invalid naming the field (stack_height_m, inner_diameter_m, exit_velocity_m_s,
// exit_temperature_k, pollutants[i].pollutant / pollutants[i].rate_g_s, lat/lon, name, fuel).
Status ValidateEmissionSource(const EmissionSource& source);

struct WastewaterOutlet {
  int64_t id = 0;
  int64_t org_id = 0;
  int64_t factory_id = 0;
  std::string name;
  std::string receiving_water;      // e.g. "แม่น้ำแม่กลอง", "ลำรางสาธารณะ"
  std::optional<double> lat;
  std::optional<double> lon;
  std::string treatment;            // e.g. "บ่อปรับเสถียร", "ระบบเอเอส"
  std::optional<double> flow_m3_day;  // [0, 10,000,000]
  int64_t created_at = 0;
  int64_t updated_at = 0;
};
Status ValidateWastewaterOutlet(const WastewaterOutlet& outlet);

// ---- sensitive receptors ----

enum class ReceptorKind { kSchool, kHospital, kHealthCentre, kTemple, kMarket, kCommunity };
// "school", "hospital", "health_centre", "temple", "market", "community".
const char* ReceptorKindName(ReceptorKind kind);
Result<ReceptorKind> ParseReceptorKind(std::string_view name);  // Invalid(field "kind")

struct Receptor {
  int64_t id = 0;
  int64_t org_id = 0;
  ReceptorKind kind = ReceptorKind::kCommunity;
  std::string name;
  double lat = 0;  // inside Thailand
  double lon = 0;
  std::optional<int64_t> people;  // pupils, beds, residents ...; >= 0
  std::string notes;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};
Status ValidateReceptor(const Receptor& receptor);

struct ReceptorDistance {
  Receptor receptor;
  double distance_m = 0;
};

// One row of the factory type list (ลำดับที่ of the ministerial regulation), data/factory_types.csv.
struct FactoryType {
  std::string class_code;  // "00906"
  std::string disp_class;  // "9(6)"
  int main_order = 0;
  int sub_item = 0;
  std::string description_th;
  std::string category1_rule, category2_rule, category3_rule;  // size rule of each จำพวก, "-" when none
  std::string regulation;
};

// Persistence port, bound to the Scope of its UnitOfWork. Reads filter with
// Scope::FactoryFilterSql (a factory representative reaches only its own factory); a factory
// outside the scope is NotFound. Writes need write access to the organisation.
class FactoryStore {
 public:
  virtual ~FactoryStore() = default;

  // Conflict when the 14-digit id or the old registration number is taken in the organisation.
  virtual Result<int64_t> Insert(const Factory& factory) = 0;
  virtual Result<Factory> Get(int64_t id) = 0;
  virtual Result<FactoryPage> List(const FactoryQuery& query) = 0;
  // Writes every field but id, org_id and created_at. NotFound outside the scope.
  virtual Status Update(const Factory& factory) = 0;
  // The factory of the organisation with this 14-digit id or old registration number (either may be
  // absent); NotFound when none. Used for duplicate checks and the import's "already registered".
  virtual Result<Factory> FindByRegistration(int64_t org_id, const std::optional<std::string>& registration_no14,
                                             const std::optional<std::string>& registration_no) = 0;
  // Refreshes the planner statistics of the registry inside the current transaction. PostgreSQL
  // plans a prepared statement once for good (a generic plan) with the statistics of the moment: in
  // a long import that starts on an empty registry, that plan is a sequential scan, reused for every
  // later row (quadratic). Bulk writers call this as the registry grows. No-op on SQLite.
  virtual Status RefreshStatistics() = 0;

  // Licences of a factory (scoped through the factory). InsertLicence/UpdateLicence/DeleteLicence
  // need write access to the factory's organisation; NotFound outside the scope.
  virtual Result<int64_t> InsertLicence(const Licence& licence) = 0;
  virtual Result<Licence> GetLicence(int64_t id) = 0;
  virtual Result<std::vector<Licence>> ListLicences(int64_t factory_id) = 0;
  virtual Status UpdateLicence(const Licence& licence) = 0;
  virtual Status DeleteLicence(int64_t id) = 0;
  // Licences with from <= expires_on <= to (YYYY-MM-DD) of readable factories, soonest first.
  virtual Result<std::vector<ExpiringLicence>> ExpiringLicences(std::string_view from, std::string_view to) = 0;

  // Licences of one organisation with from <= expires_on <= to, soonest first (the reminders).
  virtual Result<std::vector<ExpiringLicence>> ExpiringLicencesOf(int64_t org_id, std::string_view from,
                                                                  std::string_view to) = 0;

  // Reminder settings of an organisation (NotFound when none) and of every readable one.
  virtual Result<ReminderSettings> GetReminderSettings(int64_t org_id) = 0;
  virtual Status PutReminderSettings(const ReminderSettings& settings) = 0;
  virtual Result<std::vector<ReminderSettings>> ListReminderSettings() = 0;
  // Queues a reminder unless one exists for (licence, expiry date, threshold, recipient); true
  // when this call queued it.
  virtual Result<bool> QueueReminder(const LicenceReminder& reminder) = 0;
  // Claims up to `limit` pending reminders due at `now` (attempts + 1, leased until lease_until).
  virtual Result<std::vector<LicenceReminder>> ClaimDueReminders(int64_t now, int64_t lease_until, int limit) = 0;
  virtual Status FinishReminder(int64_t id, ReminderStatus status, int64_t next_attempt_at,
                                const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) = 0;
  // The newest reminders of an organisation.
  virtual Result<std::vector<LicenceReminder>> ListReminders(int64_t org_id, int limit) = 0;

  virtual Result<int64_t> InsertEmissionSource(const EmissionSource& source) = 0;
  virtual Result<EmissionSource> GetEmissionSource(int64_t id) = 0;
  virtual Result<std::vector<EmissionSource>> ListEmissionSources(int64_t factory_id) = 0;
  virtual Status UpdateEmissionSource(const EmissionSource& source) = 0;
  virtual Status DeleteEmissionSource(int64_t id) = 0;

  virtual Result<int64_t> InsertOutlet(const WastewaterOutlet& outlet) = 0;
  virtual Result<WastewaterOutlet> GetOutlet(int64_t id) = 0;
  virtual Result<std::vector<WastewaterOutlet>> ListOutlets(int64_t factory_id) = 0;
  virtual Status UpdateOutlet(const WastewaterOutlet& outlet) = 0;
  virtual Status DeleteOutlet(int64_t id) = 0;

  // Receptors are organisation-wide records (OrgFilterSql; a factory representative sees none).
  virtual Result<int64_t> InsertReceptor(const Receptor& receptor) = 0;
  virtual Result<Receptor> GetReceptor(int64_t id) = 0;
  // Of one organisation, or of every readable one when org_id is absent; by kind, then name.
  virtual Result<std::vector<Receptor>> ListReceptors(std::optional<int64_t> org_id) = 0;
  virtual Status UpdateReceptor(const Receptor& receptor) = 0;
  virtual Status DeleteReceptor(int64_t id) = 0;
  // Receptors of the organisation inside the box [min_lat, max_lat] x [min_lon, max_lon].
  virtual Result<std::vector<Receptor>> ReceptorsInBox(int64_t org_id, double min_lat, double max_lat,
                                                       double min_lon, double max_lon) = 0;
  // Factories of the organisation with a position inside the box, at most `limit` (by id); the
  // caller computes exact distances (a complaint's evidence).
  virtual Result<std::vector<Factory>> FactoriesInBox(int64_t org_id, double min_lat, double max_lat, double min_lon,
                                                      double max_lon, int limit) = 0;

  // The factory type list (not scoped: public reference data).
  virtual Result<FactoryType> GetType(std::string_view class_code) = 0;
  // Types whose code, display class or description contains text (all when empty), by code; at most limit.
  virtual Result<std::vector<FactoryType>> SearchTypes(std::string_view text, int limit) = 0;
};

}  // namespace ecotown::factories
