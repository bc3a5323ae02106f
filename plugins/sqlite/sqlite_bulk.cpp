// bulk_insert for SQLite: INSERT statements of many rows each, the full-size one
// prepared once per call, values bound without copies.
//
// Keys come from the rowids SQLite hands out, not from RETURNING (which makes SQLite
// collect every row first and doubles the cost of the insert): in a table whose key is
// its rowid, with no trigger that could insert into it meanwhile, one statement's rows
// get consecutive rowids above every rowid already there, and the last of them is
// sqlite3_last_insert_rowid(). Each statement checks that this held.
#include <algorithm>
#include <cctype>
#include <limits>

#include "sqlite_connection.hpp"
#include "sqlite_errors.hpp"
#include "sqlite_values.hpp"

namespace quarry::sqlite {
namespace {

// Rows per statement: past a few hundred a longer statement saves nothing measurable
// and costs a larger prepare.
constexpr std::size_t kRowsPerStatement = 500;

// A prepared statement, finalized on every path out.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), 0, &s_, nullptr) !=
        SQLITE_OK) {
      raise(db, sqlite3_extended_errcode(db));
    }
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return s_; }
  // Steps to completion; returns whether the statement gave a row first.
  bool run() {
    const int rc = sqlite3_step(s_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      const int code = sqlite3_extended_errcode(db_);
      sqlite3_reset(s_);
      raise(db_, code);
    }
    return rc == SQLITE_ROW;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

// The largest rowid in the table, if the `key` column is its rowid and nothing but this
// insert can add rows to it while it runs; std::nullopt otherwise.
std::optional<int64_t> rowid_before(sqlite3* db, const sdk::BulkInsert& b) {
  for (const char* c : b.columns) {
    if (sdk::same_name(c, b.key_column)) return std::nullopt;  // keys given, not handed out
  }
  // The key is the rowid when it is the one primary-key column and declared INTEGER
  // (in a rowid table: a WITHOUT ROWID table fails the max(rowid) below).
  bool key_is_rowid = false;
  int key_columns = 0;
  {
    Stmt info(db, "SELECT name, type, pk FROM pragma_table_info(?1)");
    bind_value(db, info.get(), 1, sdk::text_value(b.table), true);
    while (info.run()) {
      const std::string_view name =
          reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 0));
      const std::string_view type =
          reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 1));
      if (sdk::same_name(name, "rowid") || sdk::same_name(name, "oid") ||
          sdk::same_name(name, "_rowid_")) {
        return std::nullopt;  // a column hides the rowid
      }
      if (sqlite3_column_int(info.get(), 2) > 0) {
        ++key_columns;
        key_is_rowid = sdk::same_name(name, b.key_column) && sdk::same_name(type, "integer");
      }
    }
  }
  if (key_columns != 1 || !key_is_rowid) return std::nullopt;
  {
    Stmt triggers(db, "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1");
    bind_value(db, triggers.get(), 1, sdk::text_value(b.table), true);
    if (triggers.run()) return std::nullopt;
  }
  std::string sql = "SELECT max(rowid) FROM ";
  sdk::append_quoted(sql, b.table, '"');
  sqlite3_stmt* probe = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &probe, nullptr) != SQLITE_OK) {
    sqlite3_finalize(probe);
    return std::nullopt;  // WITHOUT ROWID
  }
  int64_t max = 0;
  if (sqlite3_step(probe) == SQLITE_ROW) max = sqlite3_column_int64(probe, 0);
  sqlite3_finalize(probe);
  // Past the largest rowid SQLite picks rowids at random.
  if (max > std::numeric_limits<int64_t>::max() - static_cast<int64_t>(b.rows)) return std::nullopt;
  return max;
}

std::string insert_sql(const sdk::BulkInsert& b, std::size_t rows) {
  std::string sql = "INSERT INTO ";
  sdk::append_quoted(sql, b.table, '"');
  sql += " (";
  std::string row = "(";
  for (std::size_t c = 0; c < b.columns.size(); ++c) {
    if (c) {
      sql += ", ";
      row += ", ";
    }
    sdk::append_quoted(sql, b.columns[c], '"');
    row += '?';
  }
  row += ')';
  sql += ") VALUES ";
  sql.reserve(sql.size() + rows * (row.size() + 2));
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) sql += ", ";
    sql += row;
  }
  return sql;
}

}  // namespace

sqlite3_stmt* Connection::bulk_statement(const std::string& sql) {
  if (bulk_stmt_ && sql == bulk_sql_) return bulk_stmt_;
  sqlite3_finalize(bulk_stmt_);
  bulk_stmt_ = nullptr;
  bulk_sql_.clear();
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &bulk_stmt_, nullptr) != SQLITE_OK) {
    raise(db_, sqlite3_extended_errcode(db_));
  }
  bulk_sql_ = sql;
  return bulk_stmt_;
}

bool Connection::bulk_insert(const sdk::BulkInsert& b) {
  std::optional<int64_t> last_key;
  if (b.key_column) {
    last_key = rowid_before(db_, b);
    if (!last_key) return false;  // the core inserts with RETURNING instead
  }
  const std::size_t ncols = b.columns.size();
  const auto max_params =
      static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
  const std::size_t per_statement =
      std::max<std::size_t>(1, std::min(kRowsPerStatement, max_params / ncols));
  // The full-size statement is kept for the next call (bulk_create calls again for each
  // chunk of rows); only its bindings, which borrow this call's values, are dropped.
  struct ClearBindings {
    sqlite3_stmt* s;
    ~ClearBindings() {
      if (s) sqlite3_clear_bindings(s);
    }
  } clear{nullptr};
  for (std::size_t start = 0; start < b.rows; start += per_statement) {
    const std::size_t n = std::min(per_statement, b.rows - start);
    std::optional<Stmt> last;  // the shorter statement for the rows left at the end
    sqlite3_stmt* stmt = nullptr;
    if (n == per_statement) {
      stmt = clear.s = bulk_statement(insert_sql(b, n));
    } else {
      stmt = last.emplace(db_, insert_sql(b, n)).get();
    }
    for (std::size_t i = 0; i < n * ncols; ++i) {
      bind_value(db_, stmt, static_cast<int>(i) + 1, b.values[start * ncols + i], true);
    }
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      const int code = sqlite3_extended_errcode(db_);
      sqlite3_reset(stmt);
      raise(db_, code);
    }
    sqlite3_reset(stmt);
    if (static_cast<std::size_t>(sqlite3_changes64(db_)) != n) {
      throw sdk::Error(QUARRY_ERR_INTERNAL, "a bulk insert statement of " + std::to_string(n) +
                                                " rows changed " +
                                                std::to_string(sqlite3_changes64(db_)));
    }
    if (last_key) {
      const int64_t last_rowid = sqlite3_last_insert_rowid(db_);
      // Every new rowid above the old largest, n of them ending at the last: consecutive.
      if (last_rowid - static_cast<int64_t>(n) < *last_key) {
        throw sdk::Error(QUARRY_ERR_INTERNAL,
                         "SQLite gave rowids that are not consecutive above the table's largest; "
                         "the keys of this bulk insert cannot be known");
      }
      for (std::size_t i = 0; i < n; ++i) {
        b.keys[start + i] = last_rowid - static_cast<int64_t>(n - 1 - i);
      }
      *last_key = last_rowid;
    }
  }
  return true;
}

}  // namespace quarry::sqlite
