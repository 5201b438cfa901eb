// The complaints store and service on every backend: filing with tracking numbers and
// idempotency keys, the officer workflow and its refusals, merge of duplicates, tenancy, deadlines
// and overdue lists, the e-mail outbox, photos by magic bytes, settings, and the PDPA retention
// erasure driven by a fake clock. SQLite always; PostgreSQL with the CTest fixture.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <regex>
#include <string>

#include "modules/complaints/complaint_service.h"
#include "store/store_fixture.h"

namespace ecotown::store {
namespace {

using complaints::Category;
using complaints::ComplaintService;
using complaints::ComplaintStatus;
using complaints::NewComplaint;

constexpr int64_t kDay = 86400;
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'x');

class ComplaintStoreTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto national = AddOrg("national", orgs::OrgType::kNationalOffice, std::nullopt);
    ASSERT_TRUE(national.ok()) << national.status().ToString();
    ASSERT_TRUE(AddOrg("po-70", orgs::OrgType::kProvinceOffice, std::string("national")).ok());
    auto a = AddOrg("lao-a", orgs::OrgType::kTown, std::string("po-70"));
    auto b = AddOrg("lao-b", orgs::OrgType::kTown, std::string("po-70"));
    ASSERT_TRUE(a.ok() && b.ok());
    lao_a_ = *a;
    lao_b_ = *b;
    auto officer = AddUser("lao-a", "officer-a", Role::kOfficer);
    auto admin = AddUser("lao-a", "admin-a", Role::kLaoAdmin);
    auto executive = AddUser("lao-a", "mayor-a", Role::kExecutive);
    auto officer_b = AddUser("lao-b", "officer-b", Role::kOfficer);
    ASSERT_TRUE(officer.ok() && admin.ok() && executive.ok() && officer_b.ok());
    officer_a_ = *officer;
    admin_a_ = *admin;
    executive_a_ = *executive;
    officer_b_ = *officer_b;
  }

  static NewComplaint Dust(std::optional<std::string> email = std::nullopt) {
    NewComplaint request;
    request.category = Category::kDustSmoke;
    request.description = "ฝุ่นดำลอยมาจากปล่องโรงงานทุกเช้า";
    request.address = "หมู่ 3 ถนนเพชรเกษม";
    if (email) {
      request.contact.name = "สมศรี ใจดี";
      request.contact.email = email;
      request.contact.phone = "081-234-5678";
      request.consent_version = complaints::CurrentConsent().version;
    }
    return request;
  }

  Result<complaints::Filed> File(const NewComplaint& request, int64_t now = kNow, const orgs::Org* org = nullptr) {
    const orgs::Org& target = org ? *org : lao_a_;
    std::optional<complaints::Filed> filed;
    Status status = transactor_->Write(complaints::ResidentScope(target, "public"), Info(now), [&](UnitOfWork& work) {
      ASSIGN_OR_RETURN(filed, ComplaintService().File(work, target, request));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *filed;
  }

  Result<complaints::Complaint> Move(const User& user, int64_t id, complaints::TransitionRequest request,
                                     int64_t now = kNow) {
    std::optional<complaints::Complaint> out;
    Status status = transactor_->Write(ScopeOf(user), Info(now), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(out, ComplaintService().Transition(work, id, request));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return *out;
  }

  template <typename Fn>
  Status As(const User& user, Fn fn, int64_t now = kNow) {
    return transactor_->Write(ScopeOf(user), Info(now), [&](UnitOfWork& work) -> Status { return fn(work); });
  }

  Status SetRetentionDays(int days) {
    return As(admin_a_, [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto settings, ComplaintService().GetSettings(work, lao_a_.id));
      settings.retention_days = days;
      return ComplaintService().PutSettings(work, settings).status();
    });
  }

  // One retention run at `now` as the background worker does it; the complaints erased.
  int EraseExpiredEverywhere(int64_t now, int limit = std::numeric_limits<int>::max()) {
    std::vector<complaints::ErasureReport> reports;
    Status status = transactor_->Write(Scope::System("retention"), Info(now), [&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(reports, ComplaintService().EraseExpiredEverywhere(work, limit));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    int erased = 0;
    for (const auto& r : reports) erased += r.erased;
    return erased;
  }

  orgs::Org lao_a_, lao_b_;
  User officer_a_, admin_a_, executive_a_, officer_b_;
};

TEST_P(ComplaintStoreTest, FilingStoresAnUnguessableTrackingNumberAndTheReceivedHistory) {
  auto first = File(Dust("somsri@example.org"));
  auto second = File(Dust());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  // Prefix from the org code, BE year of filing (2025 -> 2568), five random characters.
  const std::regex shape("LA-2568-[2-9A-HJKMNP-TV-Z]{5}");
  EXPECT_TRUE(std::regex_match(first->complaint.tracking, shape)) << first->complaint.tracking;
  EXPECT_NE(first->complaint.tracking, second->complaint.tracking);
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->complaint.deadline_at, kNow + 7 * kDay);

  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto detail, ComplaintService().Get(work, first->complaint.id));
                EXPECT_EQ(detail.complaint.status, ComplaintStatus::kReceived);
                EXPECT_EQ(detail.complaint.contact.email, "somsri@example.org");
                EXPECT_EQ(detail.complaint.consent_version, complaints::CurrentConsent().version);
                EXPECT_EQ(detail.complaint.consent_at, kNow);
                EXPECT_EQ(detail.events.size(), 1u);
                ASSIGN_OR_RETURN(auto by_tracking, work.complaints().FindByTracking(first->complaint.tracking));
                EXPECT_EQ(by_tracking.id, first->complaint.id);
                return Status::Ok();
              }).ok());
  // The audit log knows a contact was given, never what it is.
  auto audit = Sql("SELECT after_json FROM audit_log WHERE entity = 'complaint'");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->rows.size(), 2u);
  for (const auto& row : audit->rows) {
    const std::string json = row.Text(0);
    EXPECT_EQ(json.find("somsri"), std::string::npos) << json;
    EXPECT_EQ(json.find("081"), std::string::npos) << json;
    EXPECT_EQ(json.find("สมศรี"), std::string::npos) << json;
  }
}

