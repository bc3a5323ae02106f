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

TEST(Dialect, RendersTemplatesStrictly) {
  EXPECT_EQ(Dialect::render_text("{a} {{literal}} {b}", {{"a", "1"}, {"b", "2"}}), "1 {literal} 2");
  EXPECT_THROW(Dialect::render_text("{missing}", {}), ProgrammingError);
  EXPECT_THROW(Dialect::render_text("{open", {}), ProgrammingError);
}
