// bulk_insert: many rows for one table by your engine's fastest path (COPY, array
// binding, statements of many rows). Optional: returning false, having written nothing,
// makes the core write INSERT statements itself. docs/plugin-guide.md, "Bulk inserts".
#include "skeleton_connection.hpp"

namespace skeleton {

bool Connection::bulk_insert(const quarry::sdk::BulkInsert& insert) {
  // insert.at(row, column) are the values; with insert.key_column, fill insert.keys with
  // each row's generated key, in row order.
  (void)insert;
  return false;
}

}  // namespace skeleton