TEST_P(ComplaintStoreTest, AReplayedIdempotencyKeyReturnsTheFirstComplaintAndStoresNothing) {
  NewComplaint request = Dust();
  request.idempotency_key = "form-7f3a";
  auto first = File(request);
  auto again = File(request, kNow + 5);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->complaint.tracking, first->complaint.tracking);
  EXPECT_EQ(Count("complaints"), 1);
  // The same key at another LAO is another form.
  auto elsewhere = File(request, kNow, &lao_b_);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_FALSE(elsewhere->replayed);
  EXPECT_EQ(Count("complaints"), 2);
}

// The filing that met a taken tracking number on PostgreSQL answered 500 ("current transaction is
// aborted"): the failed INSERT had aborted the transaction its next draw ran in.
TEST_P(ComplaintStoreTest, ATakenTrackingNumberIsAConflictThatLeavesTheTransactionUsable) {
  auto first = File(Dust());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Status status = transactor_->Write(complaints::ResidentScope(lao_a_, "public"), Info(), [&](UnitOfWork& work) {
    complaints::Complaint c = first->complaint;
    c.id = 0;
    c.idempotency_key.reset();
    auto taken = work.complaints().Insert(c);
    EXPECT_EQ(taken.status().code(), StatusCode::kConflict);
    EXPECT_EQ(taken.status().field(), "tracking");
    c.tracking = first->complaint.tracking == "LA-2568-22222" ? "LA-2568-33333" : "LA-2568-22222";
    auto drawn_again = work.complaints().Insert(c);  // in the same transaction
    EXPECT_TRUE(drawn_again.ok()) << drawn_again.status().ToString();
    return drawn_again.status();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Count("complaints"), 2);
}

TEST_P(ComplaintStoreTest, BadFilingsAreRefusedNamingTheField) {
  const auto field_of = [&](NewComplaint request) {
    auto filed = File(request);
    return filed.ok() ? std::string("accepted") : filed.status().field();
  };
  NewComplaint r = Dust();
  r.description = "   ";
  EXPECT_EQ(field_of(r), "description");
  r.description = std::string(4001, 'a');
  EXPECT_EQ(field_of(r), "description");
  r = Dust();
  r.address = "";
  EXPECT_EQ(field_of(r), "location");
  r = Dust();
  r.lat = 13.8;
  EXPECT_EQ(field_of(r), "lon");
  r = Dust();
  r.observed_at = kNow + 3600;
  EXPECT_EQ(field_of(r), "observed_at");
  r = Dust();
  r.contact.email = "somsri@example.org";  // no consent
  EXPECT_EQ(field_of(r), "consent");
  r.consent_version = "2019-old";
  EXPECT_EQ(field_of(r), "consent");
  r = Dust("not-an-address");
  EXPECT_EQ(field_of(r), "email");
  r = Dust("a@b.org");
  r.contact.phone = "call me";
  EXPECT_EQ(field_of(r), "phone");
  r = Dust();
  r.photos = {kJpeg, "GIF89a forged photo"};
  EXPECT_EQ(field_of(r), "photos[1]");
  r.photos = {kJpeg, kJpeg, kJpeg, kJpeg};
  EXPECT_EQ(field_of(r), "photos");
  r.photos = {kJpeg + std::string(complaints::kMaxComplaintPhotoBytes, 'x')};
  auto too_large = File(r);
  EXPECT_EQ(too_large.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(Count("complaints"), 0);
  EXPECT_EQ(Count("complaint_photos"), 0);
}

TEST_P(ComplaintStoreTest, PhotosAreKeptWithTheTypeTheirBytesName) {
  NewComplaint r = Dust();
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, '\0');
  r.photos = {kJpeg, png};
  auto filed = File(r);
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto photos, work.complaints().PhotosOf(filed->complaint.id));
                EXPECT_EQ(photos.size(), 2u);
                if (photos.size() != 2) return Status::Ok();
                EXPECT_EQ(photos[0].content_type, "image/jpeg");
                EXPECT_EQ(photos[1].content_type, "image/png");
                ASSIGN_OR_RETURN(auto full, ComplaintService().GetPhoto(work, filed->complaint.id, photos[1].id));
                EXPECT_EQ(full.bytes, png);  // NUL bytes survive
                return Status::Ok();
              }).ok());
}

