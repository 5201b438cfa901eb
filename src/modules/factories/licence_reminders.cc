#include "modules/factories/licence_reminders.h"

#include <algorithm>
#include <array>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "core/thai_calendar.h"
#include "modules/audit/recorder.h"
#include "modules/complaints/complaint.h"
#include "modules/orgs/org.h"

namespace ecotown::factories {
namespace {

using tenancy::Permission;

constexpr std::array<std::pair<ReminderStatus, const char*>, 3> kStatuses = {{
    {ReminderStatus::kPending, "pending"},
    {ReminderStatus::kSent, "sent"},
    {ReminderStatus::kFailed, "failed"},
}};

std::string SettingsAudit(const ReminderSettings& s) {
  return nlohmann::json({{"days", s.days}, {"recipients", s.recipients}, {"enabled", s.enabled}}).dump();
}

}  // namespace

const char* ReminderStatusName(ReminderStatus status) {
  for (const auto& [s, name] : kStatuses) {
    if (s == status) return name;
  }
  return "pending";
}

Result<ReminderStatus> ParseReminderStatus(std::string_view name) {
  for (const auto& [s, text] : kStatuses) {
    if (name == text) return s;
  }
  return Status::Invalid("status must be pending, sent or failed", "status");
}

Status ValidateReminderSettings(ReminderSettings& settings) {
  if (settings.days.empty() || settings.days.size() > kMaxReminderThresholds) {
    return Status::Invalid("give 1 to " + std::to_string(kMaxReminderThresholds) + " reminder days", "days");
  }
  std::set<int> seen;
  for (int d : settings.days) {
    if (d < 1 || d > 365) return Status::Invalid("reminder days are whole days from 1 to 365", "days");
    if (!seen.insert(d).second) return Status::Invalid(std::to_string(d) + " days is listed twice", "days");
  }
  std::sort(settings.days.begin(), settings.days.end(), std::greater<>());
  if (settings.recipients.empty() || settings.recipients.size() > kMaxReminderRecipients) {
    return Status::Invalid("give 1 to " + std::to_string(kMaxReminderRecipients) + " e-mail addresses", "recipients");
  }
  std::set<std::string> addresses;
  for (const auto& address : settings.recipients) {
    if (!complaints::ValidateEmail(address).ok()) {
      return Status::Invalid("\"" + address + "\" is not an e-mail address", "recipients");
    }
    if (!addresses.insert(address).second) return Status::Invalid(address + " is listed twice", "recipients");
  }
  return Status::Ok();
}

std::optional<int> CrossedThreshold(const std::vector<int>& days, int64_t days_left) {
  if (days_left < 0) return std::nullopt;
  std::optional<int> crossed;
  for (int d : days) {
    if (days_left <= d && (!crossed || d < *crossed)) crossed = d;
  }
  return crossed;
}

std::pair<std::string, std::string> ReminderText(const ExpiringLicence& licence, int days_left,
                                                 std::string_view org_name_th) {
  const auto expires = ParseIsoDate(licence.licence.expires_on.value_or(""));
  const std::string expires_th = expires ? core::FormatThaiDate(*expires) : licence.licence.expires_on.value_or("");
  const std::string kind = LicenceKindThai(licence.licence.kind);
  const std::string when = days_left == 0 ? "วันนี้" : "ในอีก " + std::to_string(days_left) + " วัน";
  std::string subject = "แจ้งเตือน: " + kind + " ของ " + licence.factory_name + " จะหมดอายุ" + when;
  std::string body = "เรียน ผู้รับผิดชอบงานอนุญาต " + std::string(org_name_th) + "\n\n" + kind + " เลขที่ " +
                     licence.licence.number + " ของ " + licence.factory_name + " จะหมดอายุวันที่ " + expires_th + " (" +
                     when + ")\n";
  if (!licence.licence.issuer.empty()) body += "ผู้ออกใบอนุญาต: " + licence.licence.issuer + "\n";
  body +=
      "\nโปรดแจ้งผู้ประกอบการให้ยื่นคำขอต่ออายุก่อนวันหมดอายุ\n"
      "ดูรายละเอียดได้ที่หน้าโรงงานในระบบ ecotown (โรงงาน " +
      std::to_string(licence.licence.factory_id) +
      ")\n\n"
      "อีเมลนี้ส่งโดยระบบ ecotown ตามการตั้งค่าการแจ้งเตือนใบอนุญาตของหน่วยงาน\n";
  return {std::move(subject), std::move(body)};
}

Result<ReminderSettings> LicenceReminderService::GetSettings(UnitOfWork& work) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  return work.factories().GetReminderSettings(work.scope().principal().org_id);
}

