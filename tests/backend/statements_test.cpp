// Prepared statements are reused, results stream, and writes report what they did.
#include <set>

#include "support/backend.hpp"

namespace quarry::test {
namespace {

class Statements : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    create_table("qt_items", "id " + type("IntegerField") + " PRIMARY KEY, name " +
                                 type("CharField", "40") + ", qty " + type("IntegerField"));
  }
  void fill(int n) {
    conn().begin();
    for (int i = 1; i <= n; ++i) {
      conn().execute(sql("INSERT INTO qt_items VALUES (?, ?, ?)"),
                     {i, "item " + std::to_string(i), i % 7});
    }
    conn().commit();
  }
};

TEST_F(Statements, TheSameSqlIsPreparedOnce) {
  fill(3);
  const uint64_t before = conn().statements_prepared();
  const std::string q = sql("SELECT name FROM qt_items WHERE id = ?");
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(conn().query_value<std::string>(q, {i}), "item " + std::to_string(i));
  }
  EXPECT_EQ(conn().statements_prepared(), before + 1);
}

TEST_F(Statements, AReusedStatementTakesEachRunsOwnParametersNullsIncluded) {
  // The plugins keep their parameter buffers from run to run: a NULL must not stay
  // where the last run had one, nor a value where it had a value.
  const std::string q = sql("SELECT ?, ?, ?");
  const uint64_t before = conn().statements_prepared();
  const std::vector<std::vector<Value>> runs = {
      {Value(), Value("x"), Value(1)},
      {Value("y"), Value(), Value(2)},
      {Value(), Value(), Value()},
      {Value("zz"), Value("w"), Value(3)},
  };
  for (const auto& params : runs) {
    ResultSet rs = conn().query(q, params);
    ASSERT_TRUE(rs.next());
    const Row r = rs.row();
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].is_null()) {
        EXPECT_TRUE(r.is_null(i)) << "column " << i;
      } else if (params[i].type() == ValueType::Text) {
        EXPECT_EQ(r.get<std::string>(i), params[i].as<std::string>()) << "column " << i;
      } else {
        EXPECT_EQ(r.get<int64_t>(i), params[i].as<int64_t>()) << "column " << i;
      }
    }
  }
  EXPECT_EQ(conn().statements_prepared(), before + 1);
}

TEST_F(Statements, NestedUseOfOneStatementWorks) {
  fill(4);
  const std::string q = sql("SELECT id FROM qt_items WHERE id <= ? ORDER BY id");
  int outer_rows = 0, inner_rows = 0;
  ResultSet outer = conn().query(q, {2});
  while (outer.next()) {
    ++outer_rows;
    // The cached statement is busy with `outer`: this runs on a second one.
    for (Row r : conn().query(q, {4})) {
      (void)r;
      ++inner_rows;
    }
  }
  EXPECT_EQ(outer_rows, 2);
  EXPECT_EQ(inner_rows, 8);
}

TEST_F(Statements, CacheCanBeTurnedOff) {
  databases_ = open_databases("    statement_cache_size: 0\n");
  conn_ = db().connect();
  const uint64_t before = conn().statements_prepared();
  conn().query_value<int64_t>("SELECT 1");
  conn().query_value<int64_t>("SELECT 1");
  EXPECT_EQ(conn().statements_prepared(), before + 2);
  EXPECT_EQ(conn().cached_statements(), 0u);
}

TEST_F(Statements, WritesReportRowsAndKeys) {
  fill(10);
  EXPECT_EQ(conn().execute(sql("UPDATE qt_items SET qty = qty + 1 WHERE id <= ?"), {4}), 4);
  EXPECT_EQ(conn().execute(sql("DELETE FROM qt_items WHERE id > ?"), {8}), 2);
  create_table("qt_auto",
               "id " +
                   std::string(dialect().render("ddl.auto_pk", {{"type", type("BigAutoField")}})) +
                   ", name " + type("CharField", "10"));
  {
    ResultSet rs = conn().query(sql("INSERT INTO qt_auto (name) VALUES (?)"), {"a"});
    EXPECT_EQ(rs.affected_rows(), 1);
    if (has_feature("has_last_insert_id")) {
      EXPECT_EQ(rs.last_insert_id(), 1);
    } else {
      EXPECT_EQ(rs.last_insert_id(), std::nullopt);  // the key comes back by RETURNING
    }
  }
  if (db().features().has("has_returning")) {
    EXPECT_EQ(conn().query_value<int64_t>(sql("INSERT INTO qt_auto (name) VALUES (?) RETURNING id"),
                                          {"b"}),
              2);
  }
}