TEST_P(ComplaintStoreTest, TheWorkflowMovesForwardAndRefusesSkipsNamingTheField) {
  auto filed = File(Dust());
  ASSERT_TRUE(filed.ok());
  const int64_t id = filed->complaint.id;
  using S = ComplaintStatus;

  auto skip = Move(officer_a_, id, {S::kResolved, {}, {}, {}});
  EXPECT_EQ(skip.status().field(), "status");
  auto no_officer = Move(officer_a_, id, {S::kAssigned, {}, {}, {}});
  EXPECT_EQ(no_officer.status().field(), "assignee_user_id");
  auto foreign_officer = Move(officer_a_, id, {S::kAssigned, {}, officer_b_.id, {}});
  EXPECT_EQ(foreign_officer.status().field(), "assignee_user_id");
  auto by_executive = Move(executive_a_, id, {S::kAssigned, {}, officer_a_.id, {}});
  EXPECT_EQ(by_executive.status().code(), StatusCode::kForbidden);
  auto by_other_lao = Move(officer_b_, id, {S::kAssigned, {}, officer_b_.id, {}});
  EXPECT_EQ(by_other_lao.status().code(), StatusCode::kNotFound);

  auto assigned = Move(officer_a_, id, {S::kAssigned, {}, officer_a_.id, {}}, kNow + 60);
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  EXPECT_EQ(assigned->assignee_name, officer_a_.display_name);
  ASSERT_TRUE(Move(officer_a_, id, {S::kInvestigating, {}, {}, {}}, kNow + 120).ok());
  auto rejected_without_reason = Move(officer_a_, id, {S::kRejected, std::string("  "), {}, {}});
  EXPECT_EQ(rejected_without_reason.status().field(), "reason");
  auto resolved = Move(officer_a_, id, {S::kResolved, {}, {}, std::string("สั่งให้โรงงานติดตั้งถุงกรองแล้ว")}, kNow + 3600);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->resolved_at, kNow + 3600);
  auto closed = Move(officer_a_, id, {S::kClosed, {}, {}, {}}, kNow + 7200);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->closed_at, kNow + 7200);
  EXPECT_EQ(Move(officer_a_, id, {S::kInvestigating, {}, {}, {}}).status().field(), "status");

  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto events, work.complaints().EventsOf(id));
                // received, assigned, investigating, resolved + reply, closed
                EXPECT_EQ(events.size(), 6u);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(Count("audit_log", "entity = 'complaint' AND action = 'transition'"), 4);

  // Rejection carries its reason.
  auto other = File(Dust());
  ASSERT_TRUE(other.ok());
  auto rejected = Move(officer_a_, other->complaint.id, {S::kRejected, std::string("อยู่นอกเขตเทศบาล"), {}, {}});
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->reject_reason, "อยู่นอกเขตเทศบาล");
}

