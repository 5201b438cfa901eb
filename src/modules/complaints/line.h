// LINE Official Account as a complaint channel: the LAO's connection (channel id, secret, access
// token), the webhook's signature check and event parsing, the conversation that collects a
// complaint (category, photo, location, description), the LineStore port and the LineApi port to
// the Messaging API. docs/complaints-api.md §"LINE" describes the flow.
//
// The channel secret and access token are stored (the secret signs every webhook call, the token
// every reply and push) but never shown: readers see only whether they are set. A resident's LINE
// user id is personal data like an e-mail address: kept with the complaint and its notices for
// the pushes, never in a public answer, erased with the rest after the retention period.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "modules/complaints/complaint.h"

namespace ecotown::complaints {

// ---- connection -------------------------------------------------------------------------------

struct LineConnection {
  int64_t org_id = 0;
  std::string channel_id;      // digits, from the LINE Developers console
  std::string channel_secret;  // 32 hex characters; signs the webhook calls
  std::string access_token;    // long-lived channel access token
  bool enabled = false;
  int64_t updated_at = 0;
  // Whether the webhook can take calls: enabled with a secret and a token.
  bool Usable() const { return enabled && !channel_secret.empty() && !access_token.empty(); }
};

// Invalid naming channel_id (1..20 digits), channel_secret (32 hex), access_token (20..1000 of
// printable ASCII without spaces); an enabled connection needs all three.
Status ValidateLineConnection(const LineConnection& connection);

// ---- webhook ----------------------------------------------------------------------------------

// base64(HMAC-SHA256(channel_secret, body)) compared with the X-Line-Signature header in constant
// time. False for an empty secret or header, whatever the body.
bool VerifyLineSignature(std::string_view channel_secret, std::string_view body, std::string_view signature);
// The signature LINE would send (tests and the docs' example).
std::string LineSignature(std::string_view channel_secret, std::string_view body);

// One webhook event, reduced to what the complaint channel uses.
struct LineEvent {
  enum class Kind { kFollow, kUnfollow, kText, kImage, kLocation, kPostback, kOther };
  Kind kind = Kind::kOther;
  std::string event_id;     // webhookEventId (ULID)
  bool redelivery = false;  // deliveryContext.isRedelivery
  bool standby = false;     // mode "standby": another channel answers; do not reply
  std::string reply_token;  // empty for unfollow and standby events
  std::string user_id;      // source.userId; empty for group and room sources without one
  bool from_user = false;   // source.type == "user" (a one-to-one chat)
  int64_t timestamp_ms = 0;
  std::string text;        // text message text, or postback data
  std::string message_id;  // image message id (its content is fetched separately)
  double lat = 0;          // location message
  double lon = 0;
  std::string address;  // location message address (may be empty)
  std::string raw;      // the event's JSON as received: kept in the inbox until it is handled
};

// How long a webhookEventId is remembered (table line_webhook_events, pruned by the complaint
// worker). LINE redelivers an unanswered event for at most about a day; a week is well past that.
// An event whose timestamp is older than kLineEventMaxAgeSeconds is refused as a replay, so an
// event forgotten after the retention period can never be taken again.
inline constexpr int64_t kLineEventRetentionSeconds = 7 * 24 * 3600;
inline constexpr int64_t kLineEventMaxAgeSeconds = kLineEventRetentionSeconds - 24 * 3600;

// The events of a webhook body ({"destination": ..., "events": [...]}); an empty list is LINE's
// "verify" call. Invalid("body") for anything that is not such an object; an event without
// webhookEventId is Invalid("events[i].webhookEventId").
Result<std::vector<LineEvent>> ParseLineWebhook(std::string_view body);

// ---- conversation -----------------------------------------------------------------------------

enum class LineStep { kCategory, kPhoto, kLocation, kDescription };
const char* LineStepName(LineStep step);  // "category", "photo", "location", "description"
Result<LineStep> ParseLineStep(std::string_view name);

// One resident's complaint in progress, kept in the database between messages.
struct LineConversation {
  int64_t org_id = 0;
  std::string user_id;
  LineStep step = LineStep::kCategory;
  std::optional<Category> category;
  std::optional<std::string> photo;  // image bytes, checked
  std::optional<double> lat;
  std::optional<double> lon;
  std::string address;
  int64_t updated_at = 0;
};

// A conversation idle this long starts over.
inline constexpr int64_t kLineConversationIdleSeconds = 30 * 60;

// One quick reply button: label (at most 20 characters) and the postback data it sends.
struct LineQuickReply {
  std::string label;
  std::string data;
};

// A text message to the resident, with optional quick reply buttons and location button.
struct LineMessage {
  std::string text;
  std::vector<LineQuickReply> quick_replies;
  bool ask_location = false;  // a "send location" quick reply button
};

// What the input does to the conversation. With file set, `next` holds the complete draft and the
// caller files it (the description is in `description`), then replies with the tracking number.
struct LineStepOutcome {
  std::optional<LineConversation> next;  // nullopt: the conversation is over (or never began)
  std::vector<LineMessage> replies;
  bool file = false;
  std::string description;
};

// Checks a location the resident sent (the LAO's area, as the web form); Ok or Invalid.
using LineLocationCheck = std::function<Status(double lat, double lon)>;

// The conversation's state machine (pure). `current` is the stored conversation; one idle for
// longer than kLineConversationIdleSeconds counts as over. `photo` holds the fetched bytes of an
// image event, or nullopt when they could not be fetched. A start keyword ("ร้องเรียน",
// "complaint") or a follow starts over; "ยกเลิก"/"cancel" ends it. Bad input (unknown category, a
// photo that is no image, a location the check refuses, a short description) answers with a Thai
// message and keeps the step.
LineStepOutcome StepLineConversation(const std::optional<LineConversation>& current, const LineEvent& event,
                                     const std::optional<std::string>& photo, const LineLocationCheck& check_location,
                                     int64_t org_id, int64_t now);

// One stored webhook event waiting to be handled (table line_inbox), in arrival order by id.
struct LineInboxItem {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string event_id;
  std::string user_id;  // the LINE user who sent it: one user's events are handled one at a time, in order
  std::string payload;  // LineEvent::raw
  int64_t received_at = 0;
  int attempts = 0;  // failed handling attempts so far
};

// An inbox event given up after kLineInboxMaxAttempts failed attempts: kept, out of the way of the
// user's later events, for the LAO's administrator to see (GET /api/v1/line-connection).
struct LineInboxFailure {
  int64_t id = 0;
  std::string event_id;
  int64_t received_at = 0;
  int64_t failed_at = 0;
  int attempts = 0;
  std::string last_error;
};

// ---- store port -------------------------------------------------------------------------------

// Persistence of the LINE channel. Connections are read for the webhook under a resident scope of
// the organisation; writes need write access to the organisation.
class LineStore {
 public:
  virtual ~LineStore() = default;
  virtual Result<std::optional<LineConnection>> GetConnection(int64_t org_id) = 0;
  virtual Status PutConnection(const LineConnection& connection) = 0;

