// SqlFactoryStore: the factories area on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/factories/factory.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlFactoryStore final : public factories::FactoryStore {
 public:
  SqlFactoryStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> Insert(const factories::Factory& factory) override;
  Result<factories::Factory> Get(int64_t id) override;
  Result<factories::FactoryPage> List(const factories::FactoryQuery& query) override;
  Status Update(const factories::Factory& factory) override;
  Result<factories::Factory> FindByRegistration(int64_t org_id, const std::optional<std::string>& registration_no14,
                                                const std::optional<std::string>& registration_no) override;
  Status RefreshStatistics() override;
  Result<int64_t> InsertLicence(const factories::Licence& licence) override;
  Result<factories::Licence> GetLicence(int64_t id) override;
  Result<std::vector<factories::Licence>> ListLicences(int64_t factory_id) override;
  Status UpdateLicence(const factories::Licence& licence) override;
  Status DeleteLicence(int64_t id) override;
  Result<std::vector<factories::ExpiringLicence>> ExpiringLicences(std::string_view from,
                                                                   std::string_view to) override;
  Result<std::vector<factories::ExpiringLicence>> ExpiringLicencesOf(int64_t org_id, std::string_view from,
                                                                     std::string_view to) override;
  Result<factories::ReminderSettings> GetReminderSettings(int64_t org_id) override;
  Status PutReminderSettings(const factories::ReminderSettings& settings) override;
  Result<std::vector<factories::ReminderSettings>> ListReminderSettings() override;
  Result<bool> QueueReminder(const factories::LicenceReminder& reminder) override;
  Result<std::vector<factories::LicenceReminder>> ClaimDueReminders(int64_t now, int64_t lease_until,
                                                                    int limit) override;
  Status FinishReminder(int64_t id, factories::ReminderStatus status, int64_t next_attempt_at,
                        const std::optional<std::string>& last_error, std::optional<int64_t> sent_at) override;
  Result<std::vector<factories::LicenceReminder>> ListReminders(int64_t org_id, int limit) override;
  Result<int64_t> InsertEmissionSource(const factories::EmissionSource& source) override;
  Result<factories::EmissionSource> GetEmissionSource(int64_t id) override;
  Result<std::vector<factories::EmissionSource>> ListEmissionSources(int64_t factory_id) override;
  Status UpdateEmissionSource(const factories::EmissionSource& source) override;
  Status DeleteEmissionSource(int64_t id) override;
  Result<int64_t> InsertOutlet(const factories::WastewaterOutlet& outlet) override;
  Result<factories::WastewaterOutlet> GetOutlet(int64_t id) override;
  Result<std::vector<factories::WastewaterOutlet>> ListOutlets(int64_t factory_id) override;
  Status UpdateOutlet(const factories::WastewaterOutlet& outlet) override;
  Status DeleteOutlet(int64_t id) override;
  Result<int64_t> InsertReceptor(const factories::Receptor& receptor) override;
  Result<factories::Receptor> GetReceptor(int64_t id) override;
  Result<std::vector<factories::Receptor>> ListReceptors(std::optional<int64_t> org_id) override;
  Status UpdateReceptor(const factories::Receptor& receptor) override;
  Status DeleteReceptor(int64_t id) override;
  Result<std::vector<factories::Receptor>> ReceptorsInBox(int64_t org_id, double min_lat, double max_lat,
                                                          double min_lon, double max_lon) override;
  Result<std::vector<factories::Factory>> FactoriesInBox(int64_t org_id, double min_lat, double max_lat,
                                                         double min_lon, double max_lon, int limit) override;
  Result<factories::FactoryType> GetType(std::string_view class_code) override;
  Result<std::vector<factories::FactoryType>> SearchTypes(std::string_view text, int limit) override;

 private:
  // Deletes one row of a factory-owned table after checking write access; NotFound outside the scope.
  Status DeleteOwned(const char* table, int64_t id, const char* what);

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