// The change counter the public answer caches are checked against (migration 12): every write to
// an organisation's complaints or their history bumps that organisation's version only, whoever
// writes, including plain SQL (another process, a repair by hand).
TEST_P(ComplaintStoreTest, EveryChangeToAnOrganisationsComplaintsBumpsItsChangeVersionOnly) {
  const auto version_of = [&](const orgs::Org& org) {
    int64_t version = -1;
    EXPECT_TRUE(transactor_
                    ->Read(complaints::PublicReaderScope(org), Info(),
                           [&](UnitOfWork& work) -> Status {
                             ASSIGN_OR_RETURN(version, work.complaints().ChangeVersion(org.id));
                             return Status::Ok();
                           })
                    .ok());
    return version;
  };
  EXPECT_EQ(version_of(lao_a_), 0);
  auto filed = File(Dust());
  ASSERT_TRUE(filed.ok());
  const int64_t after_filing = version_of(lao_a_);
  EXPECT_GT(after_filing, 0);
  EXPECT_EQ(version_of(lao_b_), 0);

  using S = ComplaintStatus;
  ASSERT_TRUE(Move(officer_a_, filed->complaint.id, {S::kAssigned, {}, officer_a_.id, {}}).ok());
  const int64_t after_move = version_of(lao_a_);
  EXPECT_GT(after_move, after_filing);
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                return ComplaintService()
                    .AddNote(work, filed->complaint.id, "เจ้าหน้าที่จะลงพื้นที่พรุ่งนี้", true)
                    .status();
              }).ok());
  const int64_t after_reply = version_of(lao_a_);
  EXPECT_GT(after_reply, after_move);

  ASSERT_TRUE(Sql("UPDATE complaints SET description = 'แก้ไขด้วยมือ' WHERE id = $1", {V(filed->complaint.id)}).ok());
  const int64_t after_sql = version_of(lao_a_);
  EXPECT_GT(after_sql, after_reply);
  ASSERT_TRUE(Sql("DELETE FROM complaint_events WHERE complaint_id = $1 AND kind = 'public_reply'",
                  {V(filed->complaint.id)})
                  .ok());
  EXPECT_GT(version_of(lao_a_), after_sql);
  EXPECT_EQ(version_of(lao_b_), 0);

  // Another organisation's version is not readable under this one's public scope.
  ASSERT_TRUE(File(Dust(), kNow, &lao_b_).ok());
  EXPECT_GT(version_of(lao_b_), 0);
  Status foreign = transactor_->Read(complaints::PublicReaderScope(lao_a_), Info(), [&](UnitOfWork& work) -> Status {
    return work.complaints().ChangeVersion(lao_b_.id).status();
  });
  EXPECT_EQ(foreign.code(), StatusCode::kNotFound);
}