  virtual Result<std::optional<LineConversation>> GetConversation(int64_t org_id, std::string_view user_id) = 0;
  virtual Status PutConversation(const LineConversation& conversation) = 0;
  virtual Status DeleteConversation(int64_t org_id, std::string_view user_id) = 0;
  // Deletes the conversations idle since before `before` (they hold a user id and maybe a photo).
  virtual Result<int> DeleteConversationsIdleSince(int64_t org_id, int64_t before) = 0;

  // Remembers a webhook event id; false when it was remembered before (a replay or redelivery).
  virtual Result<bool> RememberEvent(int64_t org_id, std::string_view event_id, int64_t now) = 0;
  virtual Result<bool> EventSeen(int64_t org_id, std::string_view event_id) = 0;
  // Forgets at most `limit` remembered event ids received before `before`, oldest first, of every
  // organisation; Forbidden unless the scope is System's (the retention job).
  virtual Result<int> ForgetEventsReceivedBefore(int64_t before, int limit) = 0;

  // The inbox: a verified event of `user_id` stored with the answer to LINE, handled after it.
  virtual Status EnqueueEvent(int64_t org_id, std::string_view event_id, std::string_view user_id,
                              std::string_view payload, int64_t now) = 0;
  // Claims, in one statement, at most `limit` waiting events of every organisation, by id: of each
  // LINE user only the oldest waiting event (failed ones do not wait), and only when no unexpired
  // claim holds it; each one
  // claimed is held until `lease_until` (Unix s). A user's later events wait until the earlier one
  // is taken, so two workers or instances never handle one user's events out of order, and an event
  // whose worker died is claimed again once its lease ends. Forbidden unless System.
  virtual Result<std::vector<LineInboxItem>> ClaimEvents(int64_t now, int64_t lease_until, int limit) = 0;
  // Removes the item; false when it was already gone (another worker took it).
  virtual Result<bool> TakeEvent(int64_t org_id, int64_t id) = 0;
  // Counts a failed attempt with its error (kept for the operator); the event (and the user's
  // later ones behind it) is claimed again from `retry_at` (Unix s).
  virtual Status RecordEventFailure(int64_t org_id, int64_t id, std::string_view error, int64_t retry_at) = 0;
  // Counts the last failed attempt and marks the event failed at `now` with its error: never
  // claimed again, and no longer holding back the user's later events.
  virtual Status MarkEventFailed(int64_t org_id, int64_t id, std::string_view error, int64_t now) = 0;
  // The organisation's failed events, newest first, at most `limit`.
  virtual Result<std::vector<LineInboxFailure>> FailedEvents(int64_t org_id, int limit) = 0;
  // Deletes the organisation's failed events received before `before` (their payloads hold what
  // residents sent): the retention sweep. Returns how many.
  virtual Result<int> DeleteFailedEventsReceivedBefore(int64_t org_id, int64_t before) = 0;
};

// ---- Messaging API port -----------------------------------------------------------------------

// A reply token may be used once, within one minute of the webhook's arrival (LINE Messaging API
// reference, "Send reply message"); later, LINE's answer is not guaranteed.
inline constexpr int64_t kLineReplyTokenSeconds = 60;

// What a reply call did: sent, or refused because LINE no longer takes the reply token (HTTP 400
// {"message": "Invalid reply token"}: expired, or used already).
enum class LineReplyOutcome { kSent, kTokenRefused };

// A random RFC 4122 version 4 UUID: LINE takes only UUIDs as X-Line-Retry-Key.
std::string NewLineRetryKey();

// The calls the channel makes to LINE (notify/line.h implements them over HTTP).
class LineApi {
 public:
  virtual ~LineApi() = default;
  // POST {api_base}/v2/bot/message/reply.
  virtual Result<LineReplyOutcome> Reply(std::string_view access_token, std::string_view reply_token,
                                         const std::vector<LineMessage>& messages) = 0;
  // POST {api_base}/v2/bot/message/push to one user, with X-Line-Retry-Key: the same messages as a
  // reply, for an event whose reply token is spent.
  virtual Status Push(std::string_view access_token, std::string_view to, const std::vector<LineMessage>& messages,
                      std::string_view retry_key) = 0;
  // GET {content_base}/v2/bot/message/{id}/content: the bytes (at most max_bytes; TooLarge beyond).
  virtual Result<std::string> FetchContent(std::string_view access_token, std::string_view message_id,
                                           size_t max_bytes) = 0;
};

}  // namespace ecotown::complaints
