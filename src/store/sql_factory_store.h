// SqlFactoryStore: the factories area on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/factories/factory.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlFactoryStore final : public factories::FactoryStore {
 public:
  SqlFactoryStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

 private:
  [[maybe_unused]] Connection& conn_;
  [[maybe_unused]] const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