// Migration 25: each change version logs the complaints it touched, so that a cached list can be
// updated with just those (http/routes_open311.cc); the log says when it cannot tell.
TEST_P(ComplaintStoreTest, TheChangeLogNamesEachComplaintChangedSinceAVersionOnce) {
  const auto read = [&](const std::function<Status(complaints::ComplaintStore&)>& fn) {
    Status status = transactor_->Read(complaints::PublicReaderScope(lao_a_), Info(),
                                      [&](UnitOfWork& work) { return fn(work.complaints()); });
    EXPECT_TRUE(status.ok()) << status.ToString();
  };
  const auto version_now = [&] {
    int64_t version = -1;
    read([&](complaints::ComplaintStore& store) -> Status {
      ASSIGN_OR_RETURN(version, store.ChangeVersion(lao_a_.id));
      return Status::Ok();
    });
    return version;
  };
  const auto changed_since = [&](int64_t after, int max_changes = 100) {
    std::optional<std::vector<int64_t>> changed;
    read([&](complaints::ComplaintStore& store) -> Status {
      ASSIGN_OR_RETURN(changed, store.ChangedSince(lao_a_.id, after, max_changes));
      return Status::Ok();
    });
    return changed;
  };
  auto first = File(Dust());
  ASSERT_TRUE(first.ok());
  const int64_t filed = version_now();
  EXPECT_EQ(changed_since(0), std::optional(std::vector<int64_t>{first->complaint.id}));
  EXPECT_EQ(changed_since(filed), std::nullopt);  // nothing logged after it: the caller saw no change

  auto second = File(Dust());
  auto foreign = File(Dust(), kNow, &lao_b_);
  ASSERT_TRUE(second.ok() && foreign.ok());
  using S = ComplaintStatus;
  ASSERT_TRUE(Move(officer_a_, first->complaint.id, {S::kAssigned, {}, officer_a_.id, {}}).ok());
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                return ComplaintService().AddNote(work, first->complaint.id, "จะลงพื้นที่พรุ่งนี้", true).status();
              }).ok());
  // Both complaints, each once, however many writes touched them; not the other LAO's.
  std::vector<int64_t> both = {first->complaint.id, second->complaint.id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(changed_since(filed), std::optional(both));
  const int64_t noted = version_now();
  ASSERT_TRUE(Sql("UPDATE complaints SET description = 'แก้ไขด้วยมือ' WHERE id = $1", {V(second->complaint.id)}).ok());
  EXPECT_EQ(changed_since(noted), std::optional(std::vector<int64_t>{second->complaint.id}));
  // More logged changes than the caller wants to apply: rebuild.
  EXPECT_EQ(changed_since(filed, 1), std::nullopt);
  // The log pruned past the version asked about (it keeps the last kChangeLogVersions): rebuild.
  ASSERT_TRUE(
      Sql("DELETE FROM complaint_change_log WHERE org_id = $1 AND version <= $2", {V(lao_a_.id), V(filed + 1)}).ok());
  EXPECT_EQ(changed_since(filed), std::nullopt);
  EXPECT_TRUE(changed_since(filed + 1).has_value());
}

// The Open311 lists read the newest public reply of up to 1,000 complaints in one statement.
TEST_P(ComplaintStoreTest, LatestPublicRepliesAreTheNewestPublicReplyOfEachComplaintAsked) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto filed = File(Dust());
    ASSERT_TRUE(filed.ok());
    ids.push_back(filed->complaint.id);
  }
  auto foreign = File(Dust(), kNow, &lao_b_);
  ASSERT_TRUE(foreign.ok());
  const auto note = [&](const User& user, int64_t id, const std::string& text, bool is_public) {
    ASSERT_TRUE(As(user, [&](UnitOfWork& work) -> Status {
                  return ComplaintService().AddNote(work, id, text, is_public).status();
                }).ok());
  };
  note(officer_a_, ids[0], "ตอบครั้งแรก", true);
  note(officer_a_, ids[0], "ตอบครั้งที่สอง", true);
  note(officer_a_, ids[0], "บันทึกภายใน", false);  // internal: never a reply
  note(officer_a_, ids[1], "บันทึกภายในเท่านั้น", false);
  note(officer_b_, foreign->complaint.id, "ของอีกหน่วยงาน", true);
  std::vector<int64_t> asked = ids;
  asked.push_back(foreign->complaint.id);  // another LAO's: outside the scope
  for (int64_t missing = 1; missing <= 1500; ++missing) asked.push_back(1000000 + missing);  // many ids, no rows
  std::map<int64_t, std::string> replies;
  Status read = transactor_->Read(complaints::PublicReaderScope(lao_a_), Info(), [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(replies, work.complaints().LatestPublicReplies(asked));
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(replies, (std::map<int64_t, std::string>{{ids[0], "ตอบครั้งที่สอง"}}));
}

TEST_P(ComplaintStoreTest, AMergedDuplicatePointsToTheKeptComplaintAndStillResolves) {
  auto kept = File(Dust());
  auto dup = File(Dust());
  auto foreign = File(Dust(), kNow, &lao_b_);
  ASSERT_TRUE(kept.ok() && dup.ok() && foreign.ok());
  ComplaintService service;
  Status self = As(
      officer_a_, [&](UnitOfWork& work) { return service.Merge(work, dup->complaint.id, dup->complaint.id).status(); });
  EXPECT_EQ(self.field(), "kept_id");
  Status across = As(officer_a_, [&](UnitOfWork& work) {
    return service.Merge(work, dup->complaint.id, foreign->complaint.id).status();
  });
  EXPECT_EQ(across.field(), "kept_id");
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                return service.Merge(work, dup->complaint.id, kept->complaint.id).status();
              }).ok());
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto found, work.complaints().FindByTracking(dup->complaint.tracking));
                EXPECT_EQ(found.status, ComplaintStatus::kMerged);
                EXPECT_EQ(found.merged_into, kept->complaint.id);
                EXPECT_EQ(found.merged_into_tracking, kept->complaint.tracking);
                // Merging again, or merging into the merged one, is refused.
                EXPECT_FALSE(service.Merge(work, kept->complaint.id, dup->complaint.id).ok());
                return Status::Ok();
              }).ok());
}

