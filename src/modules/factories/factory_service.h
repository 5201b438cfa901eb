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

  // Licences, emission sources and outlets of a factory. Adding, changing and removing need kWrite
  // and write access to the factory's organisation; the factory and the record must be in the
  // scope (NotFound otherwise). Invalid naming the field for bad input. draft ids are ignored.
  Result<Licence> AddLicence(UnitOfWork& work, int64_t factory_id, const Licence& draft) const;
  Result<Licence> UpdateLicence(UnitOfWork& work, int64_t id, const Licence& replacement) const;
  Status DeleteLicence(UnitOfWork& work, int64_t id) const;
  Result<std::vector<Licence>> ListLicences(UnitOfWork& work, int64_t factory_id) const;
  // Licences of readable factories expiring from today (YYYY-MM-DD) to today + days (0..3650),
  // soonest first; already expired ones are not included.
  Result<std::vector<ExpiringLicence>> ExpiringLicences(UnitOfWork& work, int days) const;

  Result<EmissionSource> AddEmissionSource(UnitOfWork& work, int64_t factory_id, const EmissionSource& draft) const;
  Result<EmissionSource> UpdateEmissionSource(UnitOfWork& work, int64_t id, const EmissionSource& replacement) const;
  Status DeleteEmissionSource(UnitOfWork& work, int64_t id) const;
  Result<std::vector<EmissionSource>> ListEmissionSources(UnitOfWork& work, int64_t factory_id) const;

  Result<WastewaterOutlet> AddOutlet(UnitOfWork& work, int64_t factory_id, const WastewaterOutlet& draft) const;
  Result<WastewaterOutlet> UpdateOutlet(UnitOfWork& work, int64_t id, const WastewaterOutlet& replacement) const;
  Status DeleteOutlet(UnitOfWork& work, int64_t id) const;
  Result<std::vector<WastewaterOutlet>> ListOutlets(UnitOfWork& work, int64_t factory_id) const;

  // Sensitive receptors of an organisation (draft.org_id 0 = the caller's). Writes need kWrite.
  Result<Receptor> CreateReceptor(UnitOfWork& work, const Receptor& draft) const;
  Result<Receptor> UpdateReceptor(UnitOfWork& work, int64_t id, const Receptor& replacement) const;
  Status DeleteReceptor(UnitOfWork& work, int64_t id) const;
  Result<std::vector<Receptor>> ListReceptors(UnitOfWork& work, std::optional<int64_t> org_id) const;
  // The receptors of the factory's organisation within within_m metres (1..50,000) of the factory,
  // nearest first, with the great-circle distance. Invalid("lat") when the factory has no location.
  Result<std::vector<ReceptorDistance>> ReceptorsNear(UnitOfWork& work, int64_t factory_id, double within_m) const;

  // The checks Create and Update make that need the database (type list, geography, duplicates),
  // after ValidateFactoryFields. self_id: the factory being updated (0 when new).
  static Status CheckAgainstRegistry(UnitOfWork& work, const Factory& factory, int64_t self_id);
};

// The audited JSON shape of a factory.
std::string FactoryAuditJson(const Factory& factory);

}  // namespace ecotown::factories
