// The LINE complaint channel on every backend: the LAO's connection (administrator only, audited
// without secrets), conversations that survive a restart with their photo, webhook event ids
// remembered once, LINE filings with the resident's user id, one push per public change in the
// notice outbox, the retention erasure of user ids and abandoned drafts, and the webhook inbox's
// claims (one event per user at a time, in order, under a lease). SQLite always;
// PostgreSQL with the CTest fixture.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "modules/complaints/complaint_service.h"
#include "modules/complaints/line_service.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using complaints::Category;
using complaints::ComplaintService;
using complaints::ComplaintStatus;
using complaints::LineChannelService;
using complaints::LineConversation;
using complaints::NoticeChannel;

constexpr int64_t kDay = 86400;
const char* const kUser = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1";
const char* const kSecret = "8c570fa6dd201bb328f1c1eac23a96d8";
const char* const kToken = "test-channel-access-token-0123456789";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'x');

class LineStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(AddOrg("national", orgs::OrgType::kNationalOffice, std::nullopt).ok());
    ASSERT_TRUE(AddOrg("po-70", orgs::OrgType::kProvinceOffice, std::string("national")).ok());
    auto a = AddOrg("lao-a", orgs::OrgType::kTown, std::string("po-70"));
    auto b = AddOrg("lao-b", orgs::OrgType::kTown, std::string("po-70"));
    ASSERT_TRUE(a.ok() && b.ok());
    lao_a_ = *a;
    lao_b_ = *b;
    auto admin = AddUser("lao-a", "admin-a", Role::kLaoAdmin);
    auto officer = AddUser("lao-a", "officer-a", Role::kOfficer);
    auto admin_b = AddUser("lao-b", "admin-b", Role::kLaoAdmin);
    ASSERT_TRUE(admin.ok() && officer.ok() && admin_b.ok());
    admin_a_ = *admin;
    officer_a_ = *officer;
    admin_b_ = *admin_b;
  }

  template <typename Fn>
  Status As(const User& user, Fn fn, int64_t now = kNow) {
    return transactor_->Write(ScopeOf(user), Info(now), [&](UnitOfWork& work) -> Status { return fn(work); });
  }
  template <typename Fn>
  Status AsSystem(Fn fn) {
    return transactor_->Write(Scope::System("line"), Info(), [&](UnitOfWork& work) -> Status { return fn(work); });
  }
  // (id, org_id) rows of a query.
  std::vector<std::pair<int64_t, int64_t>> Query(const std::string& sql) {
    std::vector<std::pair<int64_t, int64_t>> out;
    auto conn = db_->Acquire();
    if (!conn.ok()) return out;
    auto rows = (*conn)->Query(sql);
    if (rows.ok()) {
      for (const auto& row : rows->rows) out.emplace_back(row.Int(0), row.Int(1));
    }
    return out;
  }
  template <typename Fn>
  Status AsLine(Fn fn, int64_t now = kNow) {
    return transactor_->Write(complaints::ResidentScope(lao_a_, "line"), Info(now),
                              [&](UnitOfWork& work) -> Status { return fn(work); });
  }

  Result<complaints::Filed> FileOverLine(int64_t now = kNow) {
    complaints::NewComplaint request;
    request.category = Category::kOdour;
    request.description = "กลิ่นเหม็นจากบ่อน้ำเสียของโรงงานทุกคืน";
    request.address = "หมู่ 5";
    request.source = "line";
    request.contact.line_user_id = kUser;
    request.photos = {kJpeg};
    std::optional<complaints::Filed> filed;
    RETURN_IF_ERROR(AsLine(
        [&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(filed, ComplaintService().File(work, lao_a_, request));
          return Status::Ok();
        },
        now));
    return *filed;
  }

  orgs::Org lao_a_, lao_b_;
  User admin_a_, officer_a_, admin_b_;
};

