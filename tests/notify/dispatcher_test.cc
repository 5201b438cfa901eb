// The outbox dispatcher and the alert worker over a real SQLite database and real channels
// (receivers on 127.0.0.1): every queued notice goes out once, transient failures back off and
// are retried, permanent ones and exhausted retries fail with the reason, and a row left behind
// by a process that died mid-send is sent after its lease.
#include "notify/dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "modules/accounts/secrets.h"
#include "modules/alerts/alert_service.h"
#include "modules/orgs/org_service.h"
#include "notify/alert_worker.h"
#include "notify/local_servers.h"
#include "store/database.h"
#include "store/migrations/migrations.h"
#include "store/sql_stores.h"

namespace ecotown::notify {
namespace {

using testing::HttpReceiver;
using testing::SmtpSink;

constexpr int64_t kNow = 1'750'000'000;

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(accounts::InitSecrets().ok());
    auto db = store::Database::Open("sqlite::memory:", 1);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(store::Migrate(*db_, kNow).ok());
    transactor_ = std::make_unique<store::SqlTransactor>(*db_);
    ASSERT_TRUE(Write([](UnitOfWork& work) -> Status {
                  return orgs::AddOrg(work, {"banpong", orgs::OrgType::kTown, "เทศบาลเมืองบ้านโป่ง", "Ban Pong",
                                             std::nullopt, std::nullopt})
                      .status();
                }).ok());
    settings_.smtp.url = sink_.url();
    settings_.smtp.from = "alerts@banpong.go.th";
    settings_.smtp.require_tls = false;
    settings_.smtp.timeout_seconds = 3;
    settings_.line.api_base = line_.url("");
    settings_.line.channel_token = "line-token";
    settings_.line.timeout_seconds = 3;
    settings_.webhook_timeout_seconds = 3;
  }

  Status Write(const WorkFn& fn) {
    return transactor_->Write(tenancy::Scope::System("test"), RequestInfo{"t", "local", clock_.NowUnix()}, fn);
  }

