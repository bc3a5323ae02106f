// bulk_insert for MariaDB: one single-row INSERT executed for an array of rows
// (STMT_ATTR_ARRAY_SIZE, column-wise binding), so the server gets every row in one
// round trip and parses the statement once; RETURNING gives the keys, a row per row in
// the order sent. MySQL servers have no array binding: the core's statements serve them.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "my_connection.hpp"
#include "my_dialect.hpp"
#include "my_errors.hpp"
#include "my_values.hpp"

namespace quarry::mysql {
namespace {

// One column's values as the connector's column-wise arrays. Variable-length values and
// MYSQL_TIMEs are bound as arrays of pointers, fixed-size numbers as arrays of values.
struct ColumnArray {
  int32_t type = QUARRY_NULL;  // of every non-NULL value in the column
  std::vector<char> indicators;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<const char*> ptrs;
  std::vector<unsigned long> lengths;
  std::vector<MYSQL_TIME> times;
  std::vector<const MYSQL_TIME*> time_ptrs;
  std::string text;  // UUIDs written out
};

// The column's type, or false when its values are of more than one (array binding
// gives a column one type).
bool column_type(const sdk::BulkInsert& b, std::size_t c, int32_t& type) {
  type = QUARRY_NULL;
  for (std::size_t r = 0; r < b.rows; ++r) {
    int32_t t = b.at(r, c).type;
    if (t == QUARRY_BOOL) t = QUARRY_INT64;
    if (t == QUARRY_NULL || t == type) continue;
    if (type != QUARRY_NULL) return false;
    type = t;
  }
  return true;
}

void fill(const sdk::BulkInsert& b, std::size_t c, bool dashed_uuid, ColumnArray& a) {
  const std::size_t n = b.rows;
  a.indicators.assign(n, STMT_INDICATOR_NONE);
  switch (a.type) {
    case QUARRY_INT64:
      a.ints.assign(n, 0);
      break;
    case QUARRY_DOUBLE:
      a.doubles.assign(n, 0);
      break;
    case QUARRY_DATE:
    case QUARRY_TIME:
    case QUARRY_DATETIME:
      a.times.assign(n, MYSQL_TIME{});
      a.time_ptrs.assign(n, nullptr);
      break;
    default:
      a.ptrs.assign(n, nullptr);
      a.lengths.assign(n, 0);
      break;
  }
  if (a.type == QUARRY_UUID) a.text.reserve(n * 36);  // never reallocated below
  for (std::size_t r = 0; r < n; ++r) {
    const quarry_value& v = b.at(r, c);
    if (v.type == QUARRY_NULL) {
      a.indicators[r] = STMT_INDICATOR_NULL;
      continue;
    }
    switch (a.type) {
      case QUARRY_INT64:
        a.ints[r] = v.u.i;
        break;
      case QUARRY_DOUBLE:
        a.doubles[r] = v.u.d;
        break;
      case QUARRY_DATE:
      case QUARRY_TIME:
      case QUARRY_DATETIME:
        a.times[r] = to_mysql_time(v);
        a.time_ptrs[r] = &a.times[r];
        break;
      case QUARRY_UUID: {
        const std::size_t start = a.text.size();
        append_uuid(a.text, v, dashed_uuid);
        a.ptrs[r] = a.text.data() + start;
        a.lengths[r] = static_cast<unsigned long>(a.text.size() - start);
        break;
      }
      default:  // text, JSON, decimals (sent as text: the server converts exactly), bytes
        a.ptrs[r] = v.u.s.ptr;
        a.lengths[r] = static_cast<unsigned long>(v.u.s.len);
        break;
    }
  }
}

// The bind for rows [start, start + n) of a column.
MYSQL_BIND bind_of(ColumnArray& a, std::size_t start) {
  MYSQL_BIND b{};
  b.u.indicator = a.indicators.data() + start;
  // Decimals go as text: Connector/C's array binding does not take NEWDECIMAL arrays.
  b.buffer_type = a.type == QUARRY_DECIMAL ? MYSQL_TYPE_STRING : field_type_of(a.type);
  switch (a.type) {
    case QUARRY_INT64:
      b.buffer = a.ints.data() + start;
      break;
    case QUARRY_DOUBLE:
      b.buffer = a.doubles.data() + start;
      break;
    case QUARRY_DATE:
    case QUARRY_TIME:
    case QUARRY_DATETIME:
      b.buffer = a.time_ptrs.data() + start;
      break;
    default:
      b.buffer = a.ptrs.data() + start;
      b.length = a.lengths.data() + start;
      break;
  }
  return b;
}

// About how many bytes row r takes on the wire.
std::size_t row_bytes(const sdk::BulkInsert& b, std::size_t r) {
  std::size_t n = 0;
  for (std::size_t c = 0; c < b.columns.size(); ++c) {
    const quarry_value& v = b.at(r, c);
    const bool text = v.type == QUARRY_TEXT || v.type == QUARRY_JSON || v.type == QUARRY_DECIMAL ||
                      v.type == QUARRY_BYTES;
    n += 1 + (text ? v.u.s.len + 9 : 16);
  }
  return n;
}

// The largest packet the server takes; an execute must stay under it.
unsigned long server_max_packet(MYSQL* conn) {
  if (mysql_query(conn, "SELECT @@max_allowed_packet") != 0) raise(conn);
  MYSQL_RES* res = mysql_store_result(conn);
  if (!res) raise(conn);
  unsigned long n = 0;
  if (MYSQL_ROW row = mysql_fetch_row(res); row && row[0]) n = std::strtoul(row[0], nullptr, 10);
  mysql_free_result(res);
  return n > 0 ? n : 1UL << 20;
}

// A statement handle, closed on every path out.
struct Stmt {
  MYSQL_STMT* s;
  ~Stmt() { mysql_stmt_close(s); }
};

}  // namespace

bool Connection::bulk_insert(const sdk::BulkInsert& b) {
  require_idle();
  if (!has_array_binding(version_) || (b.key_column && !has_insert_returning(version_))) {
    return false;
  }
  std::vector<ColumnArray> arrays(b.columns.size());
  for (std::size_t c = 0; c < b.columns.size(); ++c) {
    if (b.key_column && sdk::same_name(b.columns[c], b.key_column)) return false;  // keys given
    if (!column_type(b, c, arrays[c].type)) return false;
  }
  for (std::size_t c = 0; c < b.columns.size(); ++c) fill(b, c, native_uuid_, arrays[c]);

  std::string sql = "INSERT INTO ";
  sdk::append_quoted(sql, b.table, '`');
  sql += " (";
  for (std::size_t c = 0; c < b.columns.size(); ++c) {
    if (c) sql += ", ";
    sdk::append_quoted(sql, b.columns[c], '`');
  }
  sql += ") VALUES (";
  for (std::size_t c = 0; c < b.columns.size(); ++c) sql += c ? ", ?" : "?";
  sql += ')';
  if (b.key_column) {
    sql += " RETURNING ";
    sdk::append_quoted(sql, b.key_column, '`');
  }
  if (max_packet_ == 0) max_packet_ = server_max_packet(conn_);
  Stmt stmt{mysql_stmt_init(conn_)};
  if (!stmt.s) raise(conn_);
  if (mysql_stmt_prepare(stmt.s, sql.data(), sql.size()) != 0) raise(stmt.s);

  std::vector<MYSQL_BIND> binds(b.columns.size());
  const std::size_t budget = max_packet_ / 2;
  for (std::size_t start = 0; start < b.rows;) {
    // As many rows as fit well inside one packet.
    std::size_t n = 0, bytes = 0;
    while (start + n < b.rows && (n == 0 || bytes + row_bytes(b, start + n) <= budget)) {
      bytes += row_bytes(b, start + n);
      ++n;
    }
    for (std::size_t c = 0; c < b.columns.size(); ++c) binds[c] = bind_of(arrays[c], start);
    auto size = static_cast<unsigned int>(n);
    mysql_stmt_attr_set(stmt.s, STMT_ATTR_ARRAY_SIZE, &size);
    if (mysql_stmt_bind_param(stmt.s, binds.data()) != 0) raise(stmt.s);
    if (mysql_stmt_execute(stmt.s) != 0) raise(stmt.s);
    if (b.key_column) {
      int64_t key = 0;
      my_bool is_null = 0;
      MYSQL_BIND out{};
      out.buffer_type = MYSQL_TYPE_LONGLONG;
      out.buffer = &key;
      out.is_null = &is_null;
      if (mysql_stmt_store_result(stmt.s) != 0) raise(stmt.s);
      if (mysql_stmt_bind_result(stmt.s, &out) != 0) raise(stmt.s);
      std::size_t got = 0;
      while (mysql_stmt_fetch(stmt.s) == 0) {
        if (got < n) b.keys[start + got] = key;
        ++got;
      }
      mysql_stmt_free_result(stmt.s);
      if (got != n) {
        throw sdk::Error(QUARRY_ERR_INTERNAL, "RETURNING gave " + std::to_string(got) +
                                                  " keys for " + std::to_string(n) + " rows");
      }
    } else if (mysql_stmt_affected_rows(stmt.s) != n) {
      throw sdk::Error(QUARRY_ERR_INTERNAL, "a bulk insert of " + std::to_string(n) +
                                                " rows inserted " +
                                                std::to_string(mysql_stmt_affected_rows(stmt.s)));
    }
    start += n;
  }
  return true;
}

}  // namespace quarry::mysql