TEST_P(LineStoreTest, OnlyTheLaoAdministratorConnectsLineAndTheAuditLogNeverHoldsTheSecrets) {
  complaints::LineConnectionUpdate update;
  update.org_id = lao_a_.id;
  update.channel_id = "1657000001";
  update.channel_secret = kSecret;
  update.access_token = kToken;
  update.enabled = true;
  Status refused =
      As(officer_a_, [&](UnitOfWork& work) { return LineChannelService().PutConnection(work, update).status(); });
  EXPECT_EQ(refused.code(), StatusCode::kForbidden) << refused.ToString();
  Status other_lao =
      As(admin_b_, [&](UnitOfWork& work) { return LineChannelService().PutConnection(work, update).status(); });
  EXPECT_FALSE(other_lao.ok());
  ASSERT_TRUE(
      As(admin_a_, [&](UnitOfWork& work) { return LineChannelService().PutConnection(work, update).status(); }).ok());

  // Turning on without a token is refused naming the field; nothing changes.
  complaints::LineConnectionUpdate clear;
  clear.org_id = lao_a_.id;
  clear.access_token = "";
  Status cleared =
      As(admin_a_, [&](UnitOfWork& work) { return LineChannelService().PutConnection(work, clear).status(); });
  EXPECT_EQ(cleared.field(), "access_token");
  complaints::LineConnectionUpdate bad_secret;
  bad_secret.org_id = lao_a_.id;
  bad_secret.channel_secret = "not-hex";
  EXPECT_EQ(
      As(admin_a_, [&](UnitOfWork& work) { return LineChannelService().PutConnection(work, bad_secret).status(); })
          .field(),
      "channel_secret");

  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto c, work.line().GetConnection(lao_a_.id));
                EXPECT_TRUE(c.has_value());
                EXPECT_TRUE(c->Usable());
                EXPECT_EQ(c->channel_secret, kSecret);  // retrievable: it signs every webhook call
                EXPECT_EQ(c->access_token, kToken);
                return Status::Ok();
              }).ok());
  auto audit = Sql("SELECT before_json, after_json FROM audit_log WHERE entity = 'line_connection'");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->rows.size(), 1u);
  const std::string after = audit->rows[0].Text(1);
  EXPECT_NE(after.find("\"channel_secret_set\":true"), std::string::npos) << after;
  EXPECT_EQ(after.find(kSecret), std::string::npos);
  EXPECT_EQ(after.find(kToken), std::string::npos);
}

TEST_P(LineStoreTest, AConversationKeepsItsStepAndPhotoAndEventIdsAreRememberedOnce) {
  LineConversation c;
  c.org_id = lao_a_.id;
  c.user_id = kUser;
  c.step = complaints::LineStep::kLocation;
  c.category = Category::kNoise;
  c.photo = kJpeg;
  c.updated_at = kNow;
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) { return work.line().PutConversation(c); }).ok());
  ASSERT_TRUE(
      AsLine([&](UnitOfWork& work) -> Status {
        ASSIGN_OR_RETURN(auto read, work.line().GetConversation(lao_a_.id, kUser));
        EXPECT_TRUE(read.has_value());
        EXPECT_EQ(read->step, complaints::LineStep::kLocation);
        EXPECT_EQ(read->category, Category::kNoise);
        EXPECT_EQ(read->photo, kJpeg);
        EXPECT_FALSE(read->lat.has_value());
        ASSIGN_OR_RETURN(auto other, work.line().GetConversation(lao_a_.id, "Uffffffffffffffffffffffffffffffff"));
        EXPECT_FALSE(other.has_value());
        ASSIGN_OR_RETURN(const bool first, work.line().RememberEvent(lao_a_.id, "01FZ74A0TDDPYRVKNK77XKC3ZR", kNow));
        ASSIGN_OR_RETURN(const bool again, work.line().RememberEvent(lao_a_.id, "01FZ74A0TDDPYRVKNK77XKC3ZR", kNow));
        EXPECT_TRUE(first);
        EXPECT_FALSE(again);
        ASSIGN_OR_RETURN(const bool seen, work.line().EventSeen(lao_a_.id, "01FZ74A0TDDPYRVKNK77XKC3ZR"));
        EXPECT_TRUE(seen);
        return Status::Ok();
      }).ok());
  // Another LAO's channel is another namespace of event ids; and it cannot read this LAO's drafts.
  Status foreign =
      transactor_->Write(complaints::ResidentScope(lao_b_, "line"), Info(), [&](UnitOfWork& work) -> Status {
        ASSIGN_OR_RETURN(const bool fresh, work.line().RememberEvent(lao_b_.id, "01FZ74A0TDDPYRVKNK77XKC3ZR", kNow));
        EXPECT_TRUE(fresh);
        return work.line().GetConversation(lao_a_.id, kUser).status();
      });
  EXPECT_FALSE(foreign.ok());
  EXPECT_EQ(Count("line_conversations"), 1);
}

