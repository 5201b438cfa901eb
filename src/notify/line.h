// LINE notices: the Messaging API push endpoint (POST {base}/v2/bot/message/push) with the
// channel access token as a Bearer credential and X-Line-Retry-Key, so that a retry after a
// timeout never delivers twice (LINE answers 409 to a key it already accepted); and the calls of
// the complaint channel (complaints::LineApi): reply with a reply token, download a message's
// content from the content host (api-data.line.me).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/complaints/line.h"

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
// {"to": to, "messages": [text messages with their quick reply buttons]}, as a reply's.
std::string LinePushBody(std::string_view to, const std::vector<complaints::LineMessage>& messages);

// LINE's error message for a reply token it no longer takes (HTTP 400; the token was used, or
// it expired): {"message": "Invalid reply token"}.
inline constexpr const char* kLineInvalidReplyToken = "Invalid reply token";

// Ok on 200, and on 409 (this retry key was accepted before). Unavailable on transport errors,
// 429 and 5xx; Invalid on other answers (bad token, unknown recipient) and when not configured.
Status SendLinePush(const LineSettings& settings, std::string_view to, std::string_view text,
                    std::string_view retry_key);

// {"replyToken": token, "messages": [text messages with their quick reply buttons]}.
std::string LineReplyBody(std::string_view reply_token, const std::vector<complaints::LineMessage>& messages);

// complaints::LineApi over HTTP. Thread-safe (one curl handle per call).
class LineMessagingApi final : public complaints::LineApi {
 public:
  // api_base: https://api.line.me; content_base: https://api-data.line.me (or a test receiver).
  LineMessagingApi(std::string api_base, std::string content_base, int timeout_seconds);

  // kSent on 200; kTokenRefused on 400 "Invalid reply token"; Unavailable on transport errors, 429
  // and 5xx; Invalid otherwise (a bad access token).
  Result<complaints::LineReplyOutcome> Reply(std::string_view access_token, std::string_view reply_token,
                                             const std::vector<complaints::LineMessage>& messages) override;
  // Ok on 200 and 409 (the retry key was accepted before); errors as Reply.
  Status Push(std::string_view access_token, std::string_view to, const std::vector<complaints::LineMessage>& messages,
              std::string_view retry_key) override;
  // The bytes on 200; TooLarge past max_bytes; Unavailable/Invalid as Reply.
  Result<std::string> FetchContent(std::string_view access_token, std::string_view message_id,
                                   size_t max_bytes) override;

  const std::string& api_base() const { return api_base_; }

 private:
  const std::string api_base_;
  const std::string content_base_;
  const int timeout_seconds_;
};

}  // namespace ecotown::notify
