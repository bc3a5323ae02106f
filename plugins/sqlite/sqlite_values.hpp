// SQLite's values: how a quarry value is bound, and how a column's value becomes one.
#pragma once

#include <sqlite3.h>

#include "quarry/plugin/sdk.hpp"

namespace quarry::sqlite {

// Binds one value to parameter idx; `borrow` when its text outlives the statement's
// next reset (SQLite then keeps no copy).
void bind_value(sqlite3* db, sqlite3_stmt* stmt, int idx, const quarry_value& v, bool borrow);

// A column's value as SQLite stored it (integer, real, text, blob or NULL), borrowed
// until the next step. Inline: it runs once per cell of every row.
inline quarry_value value_of(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return sdk::int_value(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
      return sdk::double_value(sqlite3_value_double(v));
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      return sdk::text_value({p, static_cast<std::size_t>(sqlite3_value_bytes(v))});
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
      return sdk::text_value({p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v))},
                             QUARRY_BYTES);
    }
    default:
      return sdk::null_value();
  }
}

}  // namespace quarry::sqlite
