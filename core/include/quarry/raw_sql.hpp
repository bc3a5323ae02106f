// SQL of one's own through the ORM: Django's connection.cursor() and
// connections[alias], routed and funnelled as the ORM's own statements are.
//
//   auto rows = quarry::query_sql("SELECT course, COUNT(*) AS n FROM student GROUP BY course");
//   for (const Record& r : rows) std::cout << r.get<std::string>("course");
//   quarry::execute_sql("UPDATE student SET marks = marks + ? WHERE course = ?",
//                       {Value(5), Value("Math")}, {.model = &meta<Student>()});
//
// Guarantees:
// - Every value is a bound parameter, checked as the ORM's are (DataError names its
//   position); the SQL text is the caller's, with the backend's own markers ($1 on
//   PostgreSQL, ? elsewhere).
// - Where it runs: `using_` if given (never asked of the routers); else, with a `model`,
//   where the routers read (query_sql) or write (execute_sql) that model; else
//   "default". Inside an atomic block on that alias, on the block's connection.
// - Both are treated as writes, since quarry cannot tell a SELECT that changes nothing
//   from one that does (a function with side effects, INSERT ... RETURNING): they run on
//   the alias's primary, never on one of its replicas (name a replica's alias in
//   `using_` to read there), are never retried on a lost connection, and outside an
//   atomic block have committed when they return, with the reads that follow seeing
//   them (read-your-writes: on an alias with replicas, one more round trip each).
// - Both are logged in the query log with the alias that ran them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/record.hpp"
#include "quarry/value.hpp"

namespace quarry {

class ModelMeta;

struct SqlOptions {
  std::string using_{};              // the alias; wins over the routers
  const ModelMeta* model = nullptr;  // what the SQL is about: the routers are asked with it
};

// The rows, each a Record named by the result's columns.
std::vector<Record> query_sql(std::string_view sql, std::span<const Value> params = {},
                              const SqlOptions& options = {});
inline std::vector<Record> query_sql(std::string_view sql, std::initializer_list<Value> params,
                                     const SqlOptions& options = {}) {
  return query_sql(sql, std::span<const Value>(params.begin(), params.size()), options);
}

// The number of rows the statement changed (-1 where the backend cannot tell).
int64_t execute_sql(std::string_view sql, std::span<const Value> params = {},
                    const SqlOptions& options = {});
inline int64_t execute_sql(std::string_view sql, std::initializer_list<Value> params,
                           const SqlOptions& options = {}) {
  return execute_sql(sql, std::span<const Value>(params.begin(), params.size()), options);
}

}  // namespace quarry