TEST_P(LineStoreTest, ALineFilingKeepsTheUserIdPrivateAndEachPublicChangeQueuesOnePush) {
  auto filed = FileOverLine();
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  EXPECT_EQ(filed->complaint.source, "line");
  EXPECT_EQ(filed->complaint.consent_version, "line-public-task");
  EXPECT_EQ(Count("complaint_photos"), 1);
  EXPECT_EQ(Count("complaints", "source = 'line' AND line_user_id = '" + std::string(kUser) + "'"), 1);
  EXPECT_EQ(Count("complaint_notices"), 0);  // the chat already answered the filing
  // The audit log knows there is a contact, not who.
  EXPECT_EQ(Count("audit_log", "after_json LIKE '%" + std::string(kUser) + "%'"), 0);

  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                complaints::TransitionRequest to{ComplaintStatus::kAssigned, {}, officer_a_.id, {}};
                return ComplaintService().Transition(work, filed->complaint.id, to).status();
              }).ok());
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                return ComplaintService().AddNote(work, filed->complaint.id, "ญาติของผู้ร้อง", false).status();
              }).ok());
  EXPECT_EQ(Count("complaint_notices", "channel = 'line' AND to_address = '" + std::string(kUser) + "'"), 1);
  auto row = Sql("SELECT retry_key, body FROM complaint_notices");
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->rows.size(), 1u);
  EXPECT_TRUE(std::regex_match(row->rows[0].Text(0),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << row->rows[0].Text(0);
  EXPECT_NE(row->rows[0].Text(1).find(filed->complaint.tracking), std::string::npos);

  ASSERT_TRUE(
      SystemWrite([&](UnitOfWork& work) -> Status {
        ASSIGN_OR_RETURN(auto email, work.complaints().ClaimDueNotices(kNow, kNow + 120, 10, {NoticeChannel::kEmail}));
        EXPECT_TRUE(email.empty());
        ASSIGN_OR_RETURN(auto line, work.complaints().ClaimDueNotices(kNow, kNow + 120, 10, {NoticeChannel::kLine}));
        EXPECT_EQ(line.size(), 1u);
        if (!line.empty()) {
          EXPECT_EQ(line[0].channel, NoticeChannel::kLine);
          EXPECT_EQ(line[0].attempts, 1);
        }
        return Status::Ok();
      }).ok());

  // An officer sees the LINE user id through the audited contact view.
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto contact, ComplaintService().ViewContact(work, filed->complaint.id));
                EXPECT_EQ(contact.line_user_id, kUser);
                return Status::Ok();
              }).ok());
}

TEST_P(LineStoreTest, RetentionErasesTheUserIdFailsPendingPushesAndDropsAbandonedDrafts) {
  ASSERT_TRUE(As(admin_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto settings, ComplaintService().GetSettings(work, lao_a_.id));
                settings.retention_days = 30;
                return ComplaintService().PutSettings(work, settings).status();
              }).ok());
  auto filed = FileOverLine();
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                return ComplaintService().AddNote(work, filed->complaint.id, "รับเรื่องแล้ว จะลงพื้นที่", true).status();
              }).ok());
  LineConversation draft;
  draft.org_id = lao_a_.id;
  draft.user_id = "U0000000000000000000000000000000a";
  draft.step = complaints::LineStep::kPhoto;
  draft.updated_at = kNow;
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) { return work.line().PutConversation(draft); }).ok());
  // Two inbox events given up on (they keep what the resident sent): one received before the
  // retention period, one within it.
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, "ev-old", draft.user_id, R"({"text":"ฝุ่น"})", kNow));
                return work.line().EnqueueEvent(lao_a_.id, "ev-new", draft.user_id, R"({"text":"ควัน"})",
                                                kNow + 2 * kDay);
              }).ok());
  auto inbox = Sql("SELECT id FROM line_inbox ORDER BY id");
  ASSERT_TRUE(inbox.ok() && inbox->rows.size() == 2u);
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                for (const auto& row : inbox->rows) {
                  RETURN_IF_ERROR(work.line().MarkEventFailed(lao_a_.id, row.Int(0), "reply failed", kNow + 3 * kDay));
                }
                return Status::Ok();
              }).ok());

  ASSERT_TRUE(transactor_
                  ->Write(Scope::System("retention"), Info(kNow + 31 * kDay),
                          [&](UnitOfWork& work) { return ComplaintService().EraseExpiredEverywhere(work).status(); })
                  .ok());
  EXPECT_EQ(Count("complaints", "line_user_id IS NULL AND personal_erased_at IS NOT NULL"), 1);
  EXPECT_EQ(Count("complaint_notices", "to_address = '" + std::string(kUser) + "'"), 0);
  EXPECT_EQ(Count("complaint_notices", "status = 'failed'"), 1);
  EXPECT_EQ(Count("line_conversations"), 0);
  EXPECT_EQ(Count("line_inbox"), 1);
  EXPECT_EQ(Count("line_inbox", "event_id = 'ev-new'"), 1);
  EXPECT_EQ(Count("audit_log", "action = 'erase_personal_data' AND entity = 'line_inbox'"), 1);
}

