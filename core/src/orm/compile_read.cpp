// The read statements: compile_select(), and COUNT(*), EXISTS and aggregate() over a
// query (directly where a plain FROM ... WHERE names its rows, else over the query as a
// subquery).
#include "orm/sql_compiler.hpp"

namespace quarry::detail {

void compile_select_into(const Query& q, SqlWriter& w, Compiled& out) {
  Compiler(q, w, q.model->table()).select(out);
}

Compiled compile_select(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  compile_select_into(q, w, c);
  return done(w, std::move(c));
}

namespace {

// What follows a COUNT(*) or EXISTS head: the query's FROM ... WHERE where that names its
// rows, else the whole query as a subquery (grouped, sliced, combined, locking).
void rows_of(const Query& q, SqlWriter& w) {
  if (simple(q)) {
    Compiler(q, w, q.model->table()).from_where();
    return;
  }
  w.add(" FROM (");
  Compiled inner;
  Compiler(q, w, q.model->table()).select(inner, q.sliced());
  w.add(") subquery");
}

}  // namespace

Compiled compile_count(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  w.add("SELECT COUNT(*)");
  rows_of(q, w);
  c.extras.push_back({"count", FieldKind::BigInteger});
  return done(w, std::move(c));
}

Compiled compile_exists(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  w.add("SELECT 1");
  if (simple(q)) {
    w.add(" AS ");
    w.quoted("a");
  }
  rows_of(q, w);
  write_limit(w, std::nullopt, 1);
  c.extras.push_back({"a", FieldKind::BigInteger});
  return done(w, std::move(c));
}

Compiled compile_aggregate(const Query& q, const Dialect& d,
                           const std::vector<std::pair<std::string, Expr>>& aggregates) {
  SqlWriter w(d);
  Compiled c;
  const bool wrap = !simple(q);
  Compiler outer(q, w, wrap ? "subquery" : q.model->table());
  if (wrap) {
    outer.use_annotation_columns();
  } else {
    outer.plan_joins();  // the aggregates reuse the filters' joins
  }
  w.add("SELECT ");
  for (std::size_t i = 0; i < aggregates.size(); ++i) {
    if (i) w.add(", ");
    const auto k = outer.expr(aggregates[i].second.node());
    w.add(" AS ");
    w.quoted(aggregates[i].first);
    c.extras.push_back({aggregates[i].first, k, decimal_places_of(q, aggregates[i].second.node())});
  }
  if (wrap) {
    w.add(" FROM (");
    Query all_fields = q;  // the outer aggregates may read any field
    all_fields.values_mode = false;
    all_fields.only_fields.clear();
    all_fields.defer_fields.clear();
    Compiled inner;
    // A slice keeps its order: LIMIT picks the rows the ordering says.
    Compiler(all_fields, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  } else {
    outer.from_where();
  }
  return done(w, std::move(c));
}

}  // namespace quarry::detail
