// Running a statement and reading its rows.
#include "skeleton_connection.hpp"
#include "skeleton_values.hpp"

namespace skeleton {

using namespace quarry;

sdk::Result& Statement::execute(std::span<const quarry_value> params, uint32_t flags) {
  // Bind each parameter (to_text() or your client's binary binding), then run. A
  // statement has at most one open result: the core closes it before running again.
  for (const quarry_value& v : params) (void)to_text(v);
  (void)flags;
  return result_;
}

bool Result::fetch(quarry_value* row, std::size_t ncols) {
  // Write the next row's values into row[0..ncols) (from_text() or your client's
  // types) and return true; false when there are no more rows.
  (void)row;
  (void)ncols;
  return false;
}

}  // namespace skeleton
