#include <cctype>

#include "sqlite_connection.hpp"
#include "sqlite_errors.hpp"

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

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

Statement::Statement(Connection& conn, sqlite3_stmt* stmt, std::string_view sql)
    : conn_(conn),
      stmt_(stmt),
      is_insert_(starts_with_keyword(sql, "INSERT") || starts_with_keyword(sql, "REPLACE")) {}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

// SQLite stores what it is given; dates, times and datetimes go in as the ISO text
// Django writes, UUIDs as the 32 hex digits of its char(32) column.
void bind_value(sqlite3* db, sqlite3_stmt* stmt, int idx, const quarry_value& v, bool borrow) {
  // Borrowed text stays where it is until the statement is reset; formatted text is
  // copied, its buffer being this function's.
  const auto keep = borrow ? SQLITE_STATIC : SQLITE_TRANSIENT;
  int rc = SQLITE_OK;
  char buf[civil::kDateTimeBuffer];
  switch (v.type) {
    case QUARRY_NULL:
      rc = sqlite3_bind_null(stmt, idx);
      break;
    case QUARRY_BOOL:
    case QUARRY_INT64:
      rc = sqlite3_bind_int64(stmt, idx, v.u.i);
      break;
    case QUARRY_DOUBLE:
      rc = sqlite3_bind_double(stmt, idx, v.u.d);
      break;
    case QUARRY_DECIMAL:
    case QUARRY_TEXT:
    case QUARRY_JSON:
      rc = sqlite3_bind_text64(stmt, idx, v.u.s.ptr, v.u.s.len, keep, SQLITE_UTF8);
      break;
    case QUARRY_BYTES:
      rc = sqlite3_bind_blob64(stmt, idx, v.u.s.ptr, v.u.s.len, keep);
      break;
    case QUARRY_DATE: {
      const std::size_t n = civil::format_date(v.u.i, buf);
      rc = sqlite3_bind_text(stmt, idx, buf, static_cast<int>(n), SQLITE_TRANSIENT);
      break;
    }
    case QUARRY_TIME: {
      const std::size_t n = civil::format_time(v.u.i, buf);
      rc = sqlite3_bind_text(stmt, idx, buf, static_cast<int>(n), SQLITE_TRANSIENT);
      break;
    }
    case QUARRY_DATETIME: {
      const std::size_t n = civil::format_datetime(v.u.i, buf);
      rc = sqlite3_bind_text(stmt, idx, buf, static_cast<int>(n), SQLITE_TRANSIENT);
      break;
    }
    case QUARRY_UUID: {
      for (int k = 0; k < 16; ++k) {
        buf[2 * k] = kHex[v.u.uuid[k] >> 4];
        buf[2 * k + 1] = kHex[v.u.uuid[k] & 15];
      }
      rc = sqlite3_bind_text(stmt, idx, buf, 32, SQLITE_TRANSIENT);
      break;
    }
    default:
      throw sdk::Error(QUARRY_ERR_INTERFACE, "parameter " + std::to_string(idx) +
                                                 " has unknown type " + std::to_string(v.type));
  }
  if (rc != SQLITE_OK) raise(db, rc, "binding parameter " + std::to_string(idx));
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
    sqlite3_value* v = sqlite3_column_value(s, static_cast<int>(i));
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        row[i] = sdk::int_value(sqlite3_value_int64(v));
        break;
      case SQLITE_FLOAT:
        row[i] = sdk::double_value(sqlite3_value_double(v));
        break;
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
        row[i] = sdk::text_value({p, static_cast<std::size_t>(sqlite3_value_bytes(v))});
        break;
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
        row[i] = sdk::text_value({p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v))},
                                 QUARRY_BYTES);
        break;
      }
      default:
        row[i] = sdk::null_value();
        break;
    }
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
