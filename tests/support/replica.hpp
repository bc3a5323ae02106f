// The replica of each backend's test server, and what tests do to it.
//
// scripts/test-servers.sh starts, beside the PostgreSQL and the MariaDB, a streaming
// standby and a GTID replica of them, reached through QUARRY_TEST_POSTGRES_REPLICA_URL
// and QUARRY_TEST_MYSQL_REPLICA_URL. A test about replication is gated on the dialect's
// replica.position key (the backend supports replication), not on its name; when the
// backend supports it but no replica URL is set, the test is skipped, except under
// CI=true, where a missing replica is a failure, as a missing server is.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "quarry/connection.hpp"
#include "quarry/database.hpp"
#include "quarry/dialect.hpp"

namespace quarry::test {

// The replica's URL for the current backend, or "" when none (always "" on SQLite).
std::string replica_url();

// Skips the current test when the dialect has no replication support (no
// replica.position); skips it (or fails it, under CI) when there is no replica to reach.
// Returns false when the test should stop.
bool require_replica(const Dialect& dialect);

// A connection to the replica, through a registry of its own (alias "replica").
class ReplicaConnection {
 public:
  ReplicaConnection();
  ~ReplicaConnection();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  std::unique_ptr<Databases> databases_;
  std::unique_ptr<Connection> conn_;
};

// The dialect's replica.position, run on `primary` (after its commit): the causal token.
std::string replica_position(Connection& primary);
// The dialect's replica.reached for `token`, run on `replica`; never waits.
bool replica_reached(Connection& replica, const std::string& token);
// Polls replica_reached until it is true. No time limit of its own: ctest's bounds it.
void wait_until_replica_reached(Connection& replica, const std::string& token);
// The dialect's replica.lag, run on `c`: its replay lag in seconds, or nullopt when it
// is not replicating (NULL, or no row).
std::optional<double> replica_lag(Connection& c);
// The dialect's replica.is_replica, run on `c`.
bool is_replica(Connection& c);

// Test-only: stops and restarts the replica's applying of what it receives
// (pg_wal_replay_pause/resume, STOP/START SLAVE SQL_THREAD); it keeps receiving.
void pause_replay(Connection& replica);
void resume_replay(Connection& replica);

}  // namespace quarry::test