// Issue 5: the remembered webhook event ids are forgotten after kLineEventRetentionSeconds, oldest
// first and in batches, by the system only; a replay older than that is refused by its timestamp.
TEST_P(LineStoreTest, WebhookEventIdsAreForgottenInBatchesAfterTheRetentionAndOldEventsAreRefused) {
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                for (int i = 0; i < 5; ++i) {
                  RETURN_IF_ERROR(work.line().RememberEvent(lao_a_.id, "old-" + std::to_string(i), kNow + i).status());
                }
                return work.line().RememberEvent(lao_a_.id, "recent", kNow + 6 * kDay).status();
              }).ok());
  const int64_t later = kNow + 6 * kDay + complaints::kLineEventRetentionSeconds - 1;
  Status by_lao = AsLine([&](UnitOfWork& work) {
    return work.line().ForgetEventsReceivedBefore(later - complaints::kLineEventRetentionSeconds, 10).status();
  });
  EXPECT_EQ(by_lao.code(), StatusCode::kForbidden);
  std::vector<int> batches;
  for (int batch = 3; batch == 3;) {
    ASSERT_TRUE(transactor_
                    ->Write(Scope::System("line-event-retention"), Info(later),
                            [&](UnitOfWork& work) -> Status {
                              ASSIGN_OR_RETURN(batch, work.line().ForgetEventsReceivedBefore(
                                                          later - complaints::kLineEventRetentionSeconds, 3));
                              return Status::Ok();
                            })
                    .ok());
    batches.push_back(batch);
  }
  EXPECT_EQ(batches, (std::vector<int>{3, 2}));
  EXPECT_EQ(Count("line_webhook_events"), 1);
  EXPECT_EQ(Count("line_webhook_events", "event_id = 'recent'"), 1);

  // A forgotten event delivered again is not taken: its timestamp says it is a replay.
  complaints::LineEvent old;
  old.event_id = "old-0";
  old.from_user = true;
  old.user_id = kUser;
  old.kind = complaints::LineEvent::Kind::kText;
  old.raw = R"({"webhookEventId":"old-0"})";
  old.timestamp_ms = kNow * 1000;
  complaints::LineEvent fresh = old;
  fresh.event_id = "fresh";
  fresh.timestamp_ms = later * 1000 - 5000;
  ASSERT_TRUE(AsLine(
                  [&](UnitOfWork& work) -> Status {
                    ASSIGN_OR_RETURN(auto report, complaints::AcceptLineEvents(work, lao_a_, {old, fresh}));
                    EXPECT_EQ(report.replayed, 1);
                    EXPECT_EQ(report.accepted, 1);
                    return Status::Ok();
                  },
                  later)
                  .ok());
  EXPECT_EQ(Count("line_webhook_events", "event_id = 'old-0'"), 0);
  EXPECT_EQ(Count("line_inbox", "event_id = 'fresh'"), 1);
}

