// LINE Official Account as a complaint channel: the LAO administrator's connection settings and
// the Messaging API webhook (docs/complaints-api.md §"LINE").
//
// The webhook checks X-Line-Signature over the raw body before anything is parsed; a call without
// a valid signature is refused (401) with nothing stored. Every event's webhookEventId is
// remembered: a redelivery of a handled event is a no-op answering 200, a replayed body whose
// events were all handled and that LINE did not mark as redelivered is refused (409). LINE waits
// 2 seconds for the answer: the events are stored in the inbox and answered at once; the inbox
// worker (notify/line_inbox.h) downloads photos, files and replies after.
#include <functional>

#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/complaint_http.h"
#include "http/json_body.h"
#include "modules/complaints/complaint_service.h"
#include "modules/complaints/line_service.h"

namespace ecotown::http {
namespace {

using complaints::LineConnection;
using nlohmann::json;

// What a GET shows: whether the secret and token are set, never their values.
json ConnectionJson(const orgs::Org& org, const LineConnection& c) {
  return {{"org", org.code},
          {"channel_id", c.channel_id},
          {"channel_secret_set", !c.channel_secret.empty()},
          {"access_token_set", !c.access_token.empty()},
          {"enabled", c.enabled},
          {"updated_at", c.updated_at ? json(c.updated_at) : json()},
          {"webhook_path", "/line/webhook/" + org.code}};
}

// The inbox events given up after their last attempt: which event, when, and why (no payload: it
// holds the resident's message).
json FailuresJson(const std::vector<complaints::LineInboxFailure>& failures) {
  json out = json::array();
  for (const auto& f : failures) {
    out.push_back({{"event_id", f.event_id},
                   {"received_at", f.received_at},
                   {"failed_at", f.failed_at},
                   {"attempts", f.attempts},
                   {"last_error", f.last_error}});
  }
  return out;
}

// The organisation named by ?org= or the body's "org", else the caller's own.
Result<orgs::Org> TargetOrg(UnitOfWork& work, const std::optional<std::string>& code) {
  if (code && !code->empty()) {
    auto org = work.orgs().FindByCode(*code);
    if (!org.ok()) return Status::Invalid("unknown organisation " + *code, "org");
    return org;
  }
  return work.orgs().Get(work.scope().principal().org_id);
}

}  // namespace

void RegisterLineRoutes(Router& router, std::function<void()> events_stored) {
  router.Add("GET", "/api/v1/line-connection", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const orgs::Org org, TargetOrg(work, call.request.Query("org")));
      const complaints::LineChannelService channels;
      ASSIGN_OR_RETURN(const LineConnection c, channels.GetConnection(work, org.id));
      ASSIGN_OR_RETURN(const auto failures, channels.FailedEvents(work, org.id));
      out = ConnectionJson(org, c);
      out["failed_events"] = FailuresJson(failures);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add("PUT", "/api/v1/line-connection", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(auto org_code, body.OptString("org", 32));
    complaints::LineConnectionUpdate update;
    ASSIGN_OR_RETURN(update.channel_id, body.OptString("channel_id", 20));
    ASSIGN_OR_RETURN(update.channel_secret, body.OptString("channel_secret", 64));
    ASSIGN_OR_RETURN(update.access_token, body.OptString("access_token", 1000));
    ASSIGN_OR_RETURN(update.enabled, body.OptBool("enabled"));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(const orgs::Org org, TargetOrg(work, org_code));
      update.org_id = org.id;
      ASSIGN_OR_RETURN(const LineConnection c, complaints::LineChannelService().PutConnection(work, update));
      out = ConnectionJson(org, c);
      return Status::Ok();
    }));
    return Response::Json(200, out.dump());
  });

  router.Add(
      "POST", "/line/webhook/{code}", Access::kPublic,
      [events_stored = std::move(events_stored)](Call& call) -> Result<Response> {
        ASSIGN_OR_RETURN(const orgs::Org org, FindLao(call, call.Param("code")));
        std::optional<LineConnection> connection;
        RETURN_IF_ERROR(
            call.transactor.Read(complaints::ResidentScope(org, "line"), call.info, [&](UnitOfWork& work) -> Status {
              ASSIGN_OR_RETURN(connection, work.line().GetConnection(org.id));
              return Status::Ok();
            }));
        if (!connection || !connection->Usable()) {
          return Status::NotFound("organisation " + org.code + " has not connected LINE");
        }
        const auto signature = call.request.Header("x-line-signature");
        if (!signature || !complaints::VerifyLineSignature(connection->channel_secret, call.request.body, *signature)) {
          return Status::Unauthenticated("missing or wrong X-Line-Signature");
        }
        ASSIGN_OR_RETURN(const auto events, complaints::ParseLineWebhook(call.request.body));
        complaints::LineWebhookReport report;
        RETURN_IF_ERROR(
            call.transactor.Write(complaints::ResidentScope(org, "line"), call.info, [&](UnitOfWork& work) -> Status {
              ASSIGN_OR_RETURN(report, complaints::AcceptLineEvents(work, org, events));
              return Status::Ok();
            }));
        if (report.accepted > 0) events_stored();
        if (report.replayed > 0 && report.accepted + report.ignored + report.redelivered == 0) {
          return Status::Conflict("every event of this call was handled before or is too old (a replay)");
        }
        return Response::Json(
            200,
            json({{"accepted", report.accepted}, {"redelivered", report.redelivered}, {"ignored", report.ignored}})
                .dump());
      });
}

}  // namespace ecotown::http
