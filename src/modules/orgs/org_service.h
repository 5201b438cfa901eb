// Organisation administration: adding LAOs and offices with their place in the geography and
// in the oversight tree.
#pragma once

#include "modules/orgs/org.h"
#include "modules/unit_of_work.h"

namespace ecotown::orgs {

// Needs kManageOrgs. Resolves the subdistrict to its district, province and centroid; a parent
// must be a provincial or national office. Conflict when the code is taken.
Result<Org> AddOrg(UnitOfWork& work, const NewOrg& request);

}  // namespace ecotown::orgs
