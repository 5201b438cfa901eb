// The live-update fan-out across instances: two hubs (two processes in production) on one
// database; a change committed through one reaches the subscribers of both.
#include "modules/events/event_hub.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/migrations/migrations.h"
#include "store/sql_stores.h"
#include "support/test_env.h"

namespace ecotown::events {
namespace {

class EventHubTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "postgres") {
      auto pg = testing::FreshPostgresDatabase("events");
      if (!pg) GTEST_SKIP() << "PostgreSQL tests not configured (ECOTOWN_TEST_PG_URL)";
      url = *pg;
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("ecotown-events-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir_);
      url = "sqlite:" + (dir_ / "events.db").string();
      std::filesystem::remove(dir_ / "events.db");
    }
    auto db = store::Database::Open(url, 4);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(store::Migrate(*db_, 1000).ok());
    transactor_ = std::make_unique<store::SqlTransactor>(*db_);
    // Two organisations, as two LAOs sharing the installation.
    ASSERT_TRUE(transactor_->Write(tenancy::Scope::System(), Info(), [&](UnitOfWork& work) -> Status {
      for (const char* code : {"a", "b"}) {
        orgs::Org org;
        org.code = code;
        org.name_th = org.name_en = code;
        org.created_at = 1000;
        auto id = work.orgs().Insert(org);
        if (!id.ok()) return id.status();
        (code[0] == 'a' ? org_a_ : org_b_) = *id;
      }
      return Status::Ok();
    }).ok());
  }

  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  RequestInfo Info() const { return RequestInfo{"test", "127.0.0.1", clock_.NowUnix()}; }
  tenancy::Scope ScopeOf(int64_t org) const {
    tenancy::Principal p;
    p.user_id = 1;
    p.org_id = org;
    p.role = tenancy::Role::kOfficer;
    return tenancy::Scope(p, {org}, false);
  }
  Status PublishFor(int64_t org, const std::string& payload) {
    return transactor_->Write(tenancy::Scope::System(), Info(),
                              [&](UnitOfWork& work) { return Publish(work, org, "change", payload); });
  }

  std::filesystem::path dir_;
  core::FakeClock clock_{1000};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::SqlTransactor> transactor_;
  int64_t org_a_ = 0, org_b_ = 0;
};

TEST_P(EventHubTest, ChangeThroughOneInstanceReachesSubscribersOfBoth) {
  EventHub first(*transactor_, clock_);
  EventHub second(*transactor_, clock_);
  ASSERT_TRUE(first.Start().ok());
  ASSERT_TRUE(second.Start().ok());
  first.Stop();  // drive polls by hand for a deterministic test
  second.Stop();
  auto on_first = first.Subscribe(ScopeOf(org_a_), std::nullopt);
  auto on_second = second.Subscribe(ScopeOf(org_a_), std::nullopt);
  ASSERT_TRUE(on_first.ok() && on_second.ok());

  ASSERT_TRUE(PublishFor(org_a_, R"({"entity":"user"})").ok());
  ASSERT_TRUE(first.PollOnce().ok());
  ASSERT_TRUE(second.PollOnce().ok());
  auto got_first = (*on_first)->Take();
  auto got_second = (*on_second)->Take();
  ASSERT_EQ(got_first.size(), 1u);
  ASSERT_EQ(got_second.size(), 1u);
  EXPECT_EQ(got_first[0].payload_json, R"({"entity":"user"})");
  EXPECT_EQ(got_first[0].id, got_second[0].id);
}

TEST_P(EventHubTest, SubscriberSeesOnlyItsOwnOrganisationsEvents) {
  EventHub hub(*transactor_, clock_);
  ASSERT_TRUE(hub.Start().ok());
  hub.Stop();
  auto a = hub.Subscribe(ScopeOf(org_a_), std::nullopt);
  auto b = hub.Subscribe(ScopeOf(org_b_), std::nullopt);
  ASSERT_TRUE(PublishFor(org_a_, "{}").ok());
  ASSERT_TRUE(PublishFor(org_a_, "{}").ok());
  ASSERT_TRUE(PublishFor(org_b_, "{}").ok());
  ASSERT_TRUE(hub.PollOnce().ok());
  EXPECT_EQ((*a)->Take().size(), 2u);
  EXPECT_EQ((*b)->Take().size(), 1u);
  // Nothing is delivered twice.
  ASSERT_TRUE(hub.PollOnce().ok());
  EXPECT_TRUE((*a)->Take().empty());
}

