// Licence and permit expiry reminders: each LAO chooses how many days before an expiry it wants
// to be told (e.g. 90, 30 and 7) and who receives the e-mails. The scheduler puts one reminder
// per licence, expiry date, threshold and recipient into an outbox (the store refuses a second
// one, so restarts and several instances never send twice); notify/licence_reminder_mailer.h
// sends them over SMTP. A renewed licence (a new expiry date) is reminded again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "modules/factories/factory.h"
#include "modules/unit_of_work.h"

namespace ecotown::factories {

// Invalid("days") for none, more than 5, a value outside 1..365 or a repeated one;
// Invalid("recipients") for none, more than 10, or one that is not an e-mail address.
// Sorts the thresholds largest first.
Status ValidateReminderSettings(ReminderSettings& settings);

// The threshold a licence expiring in days_left days has crossed: the smallest threshold that is
// >= days_left; none when days_left is negative (already expired) or above every threshold.
std::optional<int> CrossedThreshold(const std::vector<int>& days, int64_t days_left);

// The e-mail of one reminder, in Thai with BE dates: subject and body.
std::pair<std::string, std::string> ReminderText(const ExpiringLicence& licence, int days_left,
                                                 std::string_view org_name_th);

class LicenceReminderService {
 public:
  // Needs kRead. The settings of the caller's organisation; NotFound when none were saved.
  Result<ReminderSettings> GetSettings(UnitOfWork& work) const;
  // Needs kManageUsers (lao-admin) in the caller's own LAO; validated as above. Audited.
  Result<ReminderSettings> PutSettings(UnitOfWork& work, ReminderSettings settings) const;
  // Needs kRead. The newest reminders of the caller's organisation, at most `limit` (1..500).
  Result<std::vector<LicenceReminder>> List(UnitOfWork& work, int limit) const;

  // Needs a write scope over the organisations (the system scope of the worker). For every
  // organisation with enabled settings, queues the reminders due on the Bangkok day of `now` for
  // licences expiring from that day on; returns how many new ones were queued.
  Result<int> Schedule(UnitOfWork& work, int64_t now) const;
};

}  // namespace ecotown::factories
