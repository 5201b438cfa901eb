// The SQL implementations of the area store ports, one class per area, all over one Connection
// and bound to one Scope. SQL is shared by both dialects wherever they agree.
#pragma once

#include "modules/unit_of_work.h"
#include "store/database.h"
#include "store/sql_alert_store.h"
#include "store/sql_calibration_store.h"
#include "store/sql_clinic_store.h"
#include "store/sql_complaint_store.h"
#include "store/sql_factory_store.h"
#include "store/sql_inspection_store.h"
#include "store/sql_line_store.h"
#include "store/sql_network_store.h"
#include "store/sql_reading_store.h"
#include "store/sql_sensor_store.h"
#include "store/sql_training_store.h"

namespace ecotown::store {

class SqlOrgStore final : public orgs::OrgStore {
 public:
  explicit SqlOrgStore(Connection& conn) : conn_(conn) {}
  Result<int64_t> Insert(const orgs::Org& org) override;
  Result<orgs::Org> FindByCode(std::string_view code) override;
  Result<orgs::Org> Get(int64_t id) override;
  Result<std::vector<orgs::Org>> List() override;
  Result<std::vector<int64_t>> DescendantIds(int64_t id) override;
  Result<std::vector<orgs::Province>> Provinces() override;
  Result<std::vector<orgs::District>> Districts(std::string_view province_code) override;
  Result<std::vector<orgs::Subdistrict>> Subdistricts(std::string_view district_code) override;
  Result<orgs::Subdistrict> GetSubdistrict(std::string_view code) override;
  Result<int64_t> CountProvinces() override;

 private:
  Connection& conn_;
};

class SqlAccountStore final : public accounts::AccountStore {
 public:
  SqlAccountStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}
  Result<int64_t> InsertUser(const accounts::User& user, const std::optional<std::string>& password_hash) override;
  Result<accounts::User> GetUser(int64_t id) override;
  Result<std::vector<accounts::User>> ListUsers() override;
  Result<std::vector<accounts::ApiToken>> ListTokens() override;
  Result<int64_t> InsertToken(const accounts::ApiToken& token, std::string_view token_hash,
                              int64_t created_by) override;
  Status UpdateUser(const accounts::User& user) override;
  Result<accounts::ApiToken> GetToken(int64_t id) override;
  Status RevokeToken(int64_t id, int64_t now) override;
  Status DeleteSessionsOfUser(int64_t user_id) override;
  Result<accounts::UserSecret> FindUserForLogin(std::string_view username) override;
  Status SetPasswordHash(int64_t user_id, std::string_view password_hash, int64_t now) override;
  Status InsertSession(std::string_view token_hash, int64_t user_id, std::string_view csrf_token, int64_t now,
                       int64_t expires_at, std::string_view ip) override;
  Result<accounts::SessionRecord> FindSession(std::string_view token_hash, int64_t now) override;
  Status DeleteSession(std::string_view token_hash) override;
  Status DeleteExpiredSessions(int64_t now) override;
  Result<accounts::ApiToken> FindToken(std::string_view token_hash) override;
  Status TouchToken(int64_t token_id, int64_t now) override;
  Status RecordLoginFailure(std::string_view key, int64_t at) override;
  Result<int64_t> CountLoginFailures(std::string_view key, int64_t since) override;
  Status ClearLoginFailures(std::string_view key) override;

 private:
  Connection& conn_;
  const tenancy::Scope& scope_;
};

class SqlAuditStore final : public audit::AuditStore {
 public:
  SqlAuditStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}
  Result<int64_t> Append(const audit::AuditEntry& entry) override;
  Result<std::vector<audit::AuditEntry>> List(const audit::AuditQuery& query) override;

 private:
  Connection& conn_;
  const tenancy::Scope& scope_;
};

class SqlEventStore final : public events::EventStore {
 public:
  explicit SqlEventStore(Connection& conn) : conn_(conn) {}
  Result<int64_t> Publish(const events::Event& event) override;
  Result<std::vector<events::Event>> After(int64_t after_id, int limit) override;
  Result<int64_t> LatestId() override;
  Result<int64_t> DeleteOlderThan(int64_t before) override;

 private:
  Connection& conn_;
};

class SqlUnitOfWork final : public UnitOfWork {
 public:
  SqlUnitOfWork(Connection& conn, const tenancy::Scope& scope, const RequestInfo& info)
      : scope_(scope), info_(info), orgs_(conn), accounts_(conn, scope), audit_(conn, scope), events_(conn),
        sensors_(conn, scope), readings_(conn, scope), calibrations_(conn, scope), alerts_(conn, scope),
        factories_(conn, scope), inspections_(conn, scope), training_(conn, scope), clinic_(conn, scope),
        complaints_(conn, scope), network_(conn, scope), line_(conn, scope) {}
  const tenancy::Scope& scope() const override { return scope_; }
  const RequestInfo& info() const override { return info_; }
  orgs::OrgStore& orgs() override { return orgs_; }
  accounts::AccountStore& accounts() override { return accounts_; }
  audit::AuditStore& audit() override { return audit_; }
  events::EventStore& events() override { return events_; }
  sensors::SensorStore& sensors() override { return sensors_; }
  readings::ReadingStore& readings() override { return readings_; }
  calibration::CalibrationStore& calibrations() override { return calibrations_; }
  alerts::AlertStore& alerts() override { return alerts_; }
  factories::FactoryStore& factories() override { return factories_; }
  inspections::InspectionStore& inspections() override { return inspections_; }
  training::TrainingStore& training() override { return training_; }
  clinic::ClinicStore& clinic() override { return clinic_; }
  complaints::ComplaintStore& complaints() override { return complaints_; }
  network::NetworkStore& network() override { return network_; }
  complaints::LineStore& line() override { return line_; }

 private:
  const tenancy::Scope& scope_;
  const RequestInfo& info_;
  SqlOrgStore orgs_;
  SqlAccountStore accounts_;
  SqlAuditStore audit_;
  SqlEventStore events_;
  SqlSensorStore sensors_;
  SqlReadingStore readings_;
  SqlCalibrationStore calibrations_;
  SqlAlertStore alerts_;
  SqlFactoryStore factories_;
  SqlInspectionStore inspections_;
  SqlTrainingStore training_;
  SqlClinicStore clinic_;
  SqlComplaintStore complaints_;
  SqlNetworkStore network_;
  SqlLineStore line_;
};

class SqlTransactor final : public Transactor {
 public:
  explicit SqlTransactor(Database& db) : db_(db) {}
  Status Write(const tenancy::Scope& scope, const RequestInfo& info, const WorkFn& fn) override;
  Status Read(const tenancy::Scope& scope, const RequestInfo& info, const WorkFn& fn) override;
  Status ReadThen(const tenancy::Scope& scope, const RequestInfo& info, const ScopeFn& find, const WorkFn& fn) override;
  Status ReadThenEach(const tenancy::Scope& scope, const RequestInfo& info, const ScopeFn& find,
                      const WorkFn& fn) override;

 private:
  Database& db_;
};

}  // namespace ecotown::store
