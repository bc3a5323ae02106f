// The connection, its prepared statements and their results: the classes the core drives
// through the SDK. Each method does its work or throws sdk::Error with the class that
// fits (skeleton_errors.hpp). The core uses one connection, and its statements and
// results, from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace skeleton {

class Statement;

// One result stream, owned by its statement (so running a cached statement allocates
// nothing). The core calls fetch() until it returns false, or close() part way.
class Result final : public quarry::sdk::Result {
 public:
  std::size_t column_count() const override { return 0; }
  const char* column_name(std::size_t) const override { return ""; }
  bool fetch(quarry_value* row, std::size_t ncols) override;
};

// A prepared statement; the core caches it per connection and runs it again and again.
class Statement final : public quarry::sdk::Statement {
 public:
  // Binds params (skeleton_values.hpp) and runs; QUARRY_EXEC_STREAM and
  // QUARRY_EXEC_DRAIN in flags say how the rows may be read (docs/plugin-guide.md).
  quarry::sdk::Result& execute(std::span<const quarry_value> params, uint32_t flags) override;

 private:
  Result result_;
};

class Connection final : public quarry::sdk::Connection {
 public:
  // Opens the session: params holds the config's host, port, name, user, password and
  // options, plus alias and database_id.
  explicit Connection(const quarry::sdk::ConnectParams& params);
  const std::string& server_version() const override { return version_; }
  void ping() override;                                // a cheap round trip
  void execute_script(std::string_view sql) override;  // DDL, BEGIN, SAVEPOINT ...
  std::unique_ptr<quarry::sdk::Statement> prepare(std::string_view sql) override;
  // The fast path for many rows (skeleton_bulk.cpp); optional.
  bool bulk_insert(const quarry::sdk::BulkInsert& insert) override;

 private:
  std::string version_;
};

}  // namespace skeleton
