// query_sql() and execute_sql(): SQL of the application's own, through the routing
// seam (route.cpp) and the Lease's read and write funnels.
#include "quarry/raw_sql.hpp"

#include <memory>

#include "orm/lease.hpp"
#include "orm/route.hpp"

namespace quarry {

std::vector<Record> query_sql(std::string_view sql, std::span<const Value> params,
                              const SqlOptions& options) {
  // On the primary (replica_ok is never set), and as a write: never retried, and noted
  // for read-your-writes, since quarry cannot tell a SELECT that writes (a function with
  // side effects, INSERT ... RETURNING) from one that does not.
  detail::Lease lease(detail::route_raw(options.model, options.using_, false));
  ResultSet rs = lease.write(sql, params, {});  // its tables are not known
  auto names = std::make_shared<std::vector<std::string>>();
  names->reserve(rs.column_count());
  for (std::size_t i = 0; i < rs.column_count(); ++i) names->emplace_back(rs.column_name(i));
  std::vector<Record> out;
  while (rs.next()) {
    const Row r = rs.row();
    std::vector<Value> values;
    values.reserve(names->size());
    for (std::size_t i = 0; i < names->size(); ++i) values.push_back(r.value(i));
    out.emplace_back(names, std::move(values));
  }
  lease.wrote();
  return out;
}

int64_t execute_sql(std::string_view sql, std::span<const Value> params,
                    const SqlOptions& options) {
  detail::Lease lease(detail::route_raw(options.model, options.using_, true));
  const int64_t n = lease.execute(sql, params, {});  // its tables are not known
  lease.wrote();
  return n;
}

}  // namespace quarry
