// Loads the pollution clinic's starter articles shipped in data/clinic/articles.json.
#pragma once

#include <cstdint>
#include <string>

#include "store/database.h"

namespace ecotown::store {

// Inserts the shipped articles, or replaces those whose slug exists (so an upgrade ships revised
// text), in one transaction. A missing file loads nothing; a malformed one is an error naming it.
// Returns the number of articles loaded.
Result<int64_t> LoadClinicArticles(Database& db, const std::string& data_dir, int64_t now);

}  // namespace ecotown::store
