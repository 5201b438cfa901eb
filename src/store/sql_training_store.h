// SqlTrainingStore: the training area on either SQL dialect, bound to one Scope (records of
// organisations outside it are NotFound; writes need write access to the record's organisation).
#pragma once

#include "modules/tenancy/access.h"
#include "modules/training/training.h"
#include "store/database.h"

namespace ecotown::store {

class SqlTrainingStore final : public training::TrainingStore {
 public:
  SqlTrainingStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> InsertCourse(const training::Course& course) override;
  Result<training::Course> GetCourse(int64_t id) override;
  Result<std::vector<training::Course>> ListCourses() override;
  Result<int64_t> InsertSession(const training::Session& session) override;
  Result<training::Session> GetSession(int64_t id) override;
  Result<std::vector<training::Session>> ListSessions(std::optional<int64_t> course_id) override;
  Result<int64_t> InsertAttendee(const training::Attendee& attendee) override;
  Result<training::Attendee> GetAttendee(int64_t id) override;
  Result<std::vector<training::Attendee>> ListAttendees(int64_t session_id) override;
  Status UpdateAttendeeResult(const training::Attendee& attendee) override;
  Result<int64_t> InsertCertificate(const training::Certificate& certificate) override;
  Result<training::Certificate> GetCertificate(int64_t id) override;
  Result<std::vector<training::Certificate>> ListCertificates(const training::CertificateFilter& filter) override;
  Result<int64_t> CountCertificatesIssued(int64_t org_id, int64_t from, int64_t to) override;
  Status RevokeCertificate(int64_t id, std::string_view reason, int64_t at) override;
  Result<std::optional<training::Certificate>> InspectorCertificate(int64_t user_id, int64_t at) override;

 private:
  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
