#include "http/complaint_http.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/thai_calendar.h"

namespace ecotown::http {

std::optional<Response> RefuseOverLimit(RateLimiter& limiter, const Request& request) {
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  int64_t retry_after = 0;
  if (limiter.Allow(request.remote_ip, now_ms, &retry_after)) return std::nullopt;
  Response response =
      Response::Json(429, nlohmann::json({{"error",
                                           {{"code", "too_many_requests"},
                                            {"message", "too many requests from this address; try again later"},
                                            {"field", ""}}}})
                              .dump());
  response.AddHeader("Retry-After", std::to_string(retry_after));
  return response;
}

Result<orgs::Org> FindLao(UnitOfWork& work, const std::string& code) {
  // Organisations are public records (SqlOrgStore is not scoped).
  ASSIGN_OR_RETURN(auto org, work.orgs().FindByCode(code));
  if (!orgs::IsLao(org.type)) return Status::NotFound("organisation " + code + " does not take complaints");
  return org;
}

Result<orgs::Org> FindLao(Call& call, const std::string& code) {
  std::optional<orgs::Org> org;
  RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(org, FindLao(work, code));
    return Status::Ok();
  }));
  return *org;
}

std::string FormatIsoBangkok(int64_t unix_seconds) {
  const int64_t local = unix_seconds + core::kBangkokUtcOffsetSeconds;
  const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const int64_t seconds = local - days * 86400;
  const core::CivilDate date = core::CivilFromDays(days);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", date.year, date.month, date.day,
                static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return out;
}

Result<int64_t> ParseIsoTime(std::string_view text, std::string_view field) {
  const Status bad = Status::Invalid(std::string(field) +
                                         " must be an ISO 8601 date-time with a time zone, "
                                         "e.g. 2026-11-26T14:30:00+07:00",
                                     std::string(field));
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const std::string s(text);
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 || consumed != 10) return bad;
  if (!core::IsValidDate(year, month, day)) return bad;
  const int64_t day_start = core::DaysFromCivil({year, month, day}) * 86400;
  if (s.size() == 10) return day_start - core::kBangkokUtcOffsetSeconds;
  if (s[10] != 'T' && s[10] != ' ') return bad;
  size_t pos = 11;
  int n = 0;
  if (std::sscanf(s.c_str() + pos, "%2d:%2d%n", &hour, &minute, &n) != 2 || n != 5) return bad;
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (std::sscanf(s.c_str() + pos, ":%2d%n", &second, &n) != 1 || n != 3) return bad;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {  // fractions of a second are dropped
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return bad;
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset = 0;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    const std::string zone = s.substr(pos + 1);
    if (zone.size() == 5 && std::sscanf(zone.c_str(), "%2d:%2d", &oh, &om) == 2) {
    } else if (zone.size() == 4 && std::sscanf(zone.c_str(), "%2d%2d", &oh, &om) == 2) {
    } else {
      return bad;
    }
    if (oh > 14 || om > 59) return bad;
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return bad;
  }
  return day_start + hour * 3600 + minute * 60 + second - offset;
}

Result<std::string> DecodeBase64Field(std::string_view text, std::string_view field) {
  if (text.rfind("data:", 0) == 0) {
    const auto comma = text.find(',');
    if (comma == std::string_view::npos || text.substr(0, comma).find(";base64") == std::string_view::npos) {
      return Status::Invalid(std::string(field) + " is not a base64 data URL", std::string(field));
    }
    text.remove_prefix(comma + 1);
  }
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), " \r\n",
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Status::Invalid(std::string(field) + " is not valid base64", std::string(field));
  }
  out.resize(length);
  return out;
}

}  // namespace ecotown::http