  // A rule with one target per channel, and a test notice queued to them.
  alerts::AlertWithDeliveries QueueTestNotice() {
    std::optional<alerts::AlertWithDeliveries> queued;
    Status status = Write([&](UnitOfWork& work) -> Status {
      alerts::NewRule rule;
      rule.org_code = "banpong";
      rule.name = "ฝุ่นเกินมาตรฐาน";
      rule.kind = alerts::RuleKind::kPm25Daily;
      rule.threshold = 37.5;
      rule.channels.webhooks = {hook_.url("/hook")};
      rule.channels.emails = {"env@banpong.go.th"};
      rule.channels.line_to = {"U4af4980629c1d8e1e7e8b3e2f6b0d1a9"};
      ASSIGN_OR_RETURN(auto created, alerts::AlertService().CreateRule(work, rule));
      ASSIGN_OR_RETURN(queued, alerts::AlertService().SendTest(work, created.id));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return queued.value_or(alerts::AlertWithDeliveries{});
  }

  std::vector<alerts::Delivery> Deliveries(int64_t alert_id) {
    std::vector<alerts::Delivery> out;
    EXPECT_TRUE(Write([&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(out, work.alerts().DeliveriesOf({alert_id}));
                  return Status::Ok();
                }).ok());
    return out;
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::SqlTransactor> transactor_;
  core::FakeClock clock_{kNow};
  HttpReceiver hook_;
  HttpReceiver line_;
  SmtpSink sink_;
  ChannelSettings settings_;
};

TEST_F(DispatcherTest, EveryQueuedNoticeGoesOutOnceThroughItsChannel) {
  const auto queued = QueueTestNotice();
  ASSERT_EQ(queued.deliveries.size(), 3u);
  ChannelSender sender(settings_);
  Dispatcher dispatcher(*transactor_, clock_, sender);
  const DrainReport report = dispatcher.DrainOnce();
  EXPECT_EQ(report.sent, 3);
  EXPECT_EQ(report.retried, 0);
  EXPECT_EQ(report.failed, 0);
  EXPECT_TRUE(report.errors.empty());

  const auto hooks = hook_.WaitFor(1);
  ASSERT_EQ(hooks.size(), 1u);
  const auto body = nlohmann::json::parse(hooks[0].body);
  EXPECT_EQ(body["type"], "alert.test");
  EXPECT_EQ(body["alert"]["id"], queued.alert.id);
  const auto pushes = line_.WaitFor(1);
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].target, "/v2/bot/message/push");
  EXPECT_EQ(pushes[0].headers.at("authorization"), "Bearer line-token");
  const auto push = nlohmann::json::parse(pushes[0].body);
  EXPECT_EQ(push["to"], "U4af4980629c1d8e1e7e8b3e2f6b0d1a9");
  EXPECT_EQ(push["messages"][0]["text"], queued.alert.message_th + "\n\n" + queued.alert.message_en);
  const auto mails = sink_.WaitFor(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_to.at(0), "<env@banpong.go.th>");
  EXPECT_NE(mails[0].data.find("Subject: =?UTF-8?B?"), std::string::npos);

  for (const auto& d : Deliveries(queued.alert.id)) {
    EXPECT_EQ(d.status, alerts::DeliveryStatus::kSent) << alerts::ChannelName(d.channel);
    EXPECT_EQ(d.attempts, 1);
    EXPECT_EQ(d.sent_at, kNow);
    EXPECT_FALSE(d.last_error);
  }
  // The same key goes to LINE and the webhook as their idempotency keys.
  for (const auto& d : queued.deliveries) {
    if (d.channel == alerts::Channel::kLine) {
      EXPECT_EQ(pushes[0].headers.at("x-line-retry-key"), d.retry_key);
    }
    if (d.channel == alerts::Channel::kWebhook) {
      EXPECT_EQ(hooks[0].headers.at("idempotency-key"), d.retry_key);
    }
  }
  // Nothing is sent twice.
  EXPECT_EQ(dispatcher.DrainOnce().sent, 0);
  EXPECT_EQ(hook_.Requests().size(), 1u);
}

TEST_F(DispatcherTest, TransientFailuresBackOffAndAreRetried) {
  const auto queued = QueueTestNotice();
  hook_.QueueAnswer(503, "maintenance");
  hook_.QueueAnswer(502, "still");
  ChannelSender sender(settings_);
  Dispatcher dispatcher(*transactor_, clock_, sender, DispatchOptions{.max_attempts = 5, .backoff_base_seconds = 60});
  DrainReport first = dispatcher.DrainOnce();
  EXPECT_EQ(first.sent, 2);
  EXPECT_EQ(first.retried, 1);
  alerts::Delivery webhook;
  for (const auto& d : Deliveries(queued.alert.id)) {
    if (d.channel == alerts::Channel::kWebhook) webhook = d;
  }
  EXPECT_EQ(webhook.status, alerts::DeliveryStatus::kPending);
  EXPECT_EQ(webhook.next_attempt_at, kNow + 60);
  EXPECT_NE(webhook.last_error.value_or("").find("503"), std::string::npos);

  clock_.Advance(59);
  EXPECT_EQ(dispatcher.DrainOnce().retried + dispatcher.DrainOnce().sent, 0) << "not before its time";
  clock_.Advance(1);
  EXPECT_EQ(dispatcher.DrainOnce().retried, 1);
  for (const auto& d : Deliveries(queued.alert.id)) {
    if (d.channel == alerts::Channel::kWebhook) {
      EXPECT_EQ(d.next_attempt_at, kNow + 60 + 120) << "the wait doubles";
      EXPECT_EQ(d.attempts, 2);
    }
  }
  clock_.Advance(120);
  EXPECT_EQ(dispatcher.DrainOnce().sent, 1);
  EXPECT_EQ(hook_.Requests().size(), 3u);
  EXPECT_EQ(dispatcher.BackoffAfter(1), 60);
  EXPECT_EQ(dispatcher.BackoffAfter(3), 240);
  EXPECT_EQ(dispatcher.BackoffAfter(20), 3600);
}

TEST_F(DispatcherTest, PermanentFailuresAndExhaustedRetriesFailWithTheReason) {
  const auto queued = QueueTestNotice();
  hook_.QueueAnswer(410, "hook removed");
  settings_.line.channel_token.clear();  // LINE not configured
  sink_.RejectRecipientsWith(450);       // mailbox busy: transient
  ChannelSender sender(settings_);
  Dispatcher dispatcher(*transactor_, clock_, sender,
                        DispatchOptions{.max_attempts = 2, .backoff_base_seconds = 10, .backoff_max_seconds = 10});
  DrainReport first = dispatcher.DrainOnce();
  EXPECT_EQ(first.failed, 2);
  EXPECT_EQ(first.retried, 1);
  clock_.Advance(10);
  DrainReport second = dispatcher.DrainOnce();
  EXPECT_EQ(second.failed, 1) << "the e-mail used up its two attempts";
  for (const auto& d : Deliveries(queued.alert.id)) {
    EXPECT_EQ(d.status, alerts::DeliveryStatus::kFailed) << alerts::ChannelName(d.channel);
    ASSERT_TRUE(d.last_error) << alerts::ChannelName(d.channel);
    switch (d.channel) {
      case alerts::Channel::kWebhook:
        EXPECT_NE(d.last_error->find("410"), std::string::npos) << *d.last_error;
        break;
      case alerts::Channel::kLine:
        EXPECT_NE(d.last_error->find("line_channel_token"), std::string::npos);
        break;
      case alerts::Channel::kEmail:
        EXPECT_NE(d.last_error->find("450"), std::string::npos) << *d.last_error;
        EXPECT_EQ(d.attempts, 2);
        break;
    }
  }
  EXPECT_TRUE(line_.Requests().empty());
}

TEST_F(DispatcherTest, RowLeftBehindByADeadProcessIsSentAfterItsLease) {
  const auto queued = QueueTestNotice();
  // A dispatcher claims every row, then its process dies before sending or finishing.
  ASSERT_TRUE(Write([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto claimed, work.alerts().ClaimDue(kNow, kNow + 120, 10));
                EXPECT_EQ(claimed.size(), 3u);
                return Status::Ok();
              }).ok());
  ChannelSender sender(settings_);
  Dispatcher dispatcher(*transactor_, clock_, sender, DispatchOptions{.lease_seconds = 120});
  EXPECT_EQ(dispatcher.DrainOnce().sent, 0) << "leased to the other process";
  clock_.Advance(120);
  EXPECT_EQ(dispatcher.DrainOnce().sent, 3);
  EXPECT_EQ(hook_.WaitFor(1).size(), 1u);
  for (const auto& d : Deliveries(queued.alert.id)) {
    EXPECT_EQ(d.status, alerts::DeliveryStatus::kSent);
    EXPECT_EQ(d.attempts, 2);
  }
}

TEST_F(DispatcherTest, WorkerDeliversInTheBackgroundAndStopsPromptly) {
  QueueTestNotice();
  ChannelSender sender(settings_);
  Dispatcher dispatcher(*transactor_, clock_, sender);
  AlertWorker worker(
      *transactor_, clock_, [](UnitOfWork& work) -> readings::ReadingStore& { return work.readings(); }, dispatcher,
      WorkerOptions{std::chrono::seconds(3600), std::chrono::seconds(1)});
  worker.Start();
  EXPECT_EQ(hook_.WaitFor(1).size(), 1u);
  EXPECT_EQ(line_.WaitFor(1).size(), 1u);
  EXPECT_EQ(sink_.WaitFor(1).size(), 1u);
  // A notice queued while it runs goes out within the dispatch interval.
  QueueTestNotice();
  EXPECT_EQ(hook_.WaitFor(2).size(), 2u);
  const auto start = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace ecotown::notify
