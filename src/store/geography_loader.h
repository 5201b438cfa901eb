// Loads the Thai administrative divisions shipped in data/th-admin into an empty database.
#pragma once

#include <string>

#include "store/database.h"

namespace ecotown::store {

// Loads provinces, districts and subdistricts from data_dir/th-admin/*.csv in one transaction,
// unless the provinces table already has rows. Returns the number of subdistricts loaded.
Result<int64_t> LoadGeographyIfEmpty(Database& db, const std::string& data_dir);

}  // namespace ecotown::store
