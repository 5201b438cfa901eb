// The audit log: an append-only record of every write (who, when, what, before and after).
// The tables refuse UPDATE and DELETE (database triggers), so history cannot be rewritten.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace ecotown::audit {

struct AuditEntry {
  int64_t id = 0;
  int64_t at = 0;  // Unix seconds
  std::optional<int64_t> org_id;
  std::optional<int64_t> actor_user_id;
  std::optional<int64_t> actor_token_id;
  std::string actor_name;
  std::string action;     // "create", "update", "delete", "login", "logout", ...
  std::string entity;     // "user", "org", "api_token", ...
  std::string entity_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string request_id;
  std::string ip;
};

struct AuditQuery {
  std::optional<int64_t> before_id;  // page backwards from this id
  std::optional<std::string> entity;
  int limit = 50;                    // 1..500
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual Result<int64_t> Append(const AuditEntry& entry) = 0;
  // Newest first, within the bound scope.
  virtual Result<std::vector<AuditEntry>> List(const AuditQuery& query) = 0;
};

}  // namespace ecotown::audit