// Issue 5: the webhook's inbox keeps events in arrival order until one worker takes each; a failed
// attempt is counted with its error; only the system claims from every LAO's inbox.
TEST_P(LineStoreTest, TheInboxKeepsArrivalOrderAndEachEventIsTakenOnce) {
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, "e2", "U2", R"({"n":2})", kNow));
                return work.line().EnqueueEvent(lao_a_.id, "e1", "U1", R"({"n":1})", kNow);
              }).ok());
  EXPECT_FALSE(AsLine([&](UnitOfWork& work) { return work.line().ClaimEvents(kNow, kNow + 60, 10).status(); }).ok());
  std::vector<complaints::LineInboxItem> items;
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(items, work.line().ClaimEvents(kNow, kNow + 60, 10));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].event_id, "e2");  // arrival order, not id order
  EXPECT_EQ(items[0].user_id, "U2");
  EXPECT_EQ(items[0].payload, R"({"n":2})");
  EXPECT_EQ(items[1].org_id, lao_a_.id);
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) {
                return work.line().RecordEventFailure(lao_a_.id, items[0].id, "content download timed out", kNow + 5);
              }).ok());
  EXPECT_EQ(Count("line_inbox", "attempts = 1 AND last_error = 'content download timed out'"), 1);
  bool first = false, second = true;
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(first, work.line().TakeEvent(lao_a_.id, items[0].id));
                ASSIGN_OR_RETURN(second, work.line().TakeEvent(lao_a_.id, items[0].id));
                return Status::Ok();
              }).ok());
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(Count("line_inbox"), 1);
}

// Issue 5: a claim hands out only the oldest waiting event of each LINE user, and only while no
// lease holds it; the next one of that user waits until it is taken; a failed one waits for its
// retry time with the user's later events behind it; a lease that ran out is claimed again.
TEST_P(LineStoreTest, AClaimTakesOnlyEachUsersOldestEventUnderALease) {
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, "a1", "UA", "{}", kNow));
                RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, "b1", "UB", "{}", kNow));
                RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, "a2", "UA", "{}", kNow));
                return work.line().EnqueueEvent(lao_a_.id, "a3", "UA", "{}", kNow);
              }).ok());
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) {
                return work.line().EnqueueEvent(lao_b_.id, "other-lao", "UA", "{}", kNow);  // same id, other LAO
              }).ok());
  const auto claim = [&](int64_t now, int limit = 10) {
    std::vector<std::string> ids;
    EXPECT_TRUE(AsSystem([&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(auto items, work.line().ClaimEvents(now, now + 120, limit));
                  for (const auto& item : items) ids.push_back(item.event_id);
                  return Status::Ok();
                }).ok());
    return ids;
  };
  const auto take = [&](const std::string& event_id) {
    auto row = Query("SELECT id, org_id FROM line_inbox WHERE event_id = '" + event_id + "'");
    ASSERT_EQ(row.size(), 1u);
    ASSERT_TRUE(
        AsSystem([&](UnitOfWork& work) { return work.line().TakeEvent(row[0].second, row[0].first).status(); }).ok());
  };
  EXPECT_EQ(claim(kNow, 2), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(claim(kNow), (std::vector<std::string>{"other-lao"}));  // a2 waits behind a1
  EXPECT_TRUE(claim(kNow + 1).empty());
  take("a1");
  EXPECT_EQ(claim(kNow + 2), (std::vector<std::string>{"a2"}));
  // a2 fails: retried from kNow + 30, and a3 waits behind it.
  auto a2 = Query("SELECT id, org_id FROM line_inbox WHERE event_id = 'a2'");
  ASSERT_EQ(a2.size(), 1u);
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) {
                return work.line().RecordEventFailure(a2[0].second, a2[0].first, "LINE answered 500", kNow + 30);
              }).ok());
  EXPECT_TRUE(claim(kNow + 29).empty());
  EXPECT_EQ(claim(kNow + 30), (std::vector<std::string>{"a2"}));
  take("a2");
  EXPECT_EQ(claim(kNow + 31), (std::vector<std::string>{"a3"}));
  // Nobody took b1, a3 or other-lao: their leases run out and they are claimed again.
  EXPECT_TRUE(claim(kNow + 100).empty());
  EXPECT_EQ(claim(kNow + 151), (std::vector<std::string>{"b1", "a3", "other-lao"}));
}

