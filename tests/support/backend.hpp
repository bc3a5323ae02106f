// Which real database the backend tests run against, and how to reach it.
//
// The backend test binary is run once per backend (--backend=sqlite|postgres|mysql);
// ctest labels each run with the backend's name. PostgreSQL and MariaDB are reached
// through QUARRY_TEST_POSTGRES_URL and QUARRY_TEST_MYSQL_URL, which
// scripts/test-servers.sh sets after starting the servers. When a URL is missing the
// tests are skipped, except under CI=true, where a missing server is a failure.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "quarry/database.hpp"

namespace quarry::test {

// "sqlite", "postgres" or "mysql".
const std::string& backend();
void set_backend(const std::string& name);

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

// Fixture for tests that need a live backend: skips (or fails under CI) without one.
class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  Database& db() { return (*databases_)["default"]; }
  Connection& conn() { return *conn_; }
  const Dialect& dialect() { return db().dialect(); }
  bool is(const char* name) const { return backend() == name; }

  // Column type spelled by the dialect for a Django field kind.
  std::string type(const std::string& kind, const std::string& args = {});
  // SQL written with ? markers, in this backend's placeholder style.
  std::string sql(std::string_view text);
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
