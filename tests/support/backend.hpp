// Which real database the backend tests run against, and how to reach it.
//
// The backend test binary is run once per backend (--backend=sqlite|postgres|mysql|
// featureless); ctest labels each run with the backend's name. featureless is the
// suite's own fourth plugin (tests/plugins/featureless): SQLite through the sqlite
// plugin's code with every optional feature flag off, which shows that a test about a
// capability asks the dialect (require_feature), not the vendor. Another plugin runs the
// suite too: --backend=mydb with QUARRY_TEST_MYDB_URL set (docs/plugin-guide.md).
// PostgreSQL and MariaDB are reached through QUARRY_TEST_POSTGRES_URL and
// QUARRY_TEST_MYSQL_URL, which scripts/test-servers.sh sets after starting the servers.
// When a URL is missing the tests are skipped, except under CI=true, where a missing
// server is a failure.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "quarry/database.hpp"

namespace quarry::test {

// The plugin under test: "sqlite", "postgres", "mysql", "featureless", or another
// plugin's engine name, reached through QUARRY_TEST_<NAME>_URL.
const std::string& backend();
void set_backend(const std::string& name);
// Whether `name` can be an engine name (lower-case letters, digits and '_').
bool valid_backend(const std::string& name);
// The database underneath: "sqlite" for the featureless plugin, else the backend. A test
// of a server's own behaviour (its collation, its error codes, its plan text) asks this;
// a test of a capability asks the dialect (require_feature) instead.
const std::string& server();
// The database is a file the process opens itself (SQLite, under the sqlite and the
// featureless plugins): there is no server to reach, wait for or kill.
bool serverless();

// The database URL for the current backend, or "" when none is configured.
std::string backend_url();

// A fresh Databases registry with one alias, "default", on the current backend.
std::unique_ptr<Databases> open_databases(const std::string& extra_yaml = {});
// The same on another server of it (its replica).
std::unique_ptr<Databases> open_databases_at(const std::string& url,
                                             const std::string& extra_yaml = {});

// True under CI=true (or 1), where a missing server is a failure.
bool in_ci();
// Skips the current test, or fails it under CI, saying `why` (a server is missing).
void missing_server(const std::string& why);

// Skips the current test (or fails it, under CI) when the backend has no server.
// Returns false when the test should stop.
bool require_backend();

// Whether the dialect has the feature flag `name` (docs/plugin-guide.md lists them). A
// misspelt name is a failure: Features::has throws ProgrammingError for it.
bool has_feature(const Dialect& d, std::string_view name);
// Skips the current test, naming the feature, when the dialect lacks it. Returns false
// then, and the test returns: if (!require_feature(dialect(), "has_returning")) return;
// The fixtures have both as members on their own dialect.
bool require_feature(const Dialect& d, std::string_view name);

// Fixture for tests that need a live backend: skips (or fails under CI) without one.
class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  Database& db() { return (*databases_)["default"]; }
  Connection& conn() { return *conn_; }
  const Dialect& dialect() { return db().dialect(); }
  // Whether the database underneath is `name` (server()): for tests of its own behaviour.
  bool is(const char* name) const { return server() == name; }
  bool has_feature(std::string_view name) { return test::has_feature(dialect(), name); }
  bool require_feature(std::string_view name) { return test::require_feature(dialect(), name); }

  // Column type spelled by the dialect for a Django field kind.
  std::string type(const std::string& kind, const std::string& args = {});
  // SQL written with ? markers, in this backend's placeholder style.
  std::string sql(std::string_view text);
  // The n-th parameter marker for a value of type t, with the cast the backend needs to
  // know its type where it stands alone (SELECT $1::bigint).
  std::string param(std::size_t n, ValueType t);
  // A quoted identifier.
  std::string q(const std::string& identifier);
  // Creates (replacing) a table for this test; dropped in TearDown.
  void create_table(const std::string& name, const std::string& columns);

  // Ends another connection's session the way an operator would: pg_terminate_backend
  // or KILL CONNECTION; for SQLite, closes the handle through quarry.
  void kill(Connection& victim);

  std::unique_ptr<Databases> databases_;
  std::unique_ptr<Connection> conn_;
  std::vector<std::string> tables_;
};

}  // namespace quarry::test
