// The training area: entities, validation and the TrainingStore port.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace ecotown::training {

// Persistence port of the area, bound to the Scope of its UnitOfWork.
class TrainingStore {
 public:
  virtual ~TrainingStore() = default;
};

}  // namespace ecotown::training