// Regression (web_monitoring's live map stopped updating once the demo seeded the factory side):
// after a burst of events bigger than one read, one poll must still reach the newest event,
// instead of one page per poll interval while new events wait behind the burst.
TEST_P(EventHubTest, OnePollCatchesUpAfterABurstOfEvents) {
  EventHub hub(*transactor_, clock_);
  ASSERT_TRUE(hub.Start().ok());
  hub.Stop();
  auto a = hub.Subscribe(ScopeOf(org_a_), std::nullopt);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(transactor_->Write(tenancy::Scope::System(), Info(), [&](UnitOfWork& work) -> Status {
    for (int i = 0; i < 2500; ++i) RETURN_IF_ERROR(Publish(work, org_b_, "change", "{}"));
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(PublishFor(org_a_, R"({"entity":"reading"})").ok());
  ASSERT_TRUE(hub.PollOnce().ok());
  auto got = (*a)->Take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload_json, R"({"entity":"reading"})");
}

// Regression (the demo's live map went silent once it had seeded complaints): the newest events
// were back-dated, so the hub's first clean-up deleted them, and SQLite handed their ids out again
// to new events, below what the hub had seen: those were never delivered.
TEST_P(EventHubTest, CleanupOfBackdatedNewestEventsDoesNotSilenceLaterOnes) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(PublishFor(org_a_, R"({"entity":"complaint"})").ok());
  clock_.Advance(3 * 24 * 3600);  // those three are now older than the retention
  EventHub hub(*transactor_, clock_);
  ASSERT_TRUE(hub.Start().ok());
  hub.Stop();
  auto a = hub.Subscribe(ScopeOf(org_a_), std::nullopt);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(hub.PollOnce().ok());  // the first poll also cleans up
  ASSERT_TRUE(PublishFor(org_a_, R"({"entity":"reading"})").ok());
  ASSERT_TRUE(hub.PollOnce().ok());
  auto got = (*a)->Take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload_json, R"({"entity":"reading"})");
}

TEST_P(EventHubTest, ResumeAfterLastEventIdReplaysMissedEvents) {
  EventHub hub(*transactor_, clock_);
  ASSERT_TRUE(hub.Start().ok());
  hub.Stop();
  ASSERT_TRUE(PublishFor(org_a_, R"({"n":1})").ok());
  ASSERT_TRUE(PublishFor(org_a_, R"({"n":2})").ok());
  ASSERT_TRUE(hub.PollOnce().ok());
  auto first = hub.Subscribe(ScopeOf(org_a_), std::nullopt);
  ASSERT_TRUE(hub.PollOnce().ok());
  EXPECT_TRUE((*first)->Take().empty());  // both happened before it subscribed
  std::vector<Event> all;
  ASSERT_TRUE(transactor_->Read(tenancy::Scope::System(), Info(), [&](UnitOfWork& work) -> Status {
    auto after = work.events().After(0, 10);
    if (!after.ok()) return after.status();
    all = *after;
    return Status::Ok();
  }).ok());
  ASSERT_EQ(all.size(), 2u);
  auto resumed = hub.Subscribe(ScopeOf(org_a_), all[0].id);
  ASSERT_TRUE(resumed.ok());
  auto replay = (*resumed)->Take();
  ASSERT_EQ(replay.size(), 1u);
  EXPECT_EQ(replay[0].payload_json, R"({"n":2})");
}

TEST_P(EventHubTest, SlowSubscriberIsToldToResync) {
  EventHub hub(*transactor_, clock_, HubOptions{std::chrono::milliseconds(500), 2, 3600});
  ASSERT_TRUE(hub.Start().ok());
  hub.Stop();
  auto sub = hub.Subscribe(ScopeOf(org_a_), std::nullopt);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(PublishFor(org_a_, "{}").ok());
  ASSERT_TRUE(hub.PollOnce().ok());
  EXPECT_TRUE((*sub)->overflowed());
  EXPECT_EQ((*sub)->Take().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventHubTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace ecotown::events
