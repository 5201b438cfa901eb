// FactoryService: the use cases of the factory registry. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/factories/factory.h"
#include "modules/unit_of_work.h"

namespace ecotown::factories {

class FactoryService {
 public:
  // Registers a factory. draft.org_id 0 means the caller's organisation; id, created_at and
  // updated_at are set here. Needs kWrite and write access to the organisation. Invalid naming
  // the field for bad input (see ValidateFactoryFields; also an unknown type_code, subdistrict_code
  // or province in registration_no14); Conflict naming "registration_no14" or "registration_no"
  // when the organisation already has a factory with that number.
  Result<Factory> Create(UnitOfWork& work, const Factory& draft) const;
  // NotFound outside the scope (a factory representative reads only its own factory).
  Result<Factory> Get(UnitOfWork& work, int64_t id) const;
  Result<FactoryPage> List(UnitOfWork& work, const FactoryQuery& query) const;
  // Replaces every field of the factory but id, org_id and created_at; same errors as Create,
  // NotFound outside the scope.
  Result<Factory> Update(UnitOfWork& work, int64_t id, const Factory& replacement) const;

  // The checks Create and Update make that need the database (type list, geography, duplicates),
  // after ValidateFactoryFields. self_id: the factory being updated (0 when new).
  static Status CheckAgainstRegistry(UnitOfWork& work, const Factory& factory, int64_t self_id);
};

// The audited JSON shape of a factory.
std::string FactoryAuditJson(const Factory& factory);

}  // namespace ecotown::factories
