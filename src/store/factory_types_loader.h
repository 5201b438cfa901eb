// Loads the factory type list shipped in data/factory_types.csv into an empty factory_types table.
#pragma once

#include <string>

#include "store/database.h"

namespace ecotown::store {

// Loads data_dir/factory_types.csv (columns named in its header: class_code, disp_class,
// main_order, sub_item, description_th, category1_rule, category2_rule, category3_rule,
// regulation; other columns are ignored) in one transaction, unless the table already has rows.
// Returns the number of types loaded (0 when the table was not empty). NotFound when the file is
// missing; Invalid naming the line for a malformed row (nothing is loaded then).
Result<int64_t> LoadFactoryTypesIfEmpty(Database& db, const std::string& data_dir);

}  // namespace ecotown::store