TEST_P(ComplaintStoreTest, OverdueListsUseTheCategoryDeadlineAndTheClock) {
  auto dust = File(Dust());  // 7 days
  NewComplaint other = Dust();
  other.category = Category::kOther;  // 15 days
  auto slow = File(other);
  NewComplaint burning = Dust();
  burning.category = Category::kOpenBurning;  // 1 day
  auto fire = File(burning);
  ASSERT_TRUE(dust.ok() && slow.ok() && fire.ok());
  // Resolved in time, so never overdue.
  ASSERT_TRUE(Move(officer_a_, fire->complaint.id, {ComplaintStatus::kRejected, std::string("ซ้ำ"), {}, {}}).ok());

  const auto overdue_at = [&](int64_t now) {
    std::vector<std::string> trackings;
    EXPECT_TRUE(As(
                    officer_a_,
                    [&](UnitOfWork& work) -> Status {
                      complaints::ComplaintQuery q;
                      q.overdue = true;
                      ASSIGN_OR_RETURN(auto page, ComplaintService().List(work, q));
                      for (const auto& c : page.items) trackings.push_back(c.tracking);
                      return Status::Ok();
                    },
                    now)
                    .ok());
    return trackings;
  };
  EXPECT_TRUE(overdue_at(kNow + 6 * kDay).empty());
  EXPECT_EQ(overdue_at(kNow + 8 * kDay), std::vector<std::string>{dust->complaint.tracking});
  EXPECT_EQ(overdue_at(kNow + 16 * kDay).size(), 2u);

  // Filters and paging.
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) -> Status {
                complaints::ComplaintQuery q;
                q.categories = {Category::kDustSmoke, Category::kOther};
                q.limit = 1;
                ASSIGN_OR_RETURN(auto page, ComplaintService().List(work, q));
                EXPECT_EQ(page.total, 2);
                EXPECT_EQ(page.items.size(), 1u);
                q.statuses = {ComplaintStatus::kRejected};
                q.categories.clear();
                ASSIGN_OR_RETURN(auto rejected, ComplaintService().List(work, q));
                EXPECT_EQ(rejected.total, 1);
                return Status::Ok();
              }).ok());
  // Another LAO's officer sees none of them.
  ASSERT_TRUE(As(officer_b_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto page, ComplaintService().List(work, complaints::ComplaintQuery{}));
                EXPECT_EQ(page.total, 0);
                EXPECT_EQ(work.complaints().Get(dust->complaint.id).status().code(), StatusCode::kNotFound);
                return Status::Ok();
              }).ok());
}

