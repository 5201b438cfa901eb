#include "support/test_env.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace ecotown::testing {

std::optional<std::string> PostgresAdminUrl() {
  const char* url = std::getenv("ECOTOWN_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::optional<std::string> FreshPostgresDatabase(const std::string& prefix) {
  auto admin = PostgresAdminUrl();
  if (!admin) return std::nullopt;
  static std::atomic<int> counter{0};
  const std::string name = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  PGconn* conn = PQconnectdb(admin->c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "test PostgreSQL cluster unreachable: " << PQerrorMessage(conn);
    PQfinish(conn);
    return std::nullopt;
  }
  PGresult* res = PQexec(conn, ("DROP DATABASE IF EXISTS " + name).c_str());
  PQclear(res);
  res = PQexec(conn, ("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'").c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  if (!ok) ADD_FAILURE() << "CREATE DATABASE failed: " << PQerrorMessage(conn);
  PQclear(res);
  PQfinish(conn);
  if (!ok) return std::nullopt;
  // Replace the database name in "postgresql:///postgres?..." with the new one.
  std::string url = *admin;
  const auto slash = url.find("///");
  const auto query = url.find('?');
  if (slash != std::string::npos) url = url.substr(0, slash + 3) + name + (query == std::string::npos ? "" : url.substr(query));
  return url;
}

std::string ProjectDataDir() { return ECOTOWN_TEST_SOURCE_DIR "/data"; }
std::string WebDir() { return ECOTOWN_TEST_SOURCE_DIR "/web"; }
std::string NodeModulesDir() { return ECOTOWN_TEST_SOURCE_DIR "/node_modules"; }
std::string EcotownBinary() { return ECOTOWN_TEST_BINARY_DIR "/ecotown"; }

}  // namespace ecotown::testing
