// Creating and dropping the tables, indexes and constraints of models, with each
// dialect's DDL. Both are idempotent (IF NOT EXISTS / IF EXISTS).
//
//   quarry::create_tables<Student, Product>();          // on "default"
//   quarry::drop_tables<Student, Product>("reporting");
#pragma once

#include <string>
#include <vector>

#include "quarry/model.hpp"

namespace quarry {

class Connection;
class Dialect;

namespace detail {
void create_tables(const std::vector<const ModelMeta*>& models, const std::string& alias);
void drop_tables(const std::vector<const ModelMeta*>& models, const std::string& alias);
}  // namespace detail

// The statements that create a model's table and indexes on a dialect.
std::vector<std::string> create_table_sql(const ModelMeta& m, const Dialect& d);

template <Model... Ts>
void create_tables(const std::string& alias = "default") {
  detail::create_tables({&meta<Ts>()...}, alias);
}

template <Model... Ts>
void drop_tables(const std::string& alias = "default") {
  detail::drop_tables({&meta<Ts>()...}, alias);
}

// An index as the database's catalog describes it.
struct IndexInfo {
  std::string name;
  std::vector<std::string> columns;  // in order
  std::vector<bool> descending;      // per column
  bool unique = false;
  bool partial = false;
};
// The indexes of a table, read from the backend's catalog (introspection).
std::vector<IndexInfo> table_indexes(Connection& conn, const std::string& table);

}  // namespace quarry
