#include "modules/alerts/alert.h"

#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "core/thai_calendar.h"
#include "core/utf8.h"

namespace ecotown::alerts {
namespace {

constexpr std::array<std::pair<RuleKind, const char*>, 5> kRuleKinds = {{
    {RuleKind::kPm25Daily, "pm25_24h"},
    {RuleKind::kPm25NowCast, "pm25_nowcast"},
    {RuleKind::kAqiLevel, "aqi_level"},
    {RuleKind::kOffline, "offline"},
    {RuleKind::kDataQuality, "data_quality"},
}};

constexpr std::array<std::pair<Phase, const char*>, 4> kPhases = {{
    {Phase::kClear, "clear"},
    {Phase::kPending, "pending"},
    {Phase::kFiring, "firing"},
    {Phase::kRecoveryPending, "recovery_pending"},
}};

constexpr std::array<std::pair<AlertKind, const char*>, 3> kAlertKinds = {{
    {AlertKind::kFire, "fire"},
    {AlertKind::kRecover, "recover"},
    {AlertKind::kTest, "test"},
}};

constexpr std::array<std::pair<Channel, const char*>, 3> kChannels = {{
    {Channel::kWebhook, "webhook"},
    {Channel::kEmail, "email"},
    {Channel::kLine, "line"},
}};

constexpr std::array<std::pair<DeliveryStatus, const char*>, 3> kDeliveryStatuses = {{
    {DeliveryStatus::kPending, "pending"},
    {DeliveryStatus::kSent, "sent"},
    {DeliveryStatus::kFailed, "failed"},
}};

template <typename Enum, size_t N>
const char* NameIn(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

template <typename Enum, size_t N>
std::optional<Enum> FindIn(const std::array<std::pair<Enum, const char*>, N>& table, std::string_view name) {
  for (const auto& [v, text] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWhole(double v) { return std::isfinite(v) && v == std::floor(v); }

// A domain name: dot-separated labels of letters, digits and inner hyphens, at least two labels.
bool IsDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  int labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    const size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? domain.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

template <typename Check>
Status ValidateList(const std::vector<std::string>& items, const char* field, Check check) {
  if (items.size() > kMaxTargetsPerChannel) {
    return Status::Invalid(
        std::string(field) + " may list at most " + std::to_string(kMaxTargetsPerChannel) + " targets", field);
  }
  std::set<std::string_view> seen;
  for (const auto& item : items) {
    RETURN_IF_ERROR(check(item));
    if (!seen.insert(item).second) return Status::Invalid(std::string(field) + " lists " + item + " twice", field);
  }
  return Status::Ok();
}

}  // namespace

const char* RuleKindName(RuleKind kind) { return NameIn(kRuleKinds, kind); }

Result<RuleKind> ParseRuleKind(std::string_view name) {
  if (auto kind = FindIn(kRuleKinds, name)) return *kind;
  return Status::Invalid("kind must be one of pm25_24h, pm25_nowcast, aqi_level, offline, data_quality", "kind");
}

const char* ScaleName(core::AqiScale scale) { return scale == core::AqiScale::kThai ? "th" : "us"; }

Result<core::AqiScale> ParseScale(std::string_view name) {
  if (name == "th") return core::AqiScale::kThai;
  if (name == "us") return core::AqiScale::kUs;
  return Status::Invalid("scale must be th (Thai AQI) or us (US AQI)", "scale");
}

core::QaFlags ImplausibleFlags() {
  return core::kQaNotFinite | core::kQaNegative | core::kQaAboveRange | core::kQaStuck | core::kQaSpike |
         core::kQaPm25AbovePm10 | core::kQaHumidityInvalid | core::kQaChannelDisagreement | core::kQaFutureTimestamp;
}

Result<int> ParseClockTime(std::string_view text, std::string_view field) {
  const std::string f(field);
  if (text.size() != 5 || text[2] != ':' || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[3]) ||
      !IsDigit(text[4])) {
    return Status::Invalid(f + " must be a time HH:MM", f);
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return Status::Invalid(f + " must be a time from 00:00 to 23:59", f);
  return hours * 60 + minutes;
}

std::string FormatClockTime(int minute) {
  const int h = minute / 60;
  const int m = minute % 60;
  std::string text;
  text += static_cast<char>('0' + h / 10);
  text += static_cast<char>('0' + h % 10);
  text += ':';
  text += static_cast<char>('0' + m / 10);
  text += static_cast<char>('0' + m % 10);
  return text;
}

Result<QuietHours> ParseQuietHours(std::string_view start, std::string_view end) {
  QuietHours quiet;
  ASSIGN_OR_RETURN(quiet.start_minute, ParseClockTime(start, "quiet_hours.start"));
  ASSIGN_OR_RETURN(quiet.end_minute, ParseClockTime(end, "quiet_hours.end"));
  if (quiet.start_minute == quiet.end_minute) {
    return Status::Invalid("quiet_hours.end must differ from quiet_hours.start", "quiet_hours.end");
  }
  return quiet;
}

bool InQuietHours(const QuietHours& quiet, int64_t unix_seconds) {
  const int64_t local = unix_seconds + core::kBangkokUtcOffsetSeconds;
  const int64_t seconds_of_day = ((local % 86400) + 86400) % 86400;
  const int minute = static_cast<int>(seconds_of_day / 60);
  if (quiet.start_minute < quiet.end_minute) return minute >= quiet.start_minute && minute < quiet.end_minute;
  return minute >= quiet.start_minute || minute < quiet.end_minute;  // wraps midnight
}

Status ValidateRuleName(std::string_view name) {
  if (!core::IsValidUtf8(name) || name.empty() || core::CodePointCount(name) > 200) {
    return Status::Invalid("name must be valid text of 1 to 200 characters", "name");
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20)
      return Status::Invalid("name must not contain control characters", "name");
  }
  return Status::Ok();
}

Status ValidateThreshold(RuleKind kind, const std::optional<core::AqiScale>& scale, double threshold) {
  if (kind == RuleKind::kAqiLevel) {
    if (!scale) return Status::Invalid("scale is required for an aqi_level rule (th or us)", "scale");
  } else if (scale) {
    return Status::Invalid("scale applies only to aqi_level rules", "scale");
  }
  switch (kind) {
    case RuleKind::kPm25Daily:
    case RuleKind::kPm25NowCast:
      if (!std::isfinite(threshold) || threshold <= 0 || threshold > 1000) {
        return Status::Invalid("threshold must be a PM2.5 concentration above 0 and at most 1000 µg/m³", "threshold");
      }
      return Status::Ok();
    case RuleKind::kAqiLevel: {
      const int top = *scale == core::AqiScale::kThai ? 5 : 6;
      if (!IsWhole(threshold) || threshold < 2 || threshold > top) {
        return Status::Invalid("threshold must be an AQI level from 2 to " + std::to_string(top), "threshold");
      }
      return Status::Ok();
    }
    case RuleKind::kOffline:
      if (!IsWhole(threshold) || threshold < 5 || threshold > 10080) {
        return Status::Invalid("threshold must be whole minutes from 5 to 10080", "threshold");
      }
      return Status::Ok();
    case RuleKind::kDataQuality:
      if (!IsWhole(threshold) || threshold < 1 || threshold > 1000) {
        return Status::Invalid("threshold must be a whole number of readings from 1 to 1000", "threshold");
      }
      return Status::Ok();
  }
  return Status::Invalid("unknown rule kind", "kind");
}

Status ValidateWebhookUrl(std::string_view url) {
  const char* field = "channels.webhooks";
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return Status::Invalid("webhook URL must start with http:// or https://", field);
  }
  if (url.size() > 2048) return Status::Invalid("webhook URL must be at most 2048 characters", field);
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return Status::Invalid("webhook URL must not contain spaces or non-ASCII characters", field);
  }
  const size_t host_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, host_end);
  if (authority.find('@') != std::string_view::npos) {
    return Status::Invalid("webhook URL must not carry a user name or password", field);
  }
  if (authority.empty() || authority.front() == ':') return Status::Invalid("webhook URL needs a host", field);
  return Status::Ok();
}

