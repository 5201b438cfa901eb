// Keeps the factory_types table in step with the type list shipped in data/factory_types.csv.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace ecotown::store {

// What one SyncFactoryTypes changed; all zero when the table already matched the list.
struct FactoryTypeSync {
  int64_t inserted = 0;           // codes new to the table
  int64_t updated = 0;            // shipped codes whose columns differed, overwritten with the list's
  int64_t removed = 0;            // codes no longer shipped that no factory refers to
  std::vector<std::string> kept;  // codes no longer shipped that factories still refer to (left as they are)
  bool Changed() const { return inserted + updated + removed > 0; }
};

// Brings factory_types up to date with data_dir/factory_types.csv (columns named in its header:
// class_code, disp_class, main_order, sub_item, description_th, category1_rule, category2_rule,
// category3_rule, regulation; other columns are ignored): inserts the codes the table lacks,
// overwrites the columns of shipped codes that differ, and deletes codes the list no longer has
// unless a factory refers to them. One transaction (serialised between instances starting
// together on PostgreSQL); writes nothing when the table already matches, so every start after
// the first changes nothing. NotFound when the file is missing; Invalid naming the line for a
// malformed or repeated row, or for a list without rows (nothing is changed then).
Result<FactoryTypeSync> SyncFactoryTypes(Database& db, const std::string& data_dir);

}  // namespace ecotown::store
