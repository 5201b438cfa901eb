// PostgreSQL backend (libpq): pooled connections, statements prepared once per connection,
// parameters and results in text form converted by column type.
#pragma once

#include <memory>
#include <string>

#include "store/database.h"

namespace ecotown::store {

class PgDatabase final : public Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size);
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override;

 protected:
  Result<std::unique_ptr<Connection>> Connect() override;

 private:
  PgDatabase(std::string url, int pool_size) : Database(pool_size), url_(std::move(url)) {}
  std::string url_;
};

}  // namespace ecotown::store
