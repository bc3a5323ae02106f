#include <cctype>

#include "sqlite_connection.hpp"
#include "sqlite_errors.hpp"
#include "sqlite_values.hpp"

namespace quarry::sqlite {
namespace {

bool starts_with_keyword(std::string_view sql, std::string_view word) {
  std::size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  if (sql.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    if (std::toupper(static_cast<unsigned char>(sql[i + k])) != word[k]) return false;
  }
  return true;
}

}  // namespace

Statement::Statement(Connection& conn, sqlite3_stmt* stmt, std::string_view sql)
    : conn_(conn),
      stmt_(stmt),
      is_insert_(starts_with_keyword(sql, "INSERT") || starts_with_keyword(sql, "REPLACE")) {}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::bind(std::span<const quarry_value> params) {
  const int expected = sqlite3_bind_parameter_count(stmt_);
  if (static_cast<int>(params.size()) != expected) {
    throw sdk::Error(QUARRY_ERR_PROGRAMMING, "the statement takes " + std::to_string(expected) +
                                                 " parameters, " + std::to_string(params.size()) +
                                                 " were given");
  }
  // The core's values last only for this call, and a SELECT reads its parameters again
  // on every step: SQLite keeps copies.
  for (std::size_t i = 0; i < params.size(); ++i) {
    bind_value(conn_.db(), stmt_, static_cast<int>(i) + 1, params[i], false);
  }
}

int Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return rc;
  const int code = sqlite3_extended_errcode(conn_.db());
  sqlite3_reset(stmt_);
  raise(conn_.db(), code);
}

sdk::Result& Statement::execute(std::span<const quarry_value> params, uint32_t /*flags*/) {
  // SQLite always steps row by row, so a streamed result needs nothing different.
  // No sqlite3_clear_bindings: bind() sets every parameter (it checks the count), and
  // closing the last result already dropped its bound copies.
  sqlite3_reset(stmt_);
  result_.reset();
  bind(params);
  const int rc = step();
  if (rc == SQLITE_ROW) {
    result_.pending_row_ = true;
  } else {
    result_.finish();
  }
  return result_;
}

std::size_t Result::column_count() const {
  return static_cast<std::size_t>(sqlite3_column_count(stmt_.stmt_));
}

const char* Result::column_name(std::size_t index) const {
  return sqlite3_column_name(stmt_.stmt_, static_cast<int>(index));
}

void Result::finish() {
  done_ = true;
  if (!sqlite3_stmt_readonly(stmt_.stmt_)) {
    affected_ = sqlite3_changes64(stmt_.conn_.db());
    if (stmt_.is_insert_ && affected_ > 0) insert_id_ = sqlite3_last_insert_rowid(stmt_.conn_.db());
  }
}

void Result::read_row(quarry_value* row, std::size_t ncols) {
  sqlite3_stmt* s = stmt_.stmt_;
  for (std::size_t i = 0; i < ncols; ++i) {
    // One sqlite3_column_* call per cell, then the value read directly: each column call
    // takes the connection's mutex and checks for a malloc failure, the value calls do
    // not. The value is "unprotected", which only matters to a connection shared between
    // threads while it is read; a quarry connection is used by one thread at a time.
    row[i] = value_of(sqlite3_column_value(s, static_cast<int>(i)));
  }
}

bool Result::fetch(quarry_value* row, std::size_t ncols) {
  if (pending_row_) {
    pending_row_ = false;
    read_row(row, ncols);
    return true;
  }
  if (done_) return false;
  if (stmt_.step() == SQLITE_ROW) {
    read_row(row, ncols);
    return true;
  }
  finish();
  return false;
}

void Result::close() {
  // Resetting ends the statement's read transaction and drops its bound copies.
  sqlite3_reset(stmt_.stmt_);
  sqlite3_clear_bindings(stmt_.stmt_);
}

}  // namespace quarry::sqlite
