#include "pg_dialect.hpp"

#include "quarry/plugin/version.hpp"

namespace quarry::postgres {

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version_text) {
  // Without a server, describe the newest PostgreSQL this plugin knows.
  const sdk::ServerVersion v =
      version_text.empty() ? sdk::ServerVersion{17, 0, 0} : sdk::ServerVersion::parse(version_text);
  auto d = std::make_unique<sdk::Dialect>();

  d->set("placeholder", "$");
  // E'' reads backslashes as escapes whatever standard_conforming_strings says (the
  // plugin also sets it on, and checks it, in every session).
  d->set("literal.backslash", "escape_string");
  d->set("max_params", "65535");
  d->set("max_identifier_length", "63");

  d->set("type.FloatField", "double precision");
  d->set("type.DateTimeField", "timestamp with time zone");  // Django with USE_TZ
  d->set("type.JSONField", "jsonb");
  d->set("type.UUIDField", "uuid");
  d->set("type.BinaryField", "bytea");

  // Case-insensitive lookups compare upper-cased text (any column type, cast to text).
  d->set("lookup.iexact", "UPPER({lhs}::text) = UPPER({rhs})");
  for (const char* l : {"icontains", "istartswith", "iendswith"}) {
    d->set(std::string("lookup.") + l, "UPPER({lhs}::text) LIKE UPPER({rhs})");
  }
  d->set("transform.second", "EXTRACT(SECOND FROM DATE_TRUNC('second', {lhs}))");
  d->set("func.Now", "STATEMENT_TIMESTAMP()");  // differs from statement to statement
  d->set("tx.isolation", "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {level}");
  // A bound integer is a bigint, which SUBSTR, NTILE, LAG ... do not take.
  d->set("int_arg", "CAST({value} AS integer)");
  // ROUND(x, places) exists for numeric only.
  d->set("func.RoundPlaces", "ROUND(CAST({arg} AS numeric), {places})");

  std::string options = "ANALYZE,VERBOSE,COSTS,BUFFERS,SUMMARY";
  if (v >= sdk::ServerVersion{12}) options += ",SETTINGS";
  if (v >= sdk::ServerVersion{13}) options += ",WAL";
  if (v >= sdk::ServerVersion{16}) options += ",GENERIC_PLAN";
  d->set("explain.formats", "TEXT,XML,JSON,YAML");
  d->set("explain.options", options);
  d->set("explain.option", "{name} {value}");
  d->set("explain.format", "FORMAT {format}");
  d->set("explain.separator", ", ");
  d->set("explain.with", "EXPLAIN ({items})");

  // Parameters are bound on the server, which cannot always infer their type (a
  // parameter alone in a CASE or a select list is taken as text): say it.
  d->set("param_cast.Bool", "::boolean");
  d->set("param_cast.Int", "::bigint");
  d->set("param_cast.Double", "::double precision");
  d->set("param_cast.Decimal", "::numeric");
  d->set("param_cast.Text", "::text");
  d->set("param_cast.Bytes", "::bytea");
  d->set("param_cast.Date", "::date");
  d->set("param_cast.Time", "::time");
  d->set("param_cast.DateTime", "::timestamptz");
  d->set("param_cast.Json", "::jsonb");
  d->set("param_cast.Uuid", "::uuid");

  d->set("introspect.indexes",
         "SELECT i.relname, a.attname, k.n, "
         "CASE WHEN (ix.indoption[k.n - 1] & 1) = 1 THEN 1 ELSE 0 END, "
         "CASE WHEN ix.indisunique THEN 1 ELSE 0 END, "
         "CASE WHEN ix.indpred IS NOT NULL THEN 1 ELSE 0 END "
         "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
         "JOIN pg_class i ON i.oid = ix.indexrelid "
         "JOIN pg_namespace ns ON ns.oid = t.relnamespace "
         "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) "
         "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
         "WHERE t.relname = $1 AND ns.nspname = current_schema() ORDER BY 1, 3");

  // Replication (streaming standbys). The token is the WAL insert position: with
  // synchronous_commit off, pg_current_wal_lsn() (the write position) may still stand
  // before the commit record just made. A standby has applied a commit, and shows it to
  // new snapshots, once its replay position has passed the commit record.
  d->set("replica.position", "SELECT CAST(pg_current_wal_insert_lsn() AS text)");
  d->set("replica.reached",
         "SELECT COALESCE(pg_last_wal_replay_lsn() >= CAST($1 AS pg_lsn), false)");
  // Caught up (all WAL received is replayed): 0, even when the primary is idle; behind:
  // the age of the last transaction replayed; no WAL receiver (a primary, or a standby
  // cut off from its primary): NULL.
  d->set("replica.lag",
         "SELECT CAST(CASE WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN NULL "
         "WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0 "
         "ELSE GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - "
         "pg_last_xact_replay_timestamp())) END AS double precision) AS lag");
  d->set("replica.is_replica", "SELECT pg_is_in_recovery()");

  d->feature("supports_transactional_ddl", true);
  d->feature("text_holds_nul", false);
  d->feature("patterns_hold_nul", false);
  d->feature("has_returning", true);
  d->feature("can_return_rows_from_bulk_insert", true);
  d->feature("has_select_for_update", true);
  d->feature("has_select_for_update_nowait", true);
  d->feature("has_select_for_update_skip_locked", v >= sdk::ServerVersion{9, 5});
  d->feature("has_select_for_update_of", true);
  d->feature("has_select_for_no_key_update", true);
  d->feature("supports_over_clause", true);
  d->feature("supports_frame_range_fixed_distance", v >= sdk::ServerVersion{11});
  d->feature("supports_partial_indexes", true);
  d->feature("supports_expression_indexes", true);
  d->feature("supports_nulls_order", true);
  d->feature("supports_aggregate_filter_clause", true);
  d->feature("supports_regex", true);
  d->feature("supports_timezones", true);
  d->feature("supports_distinct_on", true);
  d->feature("supports_update_conflicts", v >= sdk::ServerVersion{9, 5});
  d->feature("supports_ignore_conflicts", v >= sdk::ServerVersion{9, 5});
  d->feature("supports_explain_analyze", true);
  d->feature("has_native_uuid_field", true);
  d->feature("has_native_json_field", true);
  return d;
}

}  // namespace quarry::postgres
