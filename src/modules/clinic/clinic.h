// The clinic area: entities, validation and the ClinicStore port.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace ecotown::clinic {

// Persistence port of the area, bound to the Scope of its UnitOfWork.
class ClinicStore {
 public:
  virtual ~ClinicStore() = default;
};

}  // namespace ecotown::clinic
