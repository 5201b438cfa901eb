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
  Result<factories::FactoryType> GetType(std::string_view class_code) override;
  Result<std::vector<factories::FactoryType>> SearchTypes(std::string_view text, int limit) override;

 private:
  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
