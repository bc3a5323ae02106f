// SELECTs compiled once per query shape. A call such as objects<Item>().get("pk", id)
// builds a new Query every time, the same as the last one but for its values; compiling
// it again is most of what the ORM adds to a lookup by key on an embedded database
// (docs/performance.md). Internal to the core.
//
// A query's shape is everything about it but the values of its literals: the model, the
// dialect, the conditions' lookups and tree, the ordering, the slice's form, the locks.
// Only plain queries have one (conditions on fields with literals or F(), ordering by
// fields, slices, select_related, only/defer, select_for_update); anything else
// (annotations, values(), subqueries, lists, CTEs, compounds) is compiled every time.
// Whether a shape's SQL really takes its literals as they stand is learnt from its first
// compile: each parameter notes the literal it came from (ParamOrigin), and a shape with
// a parameter the compiler computed (a LIKE pattern, a date range) is compiled every time.
#pragma once

#include <memory>
#include <vector>

#include "orm/compiler.hpp"

namespace quarry::detail {

struct CompiledSelect {
  std::shared_ptr<const Compiled> shape;  // its sql, fields, related and extras
  std::vector<Value> params;              // this query's parameters
  bool cached = false;                    // the SQL came from an earlier query's compile
};

// compile_select(), from the cache when the query has a shape that was compiled before.
CompiledSelect compile_select_cached(const Query& q, const Dialect& d);

}  // namespace quarry::detail
