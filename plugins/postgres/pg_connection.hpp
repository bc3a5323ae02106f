// A libpq connection, its prepared statements and their results.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "pg_values.hpp"
#include "quarry/plugin/sdk.hpp"

namespace quarry::postgres {

class Connection;
class Statement;

// A buffered result (PQexecPrepared), or a streamed one (single-row mode) whose rows
// arrive as they are read. A streamed result keeps its first PGresult for the column
// names, so they stay valid for the whole stream.
class Result final : public sdk::Result {
 public:
  explicit Result(Statement& stmt) : stmt_(stmt) {}
  ~Result() override { close(); }
  std::size_t column_count() const override { return ncols_; }
  const char* column_name(std::size_t index) const override;
  bool fetch(quarry_value* row, std::size_t ncols) override;
  int64_t affected_rows() const override { return affected_; }
  void close() override;

 private:
  friend class Statement;
  void start_buffered(PGresult* res);
  void start_streamed();
  void read_row(const PGresult* res, int row, quarry_value* out, std::size_t ncols);
  // Column types (and a decode buffer per column), read once per result.
  void describe(const PGresult* res);
  bool next_streamed_row();

  Statement& stmt_;
  PGresult* meta_ = nullptr;     // the whole result, or a streamed result's first part
  PGresult* current_ = nullptr;  // a streamed row after the first
  int row_ = 0, nrows_ = 0;
  std::size_t ncols_ = 0;
  bool streaming_ = false;
  bool stream_open_ = false;  // the server is still sending
  bool first_row_pending_ = false;
  int64_t affected_ = -1;
  std::vector<std::string> scratch_;  // decoded bytea, a buffer per column
  std::vector<Oid> types_;
};

class Statement final : public sdk::Statement {
 public:
  Statement(Connection& conn, std::string name);
  ~Statement() override;
  sdk::Result& execute(std::span<const quarry_value> params, uint32_t flags) override;

 private:
  friend class Result;
  Connection& conn_;
  std::string name_;
  ParamBuffer params_;
  Result result_{*this};
};

// A PGresult, cleared on every path out.
struct PgResult {
  PGresult* res;
  ~PgResult() { PQclear(res); }
};

class Connection final : public sdk::Connection {
 public:
  explicit Connection(const sdk::ConnectParams& params);
  ~Connection() override;

  const std::string& server_version() const override { return version_; }
  void ping() override;
  void execute_script(std::string_view sql) override;
  std::unique_ptr<sdk::Statement> prepare(std::string_view sql) override;
  void* native_handle() override { return conn_; }
  bool bulk_insert(const sdk::BulkInsert& insert) override;

  PGconn* pg() const { return conn_; }
  // Talking to the server within read_timeout and write_timeout (pg_io.cpp): a PQsend
  // call's outcome, flushed; the next result of what was sent; all of them as PQexec
  // gives them; PQexec itself; COPY data (or, `ending`, its end with an error or null).
  void sent(int ok);
  PGresult* next_result();
  PGresult* last_result();
  PGresult* exec(const char* sql);
  bool put_copy(std::string_view data, const char* end = nullptr, bool ending = false);
  // Given up after a timeout: nothing more is sent or awaited on it.
  bool lost() const { return lost_; }
  // Statements are deallocated in one batch before the next prepare, not one round trip
  // each as they are evicted, and not at all when the session closes.
  void forget(std::string name) { to_deallocate_.push_back(std::move(name)); }

 private:
  void deallocate_forgotten();
  void require_standard_strings();
  void set_timeouts(const sdk::ConnectParams& params);
  void start_bounded_io();
  short wait(short events, int timeout_ms, const char* option);

  PGconn* conn_ = nullptr;
  std::string version_;
  uint64_t next_statement_ = 0;
  std::vector<std::string> to_deallocate_;
  int read_timeout_ms_ = 0, write_timeout_ms_ = 0;  // 0: no bound
  bool lost_ = false;
};

}  // namespace quarry::postgres
