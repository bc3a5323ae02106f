#include "support/replica.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "support/backend.hpp"

namespace quarry::test {

std::string replica_url() {
  if (serverless()) return "";
  const char* var = backend() == "postgres" ? "QUARRY_TEST_POSTGRES_REPLICA_URL"
                                            : "QUARRY_TEST_MYSQL_REPLICA_URL";
  const char* url = std::getenv(var);
  return url ? url : "";
}

bool require_replica(const Dialect& dialect) {
  if (dialect.text("replica.position").empty()) {
    [&] { GTEST_SKIP() << dialect.engine_name() << " has no replication support"; }();
    return false;
  }
  if (!replica_url().empty()) return true;
  missing_server("no " + backend() + " replica: set QUARRY_TEST_" +
                 (backend() == "postgres" ? "POSTGRES" : "MYSQL") +
                 "_REPLICA_URL (scripts/test-servers.sh starts one and sets it)");
  return false;
}

ReplicaConnection::ReplicaConnection()
    : databases_(open_databases_at(replica_url())), conn_((*databases_)["default"].connect()) {}

ReplicaConnection::~ReplicaConnection() = default;

std::string replica_position(Connection& primary) {
  return primary.query_value<std::string>(primary.dialect().text("replica.position"));
}

bool replica_reached(Connection& replica, const std::string& token) {
  return replica.query_value<bool>(replica.dialect().text("replica.reached"), {Value(token)});
}

void wait_until_replica_reached(Connection& replica, const std::string& token) {
  while (!replica_reached(replica, token)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::optional<double> replica_lag(Connection& c) {
  ResultSet rs = c.query(c.dialect().text("replica.lag"));
  if (!rs.next()) return std::nullopt;
  const Row row = rs.row();
  const std::string_view column = c.dialect().text("replica.lag.column");
  const std::size_t i = column.empty() ? 0 : row.index_of(column);
  if (row.is_null(i)) return std::nullopt;
  return row.get<double>(i);
}

bool is_replica(Connection& c) {
  return c.query_value<bool>(c.dialect().text("replica.is_replica"));
}

void pause_replay(Connection& replica) {
  if (backend() == "postgres") {
    replica.query("SELECT pg_wal_replay_pause()");
  } else {
    replica.execute_script("STOP SLAVE SQL_THREAD");
  }
}

void resume_replay(Connection& replica) {
  if (backend() == "postgres") {
    replica.query("SELECT pg_wal_replay_resume()");
  } else {
    replica.execute_script("START SLAVE SQL_THREAD");
  }
}

}  // namespace quarry::test
