#include "my_dialect.hpp"

#include "quarry/plugin/version.hpp"

namespace quarry::mysql {
namespace {
// Without a server, describe MariaDB 10.11, the server this plugin is tested against.
constexpr std::string_view kDefaultVersion = "10.11.0-MariaDB";

bool is_mariadb(std::string_view version) {
  return version.find("MariaDB") != std::string_view::npos;
}
}  // namespace

bool has_native_uuid(std::string_view version) {
  if (version.empty()) version = kDefaultVersion;
  return is_mariadb(version) && sdk::ServerVersion::parse(version) >= sdk::ServerVersion{10, 7};
}

bool has_array_binding(std::string_view version) {
  return is_mariadb(version) && sdk::ServerVersion::parse(version) >= sdk::ServerVersion{10, 2};
}

bool has_insert_returning(std::string_view version) {
  return is_mariadb(version) && sdk::ServerVersion::parse(version) >= sdk::ServerVersion{10, 5};
}

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version_text) {
  if (version_text.empty()) version_text = kDefaultVersion;
  const bool maria = is_mariadb(version_text);
  const sdk::ServerVersion v = sdk::ServerVersion::parse(version_text);
  // MariaDB numbers its versions 10.x/11.x, MySQL 5.x/8.x: compare each with its own.
  auto at_least = [&](sdk::ServerVersion mariadb, sdk::ServerVersion mysql) {
    return maria ? v >= mariadb : v >= mysql;
  };
  constexpr sdk::ServerVersion kNever{999};
  auto d = std::make_unique<sdk::Dialect>();

  d->set("quote", "`");
  d->set("max_params", "65535");
  d->set("max_identifier_length", "64");
  d->set("tx.begin", "START TRANSACTION");
  d->set("tx.isolation", "SET SESSION TRANSACTION ISOLATION LEVEL {level}");
  // MySQL has no OFFSET without LIMIT; this is the documented way to say "all".
  d->set("offset", "LIMIT 18446744073709551615 OFFSET {offset}");

  d->set("type.FloatField", "double precision");
  d->set("type.BooleanField", "bool");
  d->set("type.TextField", "longtext");
  d->set("type.TimeField", "time(6)");
  d->set("type.DateTimeField", "datetime(6)");
  d->set("type.JSONField", "json");
  d->set("type.UUIDField", has_native_uuid(version_text) ? "uuid" : "char(32)");
  d->set("type.BinaryField", "longblob");
  d->set("ddl.auto_pk", "{type} AUTO_INCREMENT NOT NULL PRIMARY KEY");
  d->set("insert.empty", "INSERT INTO {table} () VALUES ()");
  // MySQL's INSERT IGNORE also turns some other errors into warnings, as Django notes.
  d->set("insert.ignore_conflicts", "INSERT IGNORE INTO {table} ({columns}) VALUES {rows}");

  // Text comparisons follow the column's collation (case-insensitive by default);
  // BINARY makes the case-sensitive lookups so, as in Django.
  d->set("lookup.iexact", "{lhs} LIKE {rhs}");
  d->set("lookup.iexact.pattern", "like");
  for (const char* l : {"contains", "startswith", "endswith"}) {
    d->set(std::string("lookup.") + l, "{lhs} LIKE BINARY {rhs}");
    d->set(std::string("lookup.i") + l, "{lhs} LIKE {rhs}");
  }
  d->set("lookup.regex", "{lhs} REGEXP BINARY {rhs}");
  d->set("lookup.iregex", "{lhs} REGEXP {rhs}");
  d->set("transform.week_day", "DAYOFWEEK({lhs})");
  d->set("transform.date", "DATE({lhs})");
  d->set("func.Length", "CHAR_LENGTH({arg})");
  d->set("func.ConcatPair", "CONCAT_WS('', {a}, {b})");  // NULL counts as '', as in Django
  d->set("func.Now", "CURRENT_TIMESTAMP(6)");
  d->set("func.Random", "RAND()");
  // Date parts and truncation; weeks by ISO 8601 (mode 3), starting on Monday.
  d->set("transform.week", "WEEK({lhs}, 3)");
  d->set("transform.iso_year", "TRUNCATE(YEARWEEK({lhs}, 3) / 100, 0)");
  d->set("transform.iso_week_day", "(WEEKDAY({lhs}) + 1)");
  auto trunc = [&](const char* part, const char* format) {
    d->set(std::string("trunc.") + part,
           std::string("CAST(DATE_FORMAT({lhs}, '") + format + "') AS DATETIME(6))");
  };
  trunc("year", "%Y-01-01 00:00:00");
  trunc("month", "%Y-%m-01 00:00:00");
  trunc("day", "%Y-%m-%d 00:00:00");
  trunc("hour", "%Y-%m-%d %H:00:00");
  trunc("minute", "%Y-%m-%d %H:%i:00");
  trunc("second", "%Y-%m-%d %H:%i:%s");
  d->set("trunc.quarter",
         "CAST(CONCAT(YEAR({lhs}), '-', LPAD((QUARTER({lhs}) - 1) * 3 + 1, 2, '0'), "
         "'-01 00:00:00') AS DATETIME(6))");
  d->set("trunc.week",
         "CAST(DATE_FORMAT(DATE_SUB({lhs}, INTERVAL WEEKDAY({lhs}) DAY), '%Y-%m-%d 00:00:00') "
         "AS DATETIME(6))");
  // MariaDB takes no parameter for LAG/LEAD's offset, nor a default value at all.
  d->set("int_arg", "{literal}");
  if (maria) {
    d->set("func.LagDefault", "");
    d->set("func.LeadDefault", "");
  }
  // CAST takes its own type names.
  for (const char* k : {"AutoField", "BigAutoField", "SmallIntegerField", "IntegerField",
                        "BigIntegerField", "BooleanField"}) {
    d->set(std::string("cast.") + k, "signed integer");
  }
  d->set("cast.FloatField", "double");
  d->set("cast.DecimalField", "decimal({max_digits}, {decimal_places})");
  d->set("cast.CharField", "char({max_length})");
  d->set("cast.TextField", "char");
  d->set("cast.TimeField", "time(6)");
  d->set("cast.DateTimeField", "datetime(6)");
  d->set("cast.BinaryField", "binary");
  d->set("cast.UUIDField", has_native_uuid(version_text) ? "uuid" : "char(32)");
  d->set("cast.JSONField", maria ? "char" : "json");
  // EXPLAIN FORMAT=JSON; MariaDB's ANALYZE is a statement of its own, MySQL's is
  // EXPLAIN ANALYZE (TREE format only).
  d->set("explain.formats", maria ? "JSON" : "TRADITIONAL,JSON,TREE");
  d->set("explain.options", at_least({10, 1}, {8, 0, 18}) ? "ANALYZE" : "");
  if (maria) d->set("explain.analyze", "ANALYZE {items}");
  // A backslash in a DDL literal reads the same with and without NO_BACKSLASH_ESCAPES
  // (which an init_command may set) when it is no escape at all. (A hex literal would
  // too, but MariaDB writes it back into a CHECK clause without its backslash.)
  d->set("literal.backslash", "concat");
  d->set("literal.backslash_char", "CHAR(92 USING utf8mb4)");
  d->set(
      "introspect.indexes",
      "SELECT INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX, "
      "CASE WHEN COLLATION = 'D' THEN 1 ELSE 0 END, CASE WHEN NON_UNIQUE = 0 THEN 1 ELSE 0 END, 0 "
      "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
      "ORDER BY 1, 3");
  if (!maria) {  // MySQL has no CREATE INDEX IF NOT EXISTS
    d->set("ddl.create_index", "CREATE {unique}INDEX {name} ON {table} ({columns}){where}");
  }

  // Replication by GTID (MariaDB's; MySQL's GTIDs differ and are not described yet).
  // The token is the primary's binary log position in every domain, not the session's
  // @@last_gtid: that names one domain only, and a later token must cover this
  // connection's earlier commits in other domains too. MASTER_GTID_WAIT takes such a
  // list and, with a timeout of 0, answers at once (0: applied, -1: not yet). A
  // replica is a server whose replication SQL thread runs (Slaves_running, readable by
  // any user; @@read_only is an operator's setting, and PROCESSLIST needs PROCESS).
  if (maria) {
    d->set("replica.position", "SELECT @@global.gtid_binlog_pos");
    d->set("replica.reached", "SELECT COALESCE(MASTER_GTID_WAIT(?, 0) = 0, 0)");
    d->set("replica.lag", "SHOW SLAVE STATUS");
    d->set("replica.lag.column", "Seconds_Behind_Master");
    d->set("replica.is_replica",
           "SELECT COALESCE(MAX(VARIABLE_VALUE > 0), 0) FROM information_schema.GLOBAL_STATUS "
           "WHERE VARIABLE_NAME = 'SLAVES_RUNNING'");
  }

  d->feature("has_returning", maria && v >= sdk::ServerVersion{10, 5});
  d->feature("has_last_insert_id", true);
  d->feature("can_return_rows_from_bulk_insert", maria && v >= sdk::ServerVersion{10, 5});
  d->feature("has_select_for_update", true);
  d->feature("has_select_for_update_nowait", at_least({10, 3}, {8, 0, 1}));
  d->feature("has_select_for_update_skip_locked", at_least({10, 6}, {8, 0, 1}));
  d->feature("has_select_for_update_of", at_least(kNever, {8, 0, 1}));
  d->feature("supports_over_clause", at_least({10, 2}, {8, 0, 2}));
  d->feature("supports_frame_range_fixed_distance", at_least({10, 2}, {8, 0, 2}));
  d->feature("supports_expression_indexes", at_least(kNever, {8, 0, 13}));
  d->feature("supports_check_constraints", at_least({10, 2, 1}, {8, 0, 16}));
  d->feature("supports_cte", at_least({10, 2, 1}, {8, 0, 1}));
  d->feature("supports_recursive_cte", at_least({10, 2, 2}, {8, 0, 1}));
  d->feature("supports_regex", true);
  d->feature("supports_select_intersection", at_least({10, 3}, {8, 0, 31}));
  d->feature("supports_select_difference", at_least({10, 3}, {8, 0, 31}));
  d->feature("supports_update_conflicts", true);
  d->feature("supports_ignore_conflicts", true);
  d->feature("update_can_self_select", false);
  d->feature("supports_explain_analyze", at_least({10, 1}, {8, 0, 18}));
  d->feature("has_native_uuid_field", has_native_uuid(version_text));
  d->feature("has_native_json_field", !maria);
  return d;
}

}  // namespace quarry::mysql