// Issue 5: an event given up after its last attempt is kept marked failed with its error: never
// claimed again, holding back none of its user's later events, and listed for its LAO only.
TEST_P(LineStoreTest, AFailedEventIsNeverClaimedAgainAndHoldsBackNothing) {
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, "a1", "UA", "{}", kNow));
                return work.line().EnqueueEvent(lao_a_.id, "a2", "UA", "{}", kNow);
              }).ok());
  const auto claim = [&](int64_t now) {
    std::vector<std::string> ids;
    EXPECT_TRUE(AsSystem([&](UnitOfWork& work) -> Status {
                  ASSIGN_OR_RETURN(auto items, work.line().ClaimEvents(now, now + 120, 10));
                  for (const auto& item : items) ids.push_back(item.event_id);
                  return Status::Ok();
                }).ok());
    return ids;
  };
  EXPECT_EQ(claim(kNow), (std::vector<std::string>{"a1"}));
  auto a1 = Query("SELECT id, org_id FROM line_inbox WHERE event_id = 'a1'");
  ASSERT_EQ(a1.size(), 1u);
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) {
                return work.line().MarkEventFailed(a1[0].second, a1[0].first, "stored event is unreadable", kNow + 1);
              }).ok());
  EXPECT_EQ(claim(kNow + 2), (std::vector<std::string>{"a2"}));     // at once: a1 no longer waits
  EXPECT_EQ(claim(kNow + 1000), (std::vector<std::string>{"a2"}));  // a2's lease ran out; a1 is not claimed
  EXPECT_EQ(Query("SELECT id, org_id FROM line_inbox WHERE event_id = 'a1' AND failed_at = " +
                  std::to_string(kNow + 1) + " AND attempts = 1")
                .size(),
            1u);
  std::vector<complaints::LineInboxFailure> failed, others;
  ASSERT_TRUE(AsSystem([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(failed, work.line().FailedEvents(lao_a_.id, 10));
                ASSIGN_OR_RETURN(others, work.line().FailedEvents(lao_b_.id, 10));
                return Status::Ok();
              }).ok());
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].event_id, "a1");
  EXPECT_EQ(failed[0].failed_at, kNow + 1);
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(failed[0].last_error, "stored event is unreadable");
  EXPECT_TRUE(others.empty());
}

// Issue 5: two workers on one database claim and take one user's events concurrently; each is
// taken once and each user's events are taken in arrival order.
TEST_P(LineStoreTest, TwoWorkersTakeEachUsersEventsOnceAndInOrder) {
  constexpr int kPerUser = 15;
  const std::vector<std::string> users = {"UA", "UB", "UC"};
  ASSERT_TRUE(AsLine([&](UnitOfWork& work) -> Status {
                for (const auto& user : users) {  // each user's events one after another
                  for (int n = 0; n < kPerUser; ++n) {
                    RETURN_IF_ERROR(work.line().EnqueueEvent(lao_a_.id, user + "-" + std::to_string(n), user,
                                                             std::to_string(n), kNow));
                  }
                }
                return Status::Ok();
              }).ok());
  std::mutex mu;
  std::map<std::string, std::vector<int>> taken;  // guarded by mu, in the order of the takes' commits
  std::atomic<int> errors{0};
  const auto worker = [&](unsigned seed) {
    for (int idle = 0; idle < 200;) {
      std::vector<complaints::LineInboxItem> items;
      if (!AsSystem([&](UnitOfWork& work) -> Status {
             ASSIGN_OR_RETURN(items, work.line().ClaimEvents(kNow, kNow + 120, 1));
             return Status::Ok();
           }).ok()) {
        ++errors;
      }
      if (items.empty()) {
        ++idle;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      for (const auto& item : items) {
        // Handling takes a while (a download, say), longer for some events than others.
        seed = seed * 1103515245u + 12345u;
        std::this_thread::sleep_for(std::chrono::microseconds((seed >> 16) % 3000));
        const Status done = AsSystem([&](UnitOfWork& work) -> Status {
          ASSIGN_OR_RETURN(const bool mine, work.line().TakeEvent(item.org_id, item.id));
          if (!mine) return Status::Conflict("taken twice: " + item.event_id);
          std::lock_guard lock(mu);  // recorded before the commit lets the user's next event out
          taken[item.user_id].push_back(std::stoi(item.payload));
          return Status::Ok();
        });
        if (!done.ok()) ++errors;
      }
      if (Count("line_inbox") == 0) return;
    }
  };
  std::thread one(worker, 1u), two(worker, 2u);
  one.join();
  two.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(Count("line_inbox"), 0);
  for (const auto& user : users) {
    std::vector<int> expected(kPerUser);
    for (int n = 0; n < kPerUser; ++n) expected[n] = n;
    EXPECT_EQ(taken[user], expected) << user;
  }
}

INSTANTIATE_TEST_SUITE_P(store, LineStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
