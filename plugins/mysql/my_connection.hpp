// A MariaDB Connector/C connection, its prepared statements and their results.
#pragma once

#include <mysql.h>

#include <memory>
#include <string>
#include <vector>

#include "my_values.hpp"
#include "quarry/plugin/sdk.hpp"

namespace quarry::mysql {

class Connection;
class Statement;

// Rows through the binary protocol into per-column buffers that are reused from row to
// row. Buffered results are stored client-side first (so the session is free for other
// statements); streamed ones are read from the socket as fetched.
class Result final : public sdk::Result {
 public:
  explicit Result(Statement& stmt) : stmt_(stmt) {}
  ~Result() override { close(); }
  std::size_t column_count() const override { return columns_.size(); }
  const char* column_name(std::size_t index) const override;
  bool fetch(quarry_value* row, std::size_t ncols) override;
  int64_t affected_rows() const override { return affected_; }
  std::optional<int64_t> last_insert_id() const override { return insert_id_; }
  void close() override;

 private:
  friend class Statement;
  void start(bool stream);
  void bind_columns(bool sized_by_max_length);

  Statement& stmt_;
  MYSQL_RES* meta_ = nullptr;
  std::vector<Column> columns_;
  std::vector<MYSQL_BIND> binds_;
  std::string scratch_;  // text of a value that does not fit its own buffer
  bool open_ = false;
  bool streaming_ = false;
  int64_t affected_ = -1;
  std::optional<int64_t> insert_id_;
};

class Statement final : public sdk::Statement {
 public:
  Statement(Connection& conn, MYSQL_STMT* stmt);
  ~Statement() override;
  sdk::Result& execute(std::span<const quarry_value> params, uint32_t flags) override;

 private:
  friend class Result;
  void bind(std::span<const quarry_value> params);

  Connection& conn_;
  MYSQL_STMT* stmt_;
  std::vector<MYSQL_BIND> param_binds_;
  std::vector<MYSQL_TIME> param_times_;
  std::string param_text_;  // UUIDs written out
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
  void* native_handle() override { return conn_; }

  bool bulk_insert(const sdk::BulkInsert& insert) override;

  MYSQL* my() const { return conn_; }
  bool native_uuid() const { return native_uuid_; }

 private:
  MYSQL* conn_ = nullptr;
  std::string version_;
  bool native_uuid_ = false;
  unsigned long max_packet_ = 0;  // the server's max_allowed_packet, once asked
};

}  // namespace quarry::mysql