TEST_P(ComplaintStoreTest, OnlyPublicChangesQueueAnEmailAndOnlyWhenTheResidentLeftAnAddress) {
  auto with_email = File(Dust("somsri@example.org"));
  auto anonymous = File(Dust());
  ASSERT_TRUE(with_email.ok() && anonymous.ok());
  const int64_t id = with_email->complaint.id;
  ComplaintService service;
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                return service.AddNote(work, id, "เจ้าของโรงงานเป็นญาติของผู้ร้อง", false).status();
              }).ok());
  EXPECT_EQ(Count("complaint_notices"), 1);  // the receipt only
  ASSERT_TRUE(Move(officer_a_, id, {ComplaintStatus::kAssigned, {}, officer_a_.id, {}}).ok());
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                return service.AddNote(work, id, "จะลงพื้นที่ตรวจวันพรุ่งนี้", true).status();
              }).ok());
  ASSERT_TRUE(Move(officer_a_, anonymous->complaint.id, {ComplaintStatus::kAssigned, {}, officer_a_.id, {}}).ok());
  EXPECT_EQ(Count("complaint_notices"), 3);
  EXPECT_EQ(Count("complaint_notices", "to_address = 'somsri@example.org'"), 3);
  auto bodies = Sql("SELECT body FROM complaint_notices ORDER BY id");
  ASSERT_TRUE(bodies.ok());
  EXPECT_NE(bodies->rows.back().Text(0).find("จะลงพื้นที่ตรวจวันพรุ่งนี้"), std::string::npos);
  for (const auto& row : bodies->rows) EXPECT_EQ(row.Text(0).find("ญาติ"), std::string::npos);

  // Claimed once: a second claim within the lease finds nothing.
  ASSERT_TRUE(SystemWrite([&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto claimed, work.complaints().ClaimDueNotices(kNow, kNow + 120, 10, {complaints::NoticeChannel::kEmail}));
                EXPECT_EQ(claimed.size(), 3u);
                ASSIGN_OR_RETURN(auto again, work.complaints().ClaimDueNotices(kNow + 60, kNow + 180, 10, {complaints::NoticeChannel::kEmail}));
                EXPECT_TRUE(again.empty());
                for (const auto& n : claimed) {
                  RETURN_IF_ERROR(
                      work.complaints().FinishNotice(n.id, complaints::NoticeStatus::kSent, kNow, std::nullopt, kNow));
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(Count("complaint_notices", "status = 'sent'"), 3);
}

TEST_P(ComplaintStoreTest, PersonalDataAreErasedWhenTheRetentionPeriodHasPassedAndTheErasureIsLogged) {
  ASSERT_TRUE(SetRetentionDays(30).ok());
  auto old_one = File(Dust("somsri@example.org"));
  auto newer = File(Dust("preecha@example.org"), kNow + 20 * kDay);
  auto no_contact = File(Dust());
  ASSERT_TRUE(old_one.ok() && newer.ok() && no_contact.ok());

  const auto erase_at = [&](int64_t now) { return EraseExpiredEverywhere(now); };
  EXPECT_EQ(erase_at(kNow + 29 * kDay), 0);
  EXPECT_EQ(erase_at(kNow + 31 * kDay), 1);
  EXPECT_EQ(erase_at(kNow + 32 * kDay), 0);  // nothing left to erase twice
  EXPECT_EQ(Count("complaints",
                  "contact_email IS NULL AND contact_name IS NULL AND contact_phone IS NULL AND "
                  "personal_erased_at IS NOT NULL"),
            1);
  EXPECT_EQ(Count("complaints", "contact_email = 'preecha@example.org'"), 1);
  EXPECT_EQ(Count("complaint_notices", "to_address = 'somsri@example.org'"), 0);
  EXPECT_EQ(Count("audit_log",
                  "action = 'erase_personal_data' AND entity_id = '" + std::to_string(old_one->complaint.id) + "'"),
            1);
  EXPECT_EQ(Count("complaint_events", "kind = 'erasure'"), 1);
  EXPECT_EQ(erase_at(kNow + 51 * kDay), 1);
  // The complaint itself stays: only the personal data go.
  EXPECT_EQ(Count("complaints"), 3);
}

TEST_P(ComplaintStoreTest, ARetentionBacklogIsErasedInBatchesOldestFirst) {
  ASSERT_TRUE(SetRetentionDays(30).ok());
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto filed = File(Dust("resident" + std::to_string(i) + "@example.org"), kNow + i * kDay);
    ASSERT_TRUE(filed.ok()) << filed.status().ToString();
    ids.push_back(filed->complaint.id);
  }
  const auto erase_batch = [&](int limit) { return EraseExpiredEverywhere(kNow + 60 * kDay, limit); };
  EXPECT_EQ(erase_batch(2), 2);
  EXPECT_EQ(Count("complaints", "personal_erased_at IS NOT NULL AND id IN (" + std::to_string(ids[0]) + ", " +
                                    std::to_string(ids[1]) + ")"),
            2);  // the oldest first
  EXPECT_EQ(Count("complaints", "contact_email = 'resident2@example.org'"), 1);
  EXPECT_EQ(erase_batch(2), 1);
  EXPECT_EQ(erase_batch(2), 0);
  EXPECT_EQ(Count("audit_log", "action = 'erase_personal_data'"), 3);
  EXPECT_EQ(Count("complaint_events", "kind = 'erasure'"), 3);
}

TEST_P(ComplaintStoreTest, SettingsAreValidatedAndOnlyAnAdministratorChangesThem) {
  ComplaintService service;
  Status by_officer = As(officer_a_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto settings, service.GetSettings(work, lao_a_.id));
    return service.PutSettings(work, settings).status();
  });
  EXPECT_EQ(by_officer.code(), StatusCode::kForbidden);
  Status zero = As(admin_a_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto settings, service.GetSettings(work, lao_a_.id));
    settings.deadline_days[Category::kNoise] = 0;
    return service.PutSettings(work, settings).status();
  });
  EXPECT_EQ(zero.field(), "deadline_days.noise");
  Status prefix = As(admin_a_, [&](UnitOfWork& work) -> Status {
    ASSIGN_OR_RETURN(auto settings, service.GetSettings(work, lao_a_.id));
    settings.tracking_prefix = "b1";
    return service.PutSettings(work, settings).status();
  });
  EXPECT_EQ(prefix.field(), "tracking_prefix");
  ASSERT_TRUE(As(admin_a_, [&](UnitOfWork& work) -> Status {
                ASSIGN_OR_RETURN(auto settings, service.GetSettings(work, lao_a_.id));
                settings.deadline_days[Category::kDustSmoke] = 3;
                settings.tracking_prefix = "BP";
                return service.PutSettings(work, settings).status();
              }).ok());
  auto filed = File(Dust());
  ASSERT_TRUE(filed.ok());
  EXPECT_EQ(filed->complaint.deadline_at, kNow + 3 * kDay);
  EXPECT_EQ(filed->complaint.tracking.rfind("BP-2568-", 0), 0u) << filed->complaint.tracking;
}

