// Loads the checklist templates shipped in data/checklists/*.json as shared, read-only defaults.
#pragma once

#include <string>

#include "store/database.h"

namespace ecotown::store {

// Reads every data_dir/checklists/*.json (in name order) and saves, in one transaction, each
// template whose (code, version) is not stored yet. A missing directory loads nothing. Invalid
// naming the file and field when a file is malformed. Returns how many versions were saved.
Result<int> LoadDefaultChecklists(Database& db, const std::string& data_dir, int64_t now);

}  // namespace ecotown::store
