// The option structs a QuerySet's calls take, as Django's keyword arguments:
// bulk_create(BulkCreateOptions), select_for_update(ForUpdate), explain(ExplainOptions),
// prefetch_related(Prefetch), and what sql() returns (CompiledSql). Plain values: each
// is checked against the model and the backend when the call that takes it runs.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "quarry/expressions.hpp"
#include "quarry/value.hpp"

namespace quarry {

// bulk_create()'s options, as Django's keyword arguments.
struct BulkCreateOptions {
  std::size_t batch_size = 0;  // 0: as many rows at a time as the backend takes
  bool ignore_conflicts = false;
};

// DoesNotExist, DoesNotExistFor<T> and MultipleObjectsReturned: quarry/errors.hpp.

// The SQL a queryset would run, with its parameters (qs.sql()).
struct CompiledSql {
  std::string sql;
  std::vector<Value> params;
  // The tables it reads (joins, subqueries, CTE members included), sorted, each once.
  std::vector<std::string> tables{};
  // "SELECT ... WHERE x = $1  -- params: 42": for printing.
  std::string str() const;
};

using Kwargs = std::initializer_list<std::pair<std::string, Expr>>;

// select_for_update()'s options, as Django's keyword arguments. Each is checked against
// the backend before any SQL is sent (NotSupportedError names it):
//   nowait       PostgreSQL, MariaDB 10.3+, MySQL 8.0.1+: LockNotAvailable at once
//   skip_locked  PostgreSQL 9.5+, MariaDB 10.6+, MySQL 8.0.1+: locked rows are left out
//   of           PostgreSQL, MySQL 8.0.1+: only these tables' rows ("self", or paths
//                given to select_related)
//   no_key       PostgreSQL: FOR NO KEY UPDATE, which does not block inserts pointing at
//                the row
struct ForUpdate {
  bool nowait = false;
  bool skip_locked = false;
  std::vector<std::string> of{};
  bool no_key = false;
};

// explain()'s options, as Django's explain(format=None, **options). The format and the
// option names are the backend's own, checked against its list before anything runs:
//   PostgreSQL  format TEXT, XML, JSON, YAML; options ANALYZE, VERBOSE, COSTS, SETTINGS,
//               BUFFERS, WAL, SUMMARY (each true or false)
//   MariaDB     format JSON; option ANALYZE (runs the query: ANALYZE FORMAT=JSON SELECT ...)
//   MySQL       format TRADITIONAL, JSON, TREE; option ANALYZE (8.0.18+)
//   SQLite      EXPLAIN QUERY PLAN, neither format nor options
struct ExplainOptions {
  std::string format{};
  std::vector<std::pair<std::string, bool>> options{};
};

// Django's Prefetch: prefetch_related() of one lookup with a queryset of one's own (its
// filters and ordering apply to the related rows), and optionally into another Many<>
// member (to_attr: one declared with m.reverse() for the same relation).
//   objects<Student>().prefetch_related(
//       Prefetch("assignments", objects<Assignment>().filter("score__gte", 90), "top"))
struct Prefetch {
  Prefetch(std::string lookup)  // NOLINT(google-explicit-constructor)
      : lookup(std::move(lookup)) {}
  Prefetch(const char* lookup)  // NOLINT(google-explicit-constructor)
      : lookup(lookup) {}
  template <class QS>
  requires requires(const QS& qs) { qs.query_ptr(); }
  Prefetch(std::string lookup, const QS& queryset, std::string to_attr = "")
      : lookup(std::move(lookup)), to_attr(std::move(to_attr)), query(queryset.query_ptr()) {}

  std::string lookup;
  std::string to_attr;
  std::shared_ptr<const detail::Query> query;  // null: all the related rows
};

}  // namespace quarry