TEST_F(Statements, StreamedResultsReadEveryRow) {
  fill(2000);
  int64_t rows = 0, sum = 0;
  ResultSet rs =
      conn().query("SELECT id FROM qt_items ORDER BY id", {}, ExecOptions{.stream = true});
  while (rs.next()) {
    ++rows;
    sum += rs.row().get<int64_t>(0);
  }
  EXPECT_EQ(rows, 2000);
  EXPECT_EQ(sum, 2000 * 2001 / 2);
}

TEST_F(Statements, AbandonedStreamFreesTheConnection) {
  fill(2000);
  {
    ResultSet rs =
        conn().query("SELECT id FROM qt_items ORDER BY id", {}, ExecOptions{.stream = true});
    ASSERT_TRUE(rs.next());
    ASSERT_TRUE(rs.next());
  }  // closed after two rows
  EXPECT_EQ(conn().query_value<int64_t>("SELECT COUNT(*) FROM qt_items"), 2000);
}

TEST_F(Statements, AStatementThatFailedInItsResultRunsAgain) {
  if (!require_feature("has_returning")) return;
  create_table("qt_ret",
               "id " +
                   std::string(dialect().render("ddl.auto_pk", {{"type", type("BigAutoField")}})) +
                   ", code " + type("CharField", "10") + " UNIQUE");
  const std::string insert = sql("INSERT INTO qt_ret (code) VALUES (?) RETURNING id");
  conn().query_value<int64_t>(insert, {"x"});
  // MariaDB reports this duplicate while the RETURNING rows are read, not at execute.
  EXPECT_THROW(conn().query_value<int64_t>(insert, {"x"}), UniqueViolation);
  EXPECT_THROW(conn().query_value<int64_t>(insert, {"x"}), UniqueViolation);
  EXPECT_GT(conn().query_value<int64_t>(insert, {"y"}), 0);
  EXPECT_EQ(conn().query_value<int64_t>("SELECT COUNT(*) FROM qt_ret"), 2);
}

TEST_F(Statements, ParameterCountMismatchIsReported) {
  EXPECT_THROW(conn().query(sql("SELECT id FROM qt_items WHERE id = ?"), {1, 2}), Error);
}

// What each vendor's plugin says it can do (the plugin, so backend(), not server()).
TEST_F(Statements, EachVendorsFeaturesFollowTheServer) {
  const Features& f = db().features();
  EXPECT_FALSE(conn().server_version().empty());
  EXPECT_EQ(dialect().server_version(), conn().server_version());
  const std::string& plugin = backend();
  if (plugin == "postgres") {
    EXPECT_TRUE(f.has("has_returning"));
    EXPECT_TRUE(f.has("has_select_for_update_skip_locked"));
    EXPECT_TRUE(f.has("supports_timezones"));
  }
  if (plugin == "mysql") {
    EXPECT_TRUE(f.has("has_select_for_update"));
    EXPECT_FALSE(f.has("supports_timezones"));
  }
  if (plugin == "sqlite") {
    EXPECT_FALSE(f.has("has_select_for_update"));
    EXPECT_TRUE(f.has("has_returning"));  // SQLite 3.35+
  }
  if (plugin == "featureless") {
    // Every flag off but the ones SQLite's sessions cannot do without
    // (tests/plugins/featureless says why).
    const std::set<std::string> on = {"supports_transactions", "uses_savepoints",
                                      "has_last_insert_id", "runs_statements_while_streaming"};
    for (const auto& [name, value] : f.all()) EXPECT_EQ(value, on.count(name) == 1) << name;
  }
  EXPECT_THROW(f.has("no_such_feature"), ProgrammingError);
}

}  // namespace
}  // namespace quarry::test
