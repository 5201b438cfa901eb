// The LINE channel's use cases: an LAO administrator connects the LAO's LINE Official Account
// (LineChannelService), and the webhook turns residents' chats into complaints (LineWebhook).
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
};

struct LineWebhookReport {
  int handled = 0;                  // events acted on now
  int redelivered = 0;              // handled before, and LINE says it is redelivering
  int replayed = 0;                 // handled before, and not marked as a redelivery
  int ignored = 0;                  // standby mode, group chats: remembered, not answered
  std::vector<std::string> errors;  // replies or content downloads that failed (logged by the caller)
};

class LineWebhook {
 public:
  // tracking_url_base: the public address of the web app ("https://ecotown.example.go.th/"),
  // to which "#/track/<tracking>" is appended in the answer; empty: the number alone.
  LineWebhook(Transactor& transactor, LineApi& api, std::string tracking_url_base);

  // Handles verified events of `org`'s channel in order: each one in its own transaction that
  // remembers its webhookEventId with what it changed, so a redelivery changes nothing. Replies
  // are sent after the commit. Store errors end the call (LINE redelivers what was not handled).
  Result<LineWebhookReport> Handle(const orgs::Org& org, const LineConnection& connection,
                                   const std::vector<LineEvent>& events, const RequestInfo& info);

 private:
  Transactor& transactor_;
  LineApi& api_;
  const std::string tracking_url_base_;
};

}  // namespace ecotown::complaints