Result<ReminderSettings> LicenceReminderService::PutSettings(UnitOfWork& work, ReminderSettings settings) const {
  const auto& scope = work.scope();
  RETURN_IF_ERROR(scope.Require(Permission::kManageUsers));
  settings.org_id = scope.principal().org_id;
  RETURN_IF_ERROR(scope.RequireWrite(settings.org_id, "organisation"));
  RETURN_IF_ERROR(ValidateReminderSettings(settings));
  auto before = work.factories().GetReminderSettings(settings.org_id);
  if (!before.ok() && before.status().code() != StatusCode::kNotFound) return before.status();
  settings.updated_at = work.info().now;
  settings.updated_by = scope.principal().name;
  RETURN_IF_ERROR(work.factories().PutReminderSettings(settings));
  RETURN_IF_ERROR(audit::Record(work, before.ok() ? "update" : "create", "licence_reminder_settings",
                                std::to_string(settings.org_id), settings.org_id,
                                before.ok() ? std::optional<std::string>(SettingsAudit(*before)) : std::nullopt,
                                SettingsAudit(settings)));
  return work.factories().GetReminderSettings(settings.org_id);
}

Result<std::vector<LicenceReminder>> LicenceReminderService::List(UnitOfWork& work, int limit) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kRead));
  if (limit < 1 || limit > 500) return Status::Invalid("limit must be from 1 to 500", "limit");
  return work.factories().ListReminders(work.scope().principal().org_id, limit);
}

Result<int> LicenceReminderService::Schedule(UnitOfWork& work, int64_t now) const {
  RETURN_IF_ERROR(work.scope().Require(Permission::kWrite));
  const core::CivilDate today = core::BangkokDateOf(now);
  const int64_t today_days = core::DaysFromCivil(today);
  int queued = 0;
  ASSIGN_OR_RETURN(const auto all_settings, work.factories().ListReminderSettings());
  for (const auto& settings : all_settings) {
    if (!settings.enabled || settings.days.empty() || settings.recipients.empty()) continue;
    const int widest = *std::max_element(settings.days.begin(), settings.days.end());
    ASSIGN_OR_RETURN(const auto org, work.orgs().Get(settings.org_id));
    ASSIGN_OR_RETURN(const auto licences,
                     work.factories().ExpiringLicencesOf(settings.org_id, IsoDate(today),
                                                         IsoDate(core::CivilFromDays(today_days + widest))));
    for (const auto& expiring : licences) {
      const auto expires = ParseIsoDate(expiring.licence.expires_on.value_or(""));
      if (!expires) continue;
      const int64_t days_left = core::DaysFromCivil(*expires) - today_days;
      const auto threshold = CrossedThreshold(settings.days, days_left);
      if (!threshold) continue;
      auto [subject, body] = ReminderText(expiring, static_cast<int>(days_left), org.name_th);
      for (const auto& to : settings.recipients) {
        LicenceReminder reminder;
        reminder.org_id = settings.org_id;
        reminder.factory_id = expiring.licence.factory_id;
        reminder.licence_id = expiring.licence.id;
        reminder.expires_on = *expiring.licence.expires_on;
        reminder.threshold_days = *threshold;
        reminder.to_address = to;
        reminder.subject = subject;
        reminder.body = body;
        reminder.next_attempt_at = now;
        reminder.created_at = now;
        ASSIGN_OR_RETURN(const bool fresh, work.factories().QueueReminder(reminder));
        if (fresh) ++queued;
      }
    }
  }
  return queued;
}

}  // namespace ecotown::factories
