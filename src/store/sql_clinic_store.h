// SqlClinicStore: the clinic area on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/clinic/clinic.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlClinicStore final : public clinic::ClinicStore {
 public:
  SqlClinicStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

 private:
  [[maybe_unused]] Connection& conn_;
  [[maybe_unused]] const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
