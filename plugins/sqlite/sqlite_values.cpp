// SQLite's values: how a quarry value is bound.
#include "sqlite_values.hpp"

#include <string>

#include "sqlite_errors.hpp"

namespace quarry::sqlite {
namespace {

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

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

}  // namespace quarry::sqlite
