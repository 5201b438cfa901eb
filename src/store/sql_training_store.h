// SqlTrainingStore: the training area on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/training/training.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlTrainingStore final : public training::TrainingStore {
 public:
  SqlTrainingStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

 private:
  [[maybe_unused]] Connection& conn_;
  [[maybe_unused]] const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
