// Shared by the SQL stores: building WHERE clauses with numbered parameters, LIKE patterns, and
// mapping query results to entities.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace ecotown::store {

// A WHERE clause whose "$n" placeholders are numbered as parameters are added:
// where.And("org_id = " + where.Param(V(org_id))).
struct Where {
  std::string sql;
  Params params;
  std::string Param(Value value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  }
  void And(const std::string& condition) { sql += " AND " + condition; }
};

// "%text%" for LIKE ... ESCAPE '\' (on PostgreSQL the default escape): the user's text matches
// literally, ASCII letters lower-cased for columns kept lower-cased.
inline std::string LikeContains(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out + "%";
}

// "1,2,3" for an IN list: ids are integers, so they are inlined (no parameter limit to meet).
inline std::string IdList(const std::vector<int64_t>& ids) {
  std::string list;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) list += ',';
    list += std::to_string(ids[i]);
  }
  return list;
}

// Every row of a query result through from_row, or the query's error.
template <typename T, typename FromRow>
Result<std::vector<T>> Rows(Result<QueryResult> result, FromRow from_row) {
  if (!result.ok()) return result.status();
  std::vector<T> out;
  out.reserve(result->rows.size());
  for (const auto& row : result->rows) out.push_back(from_row(row));
  return out;
}

// Every row of a query through from_row, each converted as it is read (Connection::ForEachRow):
// no intermediate QueryResult for reads of thousands of rows.
template <typename T, typename FromRow>
Result<std::vector<T>> CollectRows(Connection& conn, std::string_view sql, const Params& params, FromRow from_row) {
  std::vector<T> out;
  RETURN_IF_ERROR(conn.ForEachRow(sql, params, [&](const Row& row) {
    out.push_back(from_row(row));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ecotown::store
