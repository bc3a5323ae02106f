// Internal: the one way the ORM gets a connection for a statement, and the read and
// write funnels every statement passes through (the seam of docs/architecture.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "quarry/connection.hpp"
#include "quarry/pool.hpp"
#include "quarry/value.hpp"

namespace quarry {

class Database;

namespace detail {
struct ReadRoute;
struct ThreadTransaction;

// The connection the current thread uses for alias: its atomic block's, if one is
// open, otherwise one from the pool, held for the lease's life.
class Lease {
 public:
  explicit Lease(std::string_view alias);
  explicit Lease(Database& db);
  // For a read routed to db: its atomic block's connection, if one is open; else, where
  // the route allows, a connection to a replica in rotation that has replayed every write
  // this thread depends on (quarry::ReadYourWrites); else one of the primary's.
  explicit Lease(const ReadRoute& route);
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_; }
  bool in_atomic() const { return !pooled_; }
  // Runs a read: a query compiled from a queryset, which writes nothing. Outside an
  // atomic block, a read that finds its pooled connection lost (an error that poisons it,
  // ConnectionLost: a session killed by an operator or closed by the server while it sat in the
  // pool) runs once more on a fresh connection. A write never does (it may have been done before
  // the session went), nor anything inside a block (the transaction went with the session), nor a
  // read that the plugin says timed out (SQLSTATE QUARRY_SQLSTATE_TIMED_OUT: a second try would
  // wait as long again).
  ResultSet read(std::string_view sql, std::span<const Value> params, ExecOptions opts = {});
  // The write funnel: every statement of the ORM's that changes rows or schema runs
  // through one of these, never retried (it may have been done before a connection went).
  // `table` is the table it changes ("" when not known: raw SQL), which the write events
  // name (quarry/write_events.hpp): after the statement, and for the transaction at its
  // end. write() gives the rows the statement returns (INSERT ... RETURNING); execute()
  // the number of rows it changed; execute_script() runs DDL; bulk_insert() the
  // engine's fast path (Connection's).
  ResultSet write(std::string_view sql, std::span<const Value> params, std::string_view table);
  int64_t execute(std::string_view sql, std::span<const Value> params, std::string_view table);
  void execute_script(std::string_view sql, std::string_view table);
  bool bulk_insert(const std::string& table, std::span<const std::string> columns,
                   std::span<const quarry_value> rows, const std::string& key_column,
                   std::span<int64_t> keys);
  // Whether this thread has an atomic block open on alias.
  static bool in_atomic_block(std::string_view alias);
  // Whether this thread's atomic block on alias has written (or handed its connection
  // out): known while write listeners exist, as they do where a query cache is.
  static bool block_has_written(std::string_view alias);
  // Whether this thread has an atomic block open on any alias.
  static bool in_any_atomic_block();
  // After a write through this lease: outside an atomic block it has committed, and on an
  // alias with replicas its position is noted for reads that follow (read-your-writes).
  // Inside a block, the outermost commit does that.
  void wrote();
  // The database the connection is of (a replica's, for a read one served).
  Database& database() const { return *db_; }

 private:
  void use(Database& db);                // its block's connection, or its pool's
  void changed(std::string_view table);  // the write events of a statement that succeeded
  void lease_from(Database& db);
  PooledConnection pooled_;
  Connection* conn_ = nullptr;
  Database* db_ = nullptr;           // where pooled_ came from
  ThreadTransaction* tx_ = nullptr;  // the atomic block whose connection this is, or null
};
}  // namespace detail

}  // namespace quarry
