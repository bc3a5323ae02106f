// What each dialect spells, with no server: the plugins are loaded, not connected.
#include <gtest/gtest.h>

#include "quarry/dialect.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"

using namespace quarry;

namespace {
Dialect dialect(const char* engine, const char* version = "") {
  return Dialect(Engine::load(engine), version);
}
std::string placeholders(const Dialect& d, int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) s += ",";
    d.append_placeholder(s, static_cast<std::size_t>(i));
  }
  return s;
}
}  // namespace

TEST(Dialect, QuotesIdentifiersAndEscapesTheQuote) {
  EXPECT_EQ(dialect("postgres").quote("order"), "\"order\"");
  EXPECT_EQ(dialect("postgres").quote("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(dialect("mysql").quote("order"), "`order`");
  EXPECT_EQ(dialect("mysql").quote("we`ird"), "`we``ird`");
  EXPECT_EQ(dialect("sqlite").quote("x"), "\"x\"");
  EXPECT_THROW(dialect("postgres").quote(std::string("a\0b", 3)), ProgrammingError);
  EXPECT_THROW(dialect("postgres").quote(std::string(64, 'a')), ProgrammingError);  // 63 max
  EXPECT_NO_THROW(dialect("postgres").quote(std::string(63, 'a')));
  EXPECT_THROW(dialect("mysql").quote(""), ProgrammingError);
}

// A DDL literal holding a backslash reads the same whatever the session's escape
// settings say (standard_conforming_strings, NO_BACKSLASH_ESCAPES): issue 15, point 3.
TEST(Dialect, WritesDdlLiteralsThatMeanTheSameUnderEverySessionSetting) {
  auto literal = [](const char* engine, const std::string& text) {
    std::string out;
    dialect(engine).append_literal(out, Value(text));
    return out;
  };
  const std::string hostile = "a\\' OR 1=1; DROP TABLE t; --";
  EXPECT_EQ(literal("postgres", hostile), "E'a\\\\'' OR 1=1; DROP TABLE t; --'");
  EXPECT_EQ(literal("mysql", hostile),
            "CONCAT('a', CHAR(92 USING utf8mb4), ''' OR 1=1; DROP TABLE t; --')");
  EXPECT_EQ(literal("sqlite", hostile), "'a\\'' OR 1=1; DROP TABLE t; --'");
  // Without a backslash, quotes doubled is all any backend needs, under every setting.
  for (const char* engine : {"postgres", "mysql", "sqlite"}) {
    EXPECT_EQ(literal(engine, "it's"), "'it''s'") << engine;
    EXPECT_THROW(literal(engine, std::string("a\0b", 3)), DataError) << engine;
  }
  EXPECT_EQ(literal("mysql", "\\"), "CONCAT('', CHAR(92 USING utf8mb4), '')");
}

TEST(Dialect, NumbersPlaceholdersTheBackendsWay) {
  EXPECT_EQ(placeholders(dialect("postgres"), 3), "$1,$2,$3");
  EXPECT_EQ(placeholders(dialect("mysql"), 3), "?,?,?");
  EXPECT_EQ(placeholders(dialect("sqlite"), 3), "?,?,?");
  EXPECT_EQ(dialect("postgres").max_params(), 65535u);
  EXPECT_EQ(dialect("sqlite", "3.31.0").max_params(), 999u);
  EXPECT_EQ(dialect("sqlite", "3.40.1").max_params(), 32766u);
}

TEST(Dialect, SpellsOffsetsWithoutLimits) {
  EXPECT_EQ(dialect("postgres").render("offset", {{"offset", "$1"}}), "OFFSET $1");
  EXPECT_EQ(dialect("mysql").render("offset", {{"offset", "?"}}),
            "LIMIT 18446744073709551615 OFFSET ?");
  EXPECT_EQ(dialect("sqlite").render("offset", {{"offset", "?"}}), "LIMIT -1 OFFSET ?");
  EXPECT_EQ(dialect("mysql").render("limit_offset", {{"limit", "?"}, {"offset", "?"}}),
            "LIMIT ? OFFSET ?");
}

TEST(Dialect, MapsFieldKindsToColumnTypes) {
  const Dialect pg = dialect("postgres"), my = dialect("mysql", "10.11.6-MariaDB"),
                old_my = dialect("mysql", "10.5.0-MariaDB"), lite = dialect("sqlite");
  EXPECT_EQ(pg.text("type.DateTimeField"), "timestamp with time zone");
  EXPECT_EQ(my.text("type.DateTimeField"), "datetime(6)");
  EXPECT_EQ(lite.text("type.DateTimeField"), "datetime");
  EXPECT_EQ(pg.render("type.DecimalField", {{"max_digits", "10"}, {"decimal_places", "2"}}),
            "numeric(10, 2)");
  EXPECT_EQ(lite.text("type.DecimalField"), "decimal");
  EXPECT_EQ(pg.text("type.UUIDField"), "uuid");
  EXPECT_EQ(my.text("type.UUIDField"), "uuid");          // MariaDB 10.7+
  EXPECT_EQ(old_my.text("type.UUIDField"), "char(32)");  // before it
  EXPECT_EQ(pg.text("type.JSONField"), "jsonb");
  EXPECT_EQ(my.text("type.JSONField"), "json");
  EXPECT_EQ(pg.text("type.BinaryField"), "bytea");
  EXPECT_EQ(my.text("type.BinaryField"), "longblob");
  EXPECT_EQ(my.text("type.BooleanField"), "bool");
  EXPECT_THROW(pg.text("type.NoSuchField"), ProgrammingError);
}

TEST(Dialect, SpellsTransactionsAndExplain) {
  EXPECT_EQ(dialect("mysql").text("tx.begin"), "START TRANSACTION");
  EXPECT_EQ(dialect("postgres").text("tx.begin"), "BEGIN");
  EXPECT_EQ(dialect("postgres").render("tx.savepoint", {{"name", "\"s1\""}}), "SAVEPOINT \"s1\"");
  EXPECT_EQ(dialect("sqlite").text("explain"), "EXPLAIN QUERY PLAN");
  EXPECT_EQ(dialect("postgres").text("explain"), "EXPLAIN");
}

TEST(Dialect, FeaturesDependOnTheServerVersion) {
  EXPECT_TRUE(dialect("sqlite", "3.40.1").features().has("has_returning"));
  EXPECT_FALSE(dialect("sqlite", "3.34.0").features().has("has_returning"));
  EXPECT_FALSE(dialect("sqlite", "3.24.0").features().has("supports_over_clause"));
  EXPECT_TRUE(
      dialect("mysql", "10.11.6-MariaDB").features().has("has_select_for_update_skip_locked"));
  EXPECT_FALSE(
      dialect("mysql", "10.5.2-MariaDB").features().has("has_select_for_update_skip_locked"));
  EXPECT_TRUE(dialect("mysql", "8.0.35").features().has("has_select_for_update_skip_locked"));
  EXPECT_FALSE(dialect("mysql", "8.0.35").features().has("has_returning"));  // MySQL has none
  EXPECT_TRUE(dialect("mysql", "10.11.6-MariaDB").features().has("has_returning"));
  EXPECT_TRUE(dialect("postgres", "15.4").features().has("has_select_for_no_key_update"));
  EXPECT_FALSE(dialect("sqlite").features().has("has_select_for_update"));
}

// The keys the primary/replica router reads; their SQL runs on real replicas in
// tests/backend/replication_test.cpp.
TEST(Dialect, SaysWhetherAndHowTheBackendReplicates) {
  const char* keys[] = {"replica.position", "replica.reached", "replica.lag", "replica.is_replica"};
  for (const char* key : keys) {
    EXPECT_EQ(dialect("sqlite").text(key), "") << key;
    EXPECT_EQ(dialect("mysql", "8.0.35").text(key), "") << key;  // MySQL's GTIDs: not yet
    EXPECT_NE(dialect("postgres").text(key), "") << key;
    EXPECT_NE(dialect("mysql", "10.11.6-MariaDB").text(key), "") << key;
  }
  // The token is taken where the commit's record is inserted, not where WAL was written.
  EXPECT_NE(dialect("postgres").text("replica.position").find("pg_current_wal_insert_lsn"),
            std::string::npos);
  EXPECT_NE(dialect("postgres").text("replica.reached").find("$1"), std::string::npos);
  EXPECT_NE(dialect("mysql").text("replica.reached").find("MASTER_GTID_WAIT(?, 0)"),
            std::string::npos);
  EXPECT_EQ(dialect("mysql").text("replica.position"), "SELECT @@global.gtid_binlog_pos");
  EXPECT_EQ(dialect("postgres").text("replica.lag.column"), "");
  EXPECT_EQ(dialect("mysql").text("replica.lag.column"), "Seconds_Behind_Master");
}

TEST(Dialect, RendersTemplatesStrictly) {
  EXPECT_EQ(Dialect::render_text("{a} {{literal}} {b}", {{"a", "1"}, {"b", "2"}}), "1 {literal} 2");
  EXPECT_THROW(Dialect::render_text("{missing}", {}), ProgrammingError);
  EXPECT_THROW(Dialect::render_text("{open", {}), ProgrammingError);
}

TEST(Dialect, SpellsLookupsEachBackendsWay) {
  const Dialect pg = dialect("postgres"), my = dialect("mysql"), lite = dialect("sqlite");
  auto lookup = [](const Dialect& d, const std::string& name) {
    return d.render("lookup." + name, {{"lhs", "name"}, {"rhs", "?"}});
  };
  EXPECT_EQ(lookup(pg, "exact"), "name = ?");
  EXPECT_EQ(lookup(pg, "icontains"), "UPPER(name::text) LIKE UPPER(?)");
  EXPECT_EQ(lookup(pg, "iregex"), "name ~* ?");
  EXPECT_EQ(lookup(my, "contains"), "name LIKE BINARY ?");
  EXPECT_EQ(lookup(my, "icontains"), "name LIKE ?");
  EXPECT_EQ(lookup(my, "regex"), "name REGEXP BINARY ?");
  EXPECT_EQ(lookup(lite, "contains"), "name GLOB ?");
  EXPECT_EQ(lookup(lite, "iexact"), "name LIKE ? ESCAPE '\\'");
  EXPECT_EQ(lookup(lite, "iregex"), "quarry_iregexp(?, name)");
  EXPECT_EQ(lookup(pg, "gte"), "name >= ?");
}

TEST(Dialect, EscapesPatternValuesSoUserTextMatchesItself) {
  const Dialect pg = dialect("postgres"), lite = dialect("sqlite");
  EXPECT_EQ(pg.pattern_value("contains", "50%_off\\"), "%50\\%\\_off\\\\%");
  EXPECT_EQ(pg.pattern_value("istartswith", "ab"), "ab%");
  EXPECT_EQ(pg.pattern_value("endswith", "ab"), "%ab");
  EXPECT_EQ(pg.pattern_value("iexact", "a_b"), "a_b");  // PostgreSQL compares with =
  EXPECT_EQ(dialect("mysql").pattern_value("iexact", "a_b"), "a\\_b");  // LIKE without wildcards
  EXPECT_EQ(lite.pattern_value("contains", "a*b?[c]"), "*a[*]b[?][[]c]*");
  EXPECT_EQ(lite.pattern_value("icontains", "100%"), "%100\\%%");
  EXPECT_THROW(pg.pattern_value("gt", "x"), ProgrammingError);
  EXPECT_THROW(pg.pattern_value("exact", "x"), ProgrammingError);
}

TEST(Dialect, SpellsTransformsAndFunctions) {
  const Dialect pg = dialect("postgres"), my = dialect("mysql"), lite = dialect("sqlite");
  EXPECT_EQ(pg.render("transform.year", {{"lhs", "created"}}), "EXTRACT(YEAR FROM created)");
  EXPECT_EQ(my.render("transform.week_day", {{"lhs", "created"}}), "DAYOFWEEK(created)");
  EXPECT_EQ(lite.render("transform.month", {{"lhs", "created"}}),
            "CAST(strftime('%m', created) AS INTEGER)");
  EXPECT_EQ(my.render("func.Length", {{"arg", "name"}}), "CHAR_LENGTH(name)");
  EXPECT_EQ(lite.render("func.Greatest", {{"args", "a, b"}}), "MAX(a, b)");
  EXPECT_EQ(my.render("func.ConcatPair", {{"a", "x"}, {"b", "y"}}), "CONCAT_WS('', x, y)");
  EXPECT_EQ(my.render("insert.empty", {{"table", "`t`"}}), "INSERT INTO `t` () VALUES ()");
  EXPECT_EQ(pg.render("insert.empty", {{"table", "\"t\""}}), "INSERT INTO \"t\" DEFAULT VALUES");
}

TEST(Dialect, SpellsRowLocks) {
  const Dialect pg = dialect("postgres");
  EXPECT_EQ(pg.text("lock.for_update"), "FOR UPDATE");
  EXPECT_EQ(pg.text("lock.for_no_key_update"), "FOR NO KEY UPDATE");
  EXPECT_EQ(pg.render("lock.of", {{"tables", "\"t\""}}), "OF \"t\"");
  EXPECT_EQ(pg.text("lock.skip_locked"), "SKIP LOCKED");
  EXPECT_EQ(dialect("mysql").text("lock.nowait"), "NOWAIT");
}
