// What the complaint routes and the Open311 routes share: the public rate limiters, the LAO
// lookup by code, ISO 8601 times in Bangkok, base64 photos.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/rate_limiter.h"
#include "http/router.h"
#include "modules/orgs/org.h"

namespace ecotown::http {

struct PublicLimiters {
  PublicLimiters(RateLimit posts_limit, RateLimit reads_limit) : posts(posts_limit), reads(reads_limit) {}
  RateLimiter posts;  // filing (web form and Open311 POST)
  RateLimiter reads;  // tracking pages, transparency, Open311 GET
};

// nullopt when the caller's address still has a token; otherwise the 429 answer (JSON error body,
// Retry-After) to send instead.
std::optional<Response> RefuseOverLimit(RateLimiter& limiter, const Request& request);

// The organisation with this code, which must take complaints (an LAO): NotFound otherwise.
// Organisations are public records: any scope reads them.
Result<orgs::Org> FindLao(UnitOfWork& work, const std::string& code);
Result<orgs::Org> FindLao(Call& call, const std::string& code);

// "2026-11-26T20:42:10+07:00".
std::string FormatIsoBangkok(int64_t unix_seconds);
// ISO 8601 / W3C date-time with a zone ("Z" or "+07:00"), or a date "YYYY-MM-DD" (Bangkok
// midnight). Invalid naming field otherwise.
Result<int64_t> ParseIsoTime(std::string_view text, std::string_view field);

// Standard base64, optionally as a data: URL ("data:image/jpeg;base64,...").
Result<std::string> DecodeBase64Field(std::string_view text, std::string_view field);

}  // namespace ecotown::http