TEST_P(ComplaintStoreTest, TransparencyCountsSkipMergedDuplicatesAndMeasureResolutionAgainstTheDeadline) {
  auto a = File(Dust());
  auto b = File(Dust());
  NewComplaint noise = Dust();
  noise.category = Category::kNoise;
  noise.lat = 13.81234;
  noise.lon = 99.87654;
  auto c = File(noise);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  using S = ComplaintStatus;
  for (int64_t id : {a->complaint.id, c->complaint.id}) {
    ASSERT_TRUE(Move(officer_a_, id, {S::kAssigned, {}, officer_a_.id, {}}).ok());
    ASSERT_TRUE(Move(officer_a_, id, {S::kInvestigating, {}, {}, {}}).ok());
  }
  ASSERT_TRUE(Move(officer_a_, a->complaint.id, {S::kResolved, {}, {}, {}}, kNow + 2 * 3600).ok());
  ASSERT_TRUE(Move(officer_a_, c->complaint.id, {S::kResolved, {}, {}, {}}, kNow + 10 * kDay).ok());
  ASSERT_TRUE(As(officer_a_, [&](UnitOfWork& work) {
                return ComplaintService().Merge(work, b->complaint.id, a->complaint.id).status();
              }).ok());
  ASSERT_TRUE(transactor_
                  ->Read(complaints::PublicReaderScope(lao_a_), Info(),
                         [&](UnitOfWork& work) -> Status {
                           ASSIGN_OR_RETURN(auto stats,
                                            ComplaintService().Stats(work, lao_a_.id, kNow - kDay, kNow + kDay));
                           EXPECT_EQ(stats.total, 2);
                           EXPECT_EQ(stats.open, 0);
                           EXPECT_EQ(stats.by_category.size(), complaints::AllCategories().size());
                           EXPECT_EQ(stats.by_category[0].count, 1);  // dust: the duplicate not counted
                           EXPECT_EQ(stats.by_category[2].count, 1);  // noise
                           EXPECT_DOUBLE_EQ(stats.median_hours_to_resolve.value_or(-1), (2.0 + 240.0) / 2);
                           EXPECT_DOUBLE_EQ(stats.resolved_within_deadline_share.value_or(-1), 0.5);
                           EXPECT_EQ(stats.points.size(), 1u);
                           if (!stats.points.empty()) {
                             EXPECT_DOUBLE_EQ(stats.points[0].lat, 13.812);
                           }
                           EXPECT_EQ(stats.by_month.size(), 1u);
                           if (!stats.by_month.empty()) {
                             EXPECT_EQ(stats.by_month[0].name_th, "มิ.ย. 2568");
                           }
                           // Another LAO's figures are not readable with this scope.
                           EXPECT_FALSE(ComplaintService().Stats(work, lao_b_.id, kNow - kDay, kNow + kDay).ok());
                           return Status::Ok();
                         })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(store, ComplaintStoreTest, ::testing::Values("sqlite", "postgres"), BackendName);

}  // namespace
}  // namespace ecotown::store
