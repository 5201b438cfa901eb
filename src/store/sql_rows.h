// Mapping query results to entities, shared by the SQL stores.
#pragma once

#include <vector>

#include "store/database.h"

namespace ecotown::store {

// Every row of a query result through from_row, or the query's error.
template <typename T, typename FromRow>
Result<std::vector<T>> Rows(Result<QueryResult> result, FromRow from_row) {
  if (!result.ok()) return result.status();
  std::vector<T> out;
  out.reserve(result->rows.size());
  for (const auto& row : result->rows) out.push_back(from_row(row));
  return out;
}

}  // namespace ecotown::store
