// The factories area: entities, validation and the FactoryStore port.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace ecotown::factories {

// Persistence port of the area, bound to the Scope of its UnitOfWork.
class FactoryStore {
 public:
  virtual ~FactoryStore() = default;
};

}  // namespace ecotown::factories
