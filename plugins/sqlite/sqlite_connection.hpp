// A SQLite database connection, its prepared statements and their results.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace quarry::sqlite {

class Statement;

// Rows come straight from sqlite3_step: nothing is buffered.
class Result final : public sdk::Result {
 public:
  explicit Result(Statement& stmt) : stmt_(stmt) {}
  std::size_t column_count() const override;
  const char* column_name(std::size_t index) const override;
  bool fetch(quarry_value* row, std::size_t ncols) override;
  int64_t affected_rows() const override { return affected_; }
  std::optional<int64_t> last_insert_id() const override { return insert_id_; }
  void close() override;

 private:
  friend class Statement;
  void reset() {
    pending_row_ = done_ = false;
    affected_ = -1;
    insert_id_.reset();
  }
  void read_row(quarry_value* row, std::size_t ncols);
  void finish();

  Statement& stmt_;
  bool pending_row_ = false;  // execute() stepped onto a row that fetch() has not given
  bool done_ = false;
  int64_t affected_ = -1;
  std::optional<int64_t> insert_id_;
};

class Connection;

class Statement final : public sdk::Statement {
 public:
  Statement(Connection& conn, sqlite3_stmt* stmt, std::string_view sql);
  ~Statement() override;
  sdk::Result& execute(std::span<const quarry_value> params, uint32_t flags) override;

 private:
  friend class Result;
  void bind(std::span<const quarry_value> params);
  int step();

  Connection& conn_;
  sqlite3_stmt* stmt_;
  bool is_insert_;
  Result result_{*this};
};

class Connection final : public sdk::Connection {
 public:
  explicit Connection(const sdk::ConnectParams& params);
  ~Connection() override;

  const std::string& server_version() const override { return version_; }
  void ping() override;
  void execute_script(std::string_view sql) override;
  std::unique_ptr<sdk::Statement> prepare(std::string_view sql) override;
  void* native_handle() override { return db_; }
  bool bulk_insert(const sdk::BulkInsert& insert) override;
  sqlite3* db() const { return db_; }

 private:
  // The last bulk_insert statement of many rows, prepared once for every chunk.
  sqlite3_stmt* bulk_statement(const std::string& sql);

  sqlite3* db_ = nullptr;
  std::string version_;
  std::string bulk_sql_;
  sqlite3_stmt* bulk_stmt_ = nullptr;
};

}  // namespace quarry::sqlite
