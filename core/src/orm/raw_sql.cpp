// query_sql() and execute_sql(): SQL of the application's own, through the routing
// seam (route.cpp) and the Lease's read and write funnels.
#include "quarry/raw_sql.hpp"

#include <memory>

#include "orm/lease.hpp"
#include "quarry/database.hpp"
#include "quarry/model.hpp"
#include "quarry/routing.hpp"
#include "routing/router_chain.hpp"

namespace quarry {
namespace {

// using_, else the routers' answer for the model, else "default".
Database& alias_for(const SqlOptions& o, bool write) {
  Databases& all = databases();
  if (!o.using_.empty()) return all[o.using_];
  if (!o.model) return all["default"];
  Hints hints;
  hints.raw = true;
  hints.in_atomic = detail::Lease::in_any_atomic_block();
  return all[write ? all.routers().db_for_write(*o.model, hints)
                   : all.routers().db_for_read(*o.model, hints)];
}

}  // namespace

std::vector<Record> query_sql(std::string_view sql, std::span<const Value> params,
                              const SqlOptions& options) {
  detail::Lease lease(alias_for(options, false));  // the primary: replica_ok is never set
  ResultSet rs = lease.read(sql, params);
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
  return out;
}

int64_t execute_sql(std::string_view sql, std::span<const Value> params,
                    const SqlOptions& options) {
  detail::Lease lease(alias_for(options, true));
  const int64_t n = lease.execute(sql, params);
  lease.wrote();
  return n;
}

}  // namespace quarry
