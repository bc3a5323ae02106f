// Connection: one session with a database through its plugin.
//
// Statements are prepared once per connection and reused (an LRU cache keyed by the SQL
// text); every value travels as a bound parameter. A Connection is used by one thread
// at a time; the Pool hands connections out to threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/dialect.hpp"
#include "quarry/query_log.hpp"
#include "quarry/result_set.hpp"
#include "quarry/value.hpp"

namespace quarry {

class Engine;
namespace detail {
class StatementCache;
}

struct ExecOptions {
  // Read rows from the server as they are consumed instead of buffering the whole result
  // (PostgreSQL single-row mode, MySQL unbuffered fetch; SQLite always steps). While a
  // streamed result is open, PostgreSQL and MySQL connections run nothing else.
  bool stream = false;
  // The caller reads every row (or closes the result) before it runs anything else on
  // the connection, so the plugin may stream where that is faster than buffering.
  bool drain = false;
  // Keep the prepared statement for reuse (off for one-off SQL).
  bool cache = true;
};

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& alias() const { return alias_; }
  const Dialect& dialect() const { return *dialect_; }
  const Features& features() const { return dialect_->features(); }
  const std::string& server_version() const { return server_version_; }
  const Engine& engine() const { return *engine_; }

  ResultSet query(std::string_view sql, std::span<const Value> params = {}, ExecOptions opts = {});
  ResultSet query(std::string_view sql, std::initializer_list<Value> params,
                  ExecOptions opts = {}) {
    return query(sql, std::span<const Value>(params.begin(), params.size()), opts);
  }
  // The same with values already in the ABI's form (what compiled queries hold).
  ResultSet query_raw(std::string_view sql, std::span<const quarry_value> params,
                      ExecOptions opts = {});
  // The first column of the first row, as T; throws ProgrammingError if there is no row.
  template <class T>
  T query_value(std::string_view sql, std::initializer_list<Value> params = {}) {
    ResultSet rs = query(sql, params);
    if (!rs.next()) throw_no_rows(sql);
    return rs.row().get<T>(0);
  }
  // Runs a statement and returns the number of rows it changed.
  int64_t execute(std::string_view sql, std::span<const Value> params = {});
  int64_t execute(std::string_view sql, std::initializer_list<Value> params) {
    return execute(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // SQL without parameters and without a result: DDL, several statements at once.
  void execute_script(std::string_view sql);
  // Many rows into one table by the engine's fastest path (COPY, array binding, ...):
  // `rows` holds columns.size() values per row, row after row. With a `key_column` (an
  // auto-increment key, not among `columns`), `keys` gets each row's generated key, in
  // row order. False, with nothing written, when the engine has no such path or
  // declines this insert: the caller then writes INSERT statements. The query log sees
  // one event, "BULK INSERT INTO table (columns) -- N rows".
  bool bulk_insert(const std::string& table, std::span<const std::string> columns,
                   std::span<const quarry_value> rows, const std::string& key_column = {},
                   std::span<int64_t> keys = {});

  // Transactions. Nesting is by savepoints, whose names this connection makes.
  void begin();
  void commit();
  void rollback();
  bool in_transaction() const { return in_transaction_; }
  // Whether a statement failed in the open transaction since it began or was last
  // rolled back to a savepoint: atomic blocks then refuse further queries.
  bool transaction_failed() const { return transaction_failed_; }
  std::string savepoint();
  void release_savepoint(std::string_view name);
  void rollback_to_savepoint(std::string_view name);

  // A round trip; throws ConnectionLost (and marks the connection unusable) if dead.
  void ping();
  // Closes the session now; any later use raises ConnectionLost.
  void close() noexcept;
  // False once closed, or after an error that poisons the connection
  // (Error::poisons_connection(): the server dropped the session) or a failed rollback.
  bool is_usable() const { return handle_ != nullptr && !broken_; }
  // The driver's own handle: PGconn*, MYSQL* or sqlite3*.
  void* native_handle();

  // Statement cache figures, for tests and tuning.
  std::size_t cached_statements() const;
  uint64_t statements_prepared() const { return prepared_count_; }

 private:
  friend class Database;
  friend class ResultSet;
  Connection(std::shared_ptr<const Engine> engine, quarry_connection* handle, std::string alias,
             std::shared_ptr<QueryLog> log, std::size_t statement_cache_size);
  void attach_dialect(std::shared_ptr<const Dialect> dialect) {
    text_holds_nul_ = dialect->features().has("text_holds_nul");
    dialect_ = std::move(dialect);
  }
  // Refuses, before anything is sent, a value no backend may be given: text that is not
  // UTF-8 (or holds a NUL the backend would cut it at), a float that is not finite.
  // `columns` names the columns of bulk rows; empty for a statement's parameters.
  void check_values(std::string_view sql, std::span<const quarry_value> values,
                    std::span<const std::string> columns) const;

  // The statement for `sql` (the cache's or newly prepared), or null with `err` set when
  // the server refused to prepare it.
  detail::StatementEntry* statement_for(std::string_view sql, bool cache, quarry_error* err);
  void give_back(detail::StatementEntry* entry) noexcept;
  // Reports a statement sent to the query log and captures, with its outcome.
  void note(std::string_view sql, std::span<const quarry_value> params,
            std::chrono::steady_clock::time_point start, const quarry_error* err);
  [[noreturn]] void fail(const quarry_error& err, std::string_view sql);
  [[noreturn]] void throw_no_rows(std::string_view sql) const;
  void require_open(std::string_view sql) const;
  void run_control(std::string_view sql);

  std::shared_ptr<const Engine> engine_;
  const quarry_plugin* api_;
  quarry_connection* handle_;
  std::string alias_;
  std::string server_version_;
  std::shared_ptr<QueryLog> log_;
  std::shared_ptr<const Dialect> dialect_;
  std::unique_ptr<detail::StatementCache> cache_;
  std::vector<ResultSet*> open_results_;  // released before the session closes
  uint64_t prepared_count_ = 0;
  uint64_t savepoint_seq_ = 0;
  std::string begin_sql_;  // BEGIN as this alias begins (SQLite: BEGIN IMMEDIATE), or ""
  bool in_transaction_ = false;
  bool transaction_failed_ = false;
  bool broken_ = false;
  bool text_holds_nul_ = true;
};

// Rolls back on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& conn) : conn_(&conn) { conn.begin(); }
  ~Transaction() {
    if (conn_ && conn_->in_transaction()) {
      try {
        conn_->rollback();
      } catch (...) {  // the connection may be gone; nothing was committed either way
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    conn_->commit();
    conn_ = nullptr;
  }
  void rollback() {
    conn_->rollback();
    conn_ = nullptr;
  }

 private:
  Connection* conn_;
};

}  // namespace quarry