Status ValidateEmailAddress(std::string_view address) {
  const char* field = "channels.emails";
  if (address.empty() || address.size() > 254) {
    return Status::Invalid("e-mail address must be 1 to 254 characters", field);
  }
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) {
    return Status::Invalid("e-mail address " + std::string(address) + " is not valid", field);
  }
  const std::string_view local = address.substr(0, at);
  // The dot-atom of RFC 5322: no quoting, no spaces, no characters that could break a header.
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~.";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return Status::Invalid("e-mail address " + std::string(address) + " is not valid", field);
  }
  for (const char c : local) {
    if (!IsAlnum(c) && kAtext.find(c) == std::string_view::npos) {
      return Status::Invalid("e-mail address " + std::string(address) + " is not valid", field);
    }
  }
  if (!IsDomain(address.substr(at + 1))) {
    return Status::Invalid("e-mail address " + std::string(address) + " has no valid domain", field);
  }
  return Status::Ok();
}

Status ValidateLineRecipient(std::string_view id) {
  const char* field = "channels.line_to";
  bool ok = id.size() == 33 && (id[0] == 'U' || id[0] == 'C' || id[0] == 'R');
  for (size_t i = 1; ok && i < id.size(); ++i) {
    ok = IsDigit(id[i]) || (id[i] >= 'a' && id[i] <= 'f');
  }
  if (!ok) {
    return Status::Invalid("LINE recipient must be a user (U...), group (C...) or room (R...) id of 32 hex digits",
                           field);
  }
  return Status::Ok();
}

