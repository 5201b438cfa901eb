// The LINE channel's use cases: an LAO administrator connects the LAO's LINE Official Account
// (LineChannelService), and the webhook turns residents' chats into complaints: AcceptLineEvents
// stores the events while LINE waits for the answer, LineWebhook handles them after it.
//
// LineWebhook files through ComplaintService::File, the same use case as the web form (same
// validation, deadline and tracking number), with source "line" and the resident's LINE user id
// as contact; status changes then reach the resident as LINE pushes through the notice outbox.
// Stateless apart from its references; thread-safe as far as its Transactor and LineApi are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/complaints/line.h"
#include "modules/orgs/org.h"
#include "modules/unit_of_work.h"

namespace ecotown::complaints {

// Absent fields stay as saved; an empty secret or token clears it.
struct LineConnectionUpdate {
  int64_t org_id = 0;
  std::optional<std::string> channel_id;
  std::optional<std::string> channel_secret;
  std::optional<std::string> access_token;
  std::optional<bool> enabled;
};

class LineChannelService {
 public:
  // The organisation's connection (an empty, disabled one when none was saved). Needs
  // kManageUsers over the organisation: only its administrator sees even the channel id.
  Result<LineConnection> GetConnection(UnitOfWork& work, int64_t org_id) const;
  // Needs kManageUsers; Invalid naming the field (ValidateLineConnection; "org" for an
  // organisation that takes no complaints). Audited with whether a secret and token are set,
  // never their values.
  Result<LineConnection> PutConnection(UnitOfWork& work, const LineConnectionUpdate& update) const;
  // The inbox events given up after kLineInboxMaxAttempts, newest first (at most 50), with their
  // last error. Needs kManageUsers over the organisation, as the connection.
  Result<std::vector<LineInboxFailure>> FailedEvents(UnitOfWork& work, int64_t org_id) const;
};

// What the webhook call did with its events (the answer to LINE).
struct LineWebhookReport {
  int accepted = 0;     // stored in the inbox, handled after the answer
  int redelivered = 0;  // remembered before, and LINE says it is redelivering
  int replayed = 0;     // remembered before and not a redelivery, or older than kLineEventMaxAgeSeconds
  int ignored = 0;      // standby mode, group chats: remembered, not answered
};

// Stores the verified events of `org`'s channel in `work` (a resident scope of the organisation):
// each webhookEventId is remembered, and each event a resident can be answered for goes into the
// inbox with it, so that the call is answered in milliseconds and nothing is lost if the server
// stops before handling it. An event without a timestamp or older than kLineEventMaxAgeSeconds
// counts as replayed: its id may have been forgotten already.
Result<LineWebhookReport> AcceptLineEvents(UnitOfWork& work, const orgs::Org& org, const std::vector<LineEvent>& events);

// What one run over the inbox did.
struct LineInboxReport {
  int handled = 0;                  // events stepped (and replied to)
  int pushed = 0;                   // of those, answered with the push API: the reply token was spent
  int failed = 0;                   // left in the inbox for the next run
  int dropped = 0;                  // given up after kLineInboxMaxAttempts: kept, marked failed
  std::vector<std::string> errors;  // replies, content downloads and store errors (logged by the caller)
};

// A stored event whose handling failed this often is given up: logged, and kept in the inbox marked
// failed with its last error (LineStore::MarkEventFailed), out of the way of the user's later events.
inline constexpr int kLineInboxMaxAttempts = 5;
// How long a worker holds the events it claimed: longer than one event's handling takes (a content
// download, a reply and a push, each with the LINE timeout); a worker that dies lets them go then.
inline constexpr int64_t kLineInboxLeaseSeconds = 120;

// The inbox's handler: the conversation step of each waiting event, the filing, the reply.
class LineWebhook {
 public:
  // tracking_url_base: the public address of the web app ("https://ecotown.example.go.th/"),
  // to which "#/track/<tracking>" is appended in the answer; empty: the number alone.
  LineWebhook(Transactor& transactor, LineApi& api, std::string tracking_url_base);

  // Claims up to `limit` waiting events of every organisation (LineStore::ClaimEvents: the oldest
  // of each LINE user, under a lease of kLineInboxLeaseSeconds) and handles them in arrival order,
  // each in its own transaction that takes it out of the inbox with what it changed, so that two
  // workers or instances never handle one event twice nor one user's events out of order. The
  // photo is downloaded before, the answer sent after the commit: a reply while the reply token
  // lives (kLineReplyTokenSeconds from the webhook's arrival), else, or when LINE refuses the
  // token, the same messages pushed to the user. A failed event is retried from
  // retry_after_seconds on, and the user's later events wait behind it.
  LineInboxReport HandlePending(const RequestInfo& info, int limit, int64_t retry_after_seconds = 5);

 private:
  Status HandleOne(const LineInboxItem& item, const RequestInfo& info, LineInboxReport& report);
  // Sends the answer to an event (reply, or push when the token is spent); errors go to the report.
  void Answer(const LineConnection& connection, const LineEvent& event, const LineInboxItem& item,
              const RequestInfo& info, const std::vector<LineMessage>& messages, LineInboxReport& report);

  Transactor& transactor_;
  LineApi& api_;
  const std::string tracking_url_base_;
};

}  // namespace ecotown::complaints
