// The inspections area: entities, validation and the InspectionStore port.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace ecotown::inspections {

// Persistence port of the area, bound to the Scope of its UnitOfWork.
class InspectionStore {
 public:
  virtual ~InspectionStore() = default;
};

}  // namespace ecotown::inspections
