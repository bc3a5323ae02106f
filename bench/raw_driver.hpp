// The raw C drivers doing each workload by hand, the way a careful programmer would:
// prepared once, read straight into the same struct quarry fills.
#pragma once

#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bench_item.hpp"

namespace bench {

// The statements the read workloads prepare, with "?" for the parameter
// (PostgreSQL's drivers write "$1" in its place).
namespace sql {
inline constexpr const char* kGet =
    "SELECT id, name, price, qty, created_at, is_active FROM bench_item WHERE id = ?";
inline constexpr const char* kFetch =
    "SELECT id, name, price, qty, created_at, is_active FROM bench_item WHERE id <= ? ORDER BY id";
inline constexpr const char* kIdPrice =
    "SELECT id, price FROM bench_item WHERE id <= ? ORDER BY id";
inline constexpr const char* kGroupBy =
    "SELECT is_active, COUNT(*), SUM(qty) FROM bench_item GROUP BY is_active";
}  // namespace sql

class RawDriver {
 public:
  virtual ~RawDriver() = default;
  virtual std::string label() const = 0;
  // SELECT every column WHERE id = ?, through a statement prepared once.
  virtual void get(int64_t id, Item& out) = 0;
  // Every column of the rows with id <= up_to, in id order.
  virtual void fetch(int64_t up_to, std::vector<Item>& out) = 0;
  // (id, price) of the rows with id <= up_to.
  virtual void id_price(int64_t up_to, std::vector<std::pair<int64_t, quarry::Decimal>>& out) = 0;
  // is_active, COUNT(*), SUM(qty) GROUP BY is_active.
  virtual void group_by(std::vector<std::tuple<bool, int64_t, int64_t>>& out) = 0;
  // Multi-row INSERTs of `batch` rows into bench_bulk.
  virtual void insert_batches(const std::vector<Item>& rows, std::size_t batch) = 0;
  // The backend's fastest bulk load, where it has one (PostgreSQL's COPY).
  virtual bool has_copy() const { return false; }
  virtual void copy(const std::vector<Item>&) {}
  virtual void exec(const std::string& sql) = 0;
  // Every column of the rows of `table` with id <= up_to, read one row at a time as the
  // server sends them (the driver's streaming mode) into one Item; the sum of qty.
  virtual int64_t stream(const std::string& table, int64_t up_to) = 0;
};

// Each driver on a connection of its own...
std::unique_ptr<RawDriver> raw_postgres(const quarry::DatabaseSettings& s);
std::unique_ptr<RawDriver> raw_mysql(const quarry::DatabaseSettings& s);
std::unique_ptr<RawDriver> raw_sqlite(const quarry::DatabaseSettings& s);
// ...or on quarry's (PGconn*, MYSQL*, sqlite3*), borrowed: the timed workloads run both
// sides on one server session, so that both talk to the same server process. On a small
// machine two sessions' round trips can differ fourfold, by where the scheduler puts
// their server processes.
std::unique_ptr<RawDriver> raw_postgres_on(void* session);
std::unique_ptr<RawDriver> raw_mysql_on(void* session);
std::unique_ptr<RawDriver> raw_sqlite_on(void* session);

}  // namespace bench
