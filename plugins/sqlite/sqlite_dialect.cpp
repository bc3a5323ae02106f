#include "sqlite_dialect.hpp"

#include <sqlite3.h>

#include "quarry/plugin/version.hpp"

namespace quarry::sqlite {

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version_text) {
  // Without a connection, describe the library this plugin was built against.
  const sdk::ServerVersion v =
      sdk::ServerVersion::parse(version_text.empty() ? sqlite3_libversion() : version_text);
  auto d = std::make_unique<sdk::Dialect>();

  d->set("max_params", v >= sdk::ServerVersion{3, 32} ? "32766" : "999");
  d->set("offset", "LIMIT -1 OFFSET {offset}");

  // Column types as Django's SQLite backend declares them (the affinities matter:
  // "decimal" is NUMERIC, "datetime" keeps ISO text).
  d->set("type.AutoField", "integer");
  d->set("type.BigAutoField", "integer");
  d->set("type.FloatField", "real");
  d->set("type.DecimalField", "decimal");
  d->set("type.BooleanField", "bool");
  d->set("type.DateTimeField", "datetime");
  d->set("type.JSONField", "text");
  d->set("type.UUIDField", "char(32)");
  d->set("type.BinaryField", "BLOB");
  d->set("ddl.auto_pk", "integer NOT NULL PRIMARY KEY AUTOINCREMENT");
  d->set("explain", "EXPLAIN QUERY PLAN");
  d->set("tx.begin_immediate", "BEGIN IMMEDIATE");

  // SQLite's LIKE ignores case (ASCII only), so the case-sensitive lookups use GLOB,
  // whose wildcards are * and ? (escaped in brackets): better than Django, whose
  // contains on SQLite ignores case.
  for (const char* l : {"contains", "startswith", "endswith"}) {
    d->set(std::string("lookup.") + l, "{lhs} GLOB {rhs}");
    d->set(std::string("lookup.") + l + ".pattern", "glob");
  }
  for (const char* l : {"iexact", "icontains", "istartswith", "iendswith"}) {
    d->set(std::string("lookup.") + l, "{lhs} LIKE {rhs} ESCAPE '\\'");
    d->set(std::string("lookup.") + l + ".pattern", "like");
  }
  d->set("lookup.regex", "{lhs} REGEXP {rhs}");
  d->set("lookup.iregex", "quarry_iregexp({rhs}, {lhs})");
  // Datetimes are ISO text; strftime picks them apart.
  d->set("transform.year", "CAST(strftime('%Y', {lhs}) AS INTEGER)");
  d->set("transform.month", "CAST(strftime('%m', {lhs}) AS INTEGER)");
  d->set("transform.day", "CAST(strftime('%d', {lhs}) AS INTEGER)");
  d->set("transform.week_day", "(CAST(strftime('%w', {lhs}) AS INTEGER) + 1)");
  d->set("transform.hour", "CAST(strftime('%H', {lhs}) AS INTEGER)");
  d->set("transform.minute", "CAST(strftime('%M', {lhs}) AS INTEGER)");
  d->set("transform.second", "CAST(strftime('%S', {lhs}) AS INTEGER)");
  d->set("transform.date", "date({lhs})");
  d->set("transform.quarter", "((CAST(strftime('%m', {lhs}) AS INTEGER) + 2) / 3)");
  // ISO 8601 weeks belong to the year of their Thursday.
  d->set("transform.week",
         "((CAST(strftime('%j', date({lhs}, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1)");
  d->set("transform.iso_year",
         "CAST(strftime('%Y', date({lhs}, '-3 days', 'weekday 4')) AS INTEGER)");
  d->set("transform.iso_week_day", "((CAST(strftime('%w', {lhs}) AS INTEGER) + 6) % 7 + 1)");
  auto trunc = [&](const char* part, const char* format) {
    d->set(std::string("trunc.") + part, std::string("strftime('") + format + "', {lhs})");
  };
  trunc("year", "%Y-01-01 00:00:00");
  trunc("month", "%Y-%m-01 00:00:00");
  trunc("day", "%Y-%m-%d 00:00:00");
  trunc("hour", "%Y-%m-%d %H:00:00");
  trunc("minute", "%Y-%m-%d %H:%M:00");
  trunc("second", "%Y-%m-%d %H:%M:%S");
  d->set("trunc.quarter",
         "(strftime('%Y-', {lhs}) || printf('%02d', (CAST(strftime('%m', {lhs}) AS INTEGER) - 1) "
         "/ 3 * 3 + 1) || '-01 00:00:00')");
  d->set("trunc.week",
         "strftime('%Y-%m-%d 00:00:00', {lhs}, '-' || ((CAST(strftime('%w', {lhs}) AS INTEGER) "
         "+ 6) % 7) || ' days')");
  // Decimals are bound as text, to keep every digit; in an expression (COALESCE(SUM(x),
  // ?)) they must be numbers again, or they sort and compare as text.
  d->set("decimal_value", "CAST({value} AS NUMERIC)");
  // Dates and times are ISO text: a cast to "datetime" would make them numbers.
  d->set("cast.DateField", "text");
  d->set("cast.TimeField", "text");
  d->set("cast.DateTimeField", "text");
  d->set("func.ConcatPair", "(COALESCE({a}, '') || COALESCE({b}, ''))");
  d->set("func.Greatest", "MAX({args})");
  d->set("func.Least", "MIN({args})");
  d->set("func.Now", "STRFTIME('%Y-%m-%d %H:%M:%f', 'now')");
  d->set("literal.true", "1");
  d->set("literal.false", "0");
  d->set("introspect.indexes",
         "SELECT il.name, ii.name, ii.seqno + 1, ii.\"desc\", il.\"unique\", il.partial "
         "FROM pragma_index_list(?) AS il JOIN pragma_index_xinfo(il.name) AS ii "
         "WHERE ii.key = 1 ORDER BY 1, 3");
  // SQLite allows no parentheses around the SELECTs of a UNION.
  d->feature("supports_parentheses_in_compound", false);

  d->feature("supports_transactional_ddl", true);
  d->feature("patterns_hold_nul", false);
  d->feature("has_returning", v >= sdk::ServerVersion{3, 35});
  d->feature("has_last_insert_id", true);  // the rowid
  // A statement steps through its rows in place: the connection is free meanwhile.
  d->feature("runs_statements_while_streaming", true);
  d->feature("can_return_rows_from_bulk_insert", v >= sdk::ServerVersion{3, 35});
  d->feature("supports_over_clause", v >= sdk::ServerVersion{3, 25});
  d->feature("supports_frame_range_fixed_distance", v >= sdk::ServerVersion{3, 28});
  d->feature("supports_partial_indexes", true);
  d->feature("supports_expression_indexes", true);
  d->feature("supports_nulls_order", v >= sdk::ServerVersion{3, 30});
  d->feature("supports_aggregate_filter_clause", v >= sdk::ServerVersion{3, 30});
  d->feature("supports_regex", true);  // the plugin registers REGEXP
  d->feature("supports_update_conflicts", v >= sdk::ServerVersion{3, 24});
  d->feature("supports_ignore_conflicts", true);
  d->feature("has_native_decimal_field", false);
  d->feature("has_native_boolean_field", false);
  return d;
}

}  // namespace quarry::sqlite
