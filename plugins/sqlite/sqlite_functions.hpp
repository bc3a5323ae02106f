// SQL functions SQLite lacks and quarry's SQL relies on, registered on every connection.
#pragma once

#include <sqlite3.h>

namespace quarry::sqlite {

// REGEXP (x REGEXP y calls regexp(y, x)) with ECMAScript syntax, and
// quarry_iregexp(pattern, text) for the case-insensitive form.
void register_functions(sqlite3* db);

}  // namespace quarry::sqlite
