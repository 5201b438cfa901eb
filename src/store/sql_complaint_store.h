// SqlComplaintStore: the complaints area on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/complaints/complaint.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlComplaintStore final : public complaints::ComplaintStore {
 public:
  SqlComplaintStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> Insert(const complaints::Complaint& complaint) override;
  Result<complaints::Complaint> Get(int64_t id) override;
  Result<complaints::Complaint> FindByTracking(std::string_view tracking) override;
  Result<std::optional<complaints::Complaint>> FindByIdempotencyKey(int64_t org_id, std::string_view key) override;
  Result<complaints::ComplaintPage> List(const complaints::ComplaintQuery& query) override;
  Status Update(const complaints::Complaint& complaint) override;
  Result<complaints::Contact> GetContact(int64_t id) override;
  Result<std::vector<int64_t>> ErasePersonalData(int64_t org_id, int64_t filed_before, int64_t now,
                                                 int limit) override;
  Result<int64_t> AddEvent(const complaints::ComplaintEvent& event, int64_t org_id) override;
  Result<std::vector<complaints::ComplaintEvent>> EventsOf(int64_t complaint_id) override;
  Result<std::map<int64_t, std::string>> LatestPublicReplies(const std::vector<int64_t>& complaint_ids) override;
  Result<int64_t> AddPhoto(const complaints::Photo& photo, int64_t org_id) override;
  Result<std::vector<complaints::Photo>> PhotosOf(int64_t complaint_id) override;
  Result<complaints::Photo> GetPhoto(int64_t complaint_id, int64_t photo_id) override;
  Result<complaints::Settings> GetSettings(int64_t org_id, std::string_view org_code) override;
  Status PutSettings(const complaints::Settings& settings) override;
  Result<std::vector<int64_t>> OrgsWithComplaints() override;
  Result<std::vector<complaints::StatRow>> Stats(int64_t org_id, int64_t from, int64_t to) override;
  Result<int64_t> ChangeVersion(int64_t org_id) override;
  Result<std::optional<std::vector<int64_t>>> ChangedSince(int64_t org_id, int64_t after, int max_changes) override;
  Result<std::optional<complaints::Bounds>> ProvinceBounds(std::string_view province_code) override;
  Result<std::optional<complaints::Area>> NearestArea(std::string_view province_code, double lat, double lon) override;
  Result<int64_t> InsertNotice(const complaints::Notice& notice) override;
  Result<std::vector<complaints::Notice>> NoticesOf(int64_t complaint_id) override;
  Result<std::vector<complaints::Notice>> ClaimDueNotices(int64_t now, int64_t lease_until, int limit,
                                                          const std::vector<complaints::NoticeChannel>& channels) override;
  Status FinishNotice(int64_t id, complaints::NoticeStatus status, int64_t next_attempt_at,
                      const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) override;

 private:
  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