Status ValidateChannels(const Channels& channels) {
  RETURN_IF_ERROR(ValidateList(channels.webhooks, "channels.webhooks", ValidateWebhookUrl));
  RETURN_IF_ERROR(ValidateList(channels.emails, "channels.emails", ValidateEmailAddress));
  RETURN_IF_ERROR(ValidateList(channels.line_to, "channels.line_to", ValidateLineRecipient));
  if (channels.empty()) {
    return Status::Invalid("channels must name at least one webhook, e-mail address or LINE recipient", "channels");
  }
  return Status::Ok();
}

Status ValidateRule(const AlertRule& rule) {
  RETURN_IF_ERROR(ValidateRuleName(rule.name));
  RETURN_IF_ERROR(ValidateThreshold(rule.kind, rule.scale, rule.threshold));
  RETURN_IF_ERROR(ValidateChannels(rule.channels));
  if (rule.quiet_hours) {
    const auto& q = *rule.quiet_hours;
    if (q.start_minute < 0 || q.start_minute > 1439)
      return Status::Invalid("quiet_hours.start out of range", "quiet_hours.start");
    if (q.end_minute < 0 || q.end_minute > 1439)
      return Status::Invalid("quiet_hours.end out of range", "quiet_hours.end");
    if (q.start_minute == q.end_minute) {
      return Status::Invalid("quiet_hours.end must differ from quiet_hours.start", "quiet_hours.end");
    }
  }
  return Status::Ok();
}

const char* PhaseName(Phase phase) { return NameIn(kPhases, phase); }

Result<Phase> ParsePhase(std::string_view name) {
  if (auto phase = FindIn(kPhases, name)) return *phase;
  return Status::Invalid("unknown alert state " + std::string(name), "state");
}

const char* AlertKindName(AlertKind kind) { return NameIn(kAlertKinds, kind); }

Result<AlertKind> ParseAlertKind(std::string_view name) {
  if (auto kind = FindIn(kAlertKinds, name)) return *kind;
  return Status::Invalid("kind must be fire, recover or test", "kind");
}

const char* ChannelName(Channel channel) { return NameIn(kChannels, channel); }

Result<Channel> ParseChannel(std::string_view name) {
  if (auto channel = FindIn(kChannels, name)) return *channel;
  return Status::Invalid("channel must be webhook, email or line", "channel");
}

const char* DeliveryStatusName(DeliveryStatus status) { return NameIn(kDeliveryStatuses, status); }

Result<DeliveryStatus> ParseDeliveryStatus(std::string_view name) {
  if (auto status = FindIn(kDeliveryStatuses, name)) return *status;
  return Status::Invalid("status must be pending, sent or failed", "status");
}

}  // namespace ecotown::alerts
