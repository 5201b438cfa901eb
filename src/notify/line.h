// LINE notices: the Messaging API push endpoint (POST {base}/v2/bot/message/push) with the
// channel access token as a Bearer credential and X-Line-Retry-Key, so that a retry after a
// timeout never delivers twice (LINE answers 409 to a key it already accepted).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace ecotown::notify {

struct LineSettings {
  std::string api_base = "https://api.line.me";  // no trailing slash needed
  std::string channel_token;                     // empty: LINE is off
  int timeout_seconds = 10;
};

// A text message is at most 5000 characters: longer text is cut and ends with "…".
inline constexpr size_t kLineMaxTextChars = 5000;

// {"to": to, "messages": [{"type": "text", "text": text}]}
std::string LinePushBody(std::string_view to, std::string_view text);

// Ok on 200, and on 409 (this retry key was accepted before). Unavailable on transport errors,
// 429 and 5xx; Invalid on other answers (bad token, unknown recipient) and when not configured.
Status SendLinePush(const LineSettings& settings, std::string_view to, std::string_view text,
                    std::string_view retry_key);

}  // namespace ecotown::notify
