// What the test binaries know about their surroundings: the PostgreSQL cluster that the CTest
// fixture started (if any), a fresh database on it per test, and the paths of the build.
#pragma once

#include <optional>
#include <string>

namespace ecotown::testing {

// The admin URL of the test cluster from ECOTOWN_TEST_PG_URL, or nullopt when PostgreSQL tests
// are not configured (the CTest fixture sets it).
std::optional<std::string> PostgresAdminUrl();

// Creates an empty database with a unique name on the test cluster and returns its URL.
// Aborts the test (ADD_FAILURE + nullopt) when the cluster is configured but unreachable.
std::optional<std::string> FreshPostgresDatabase(const std::string& prefix);

// Directory of the project's shipped data (data/th-admin ...), web assets and the built binary.
std::string ProjectDataDir();
std::string WebDir();
std::string NodeModulesDir();
std::string EcotownBinary();

}  // namespace ecotown::testing
