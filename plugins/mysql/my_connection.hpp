// A MariaDB Connector/C connection, its prepared statements and their results.
#pragma once

#include <mysql.h>

#include <memory>
#include <string>
#include <vector>

#include "quarry/plugin/sdk.hpp"

namespace quarry::mysql {

class Connection;
class Statement;

// The connector type a value of this quarry_type is sent as.
enum_field_types field_type_of(int32_t type);
// A date, time or datetime as MySQL's struct.
MYSQL_TIME to_mysql_time(const quarry_value& v);
// A UUID as MariaDB's uuid type takes it (dashed) or as a char(32) column holds it.
void append_uuid(std::string& out, const quarry_value& v, bool dashed);

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
  struct Column {
    enum Kind { Int, UInt, Double, Decimal, Text, Bytes, Date, Time, DateTime, Json } kind;
    std::vector<char> buffer;
    MYSQL_TIME time{};
    int64_t i = 0;
    double d = 0;
    unsigned long length = 0;
    my_bool is_null = 0;
    my_bool error = 0;
  };
  void start(bool stream);
  void bind_columns(bool sized_by_max_length);
  quarry_value value_of(std::size_t i);

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
