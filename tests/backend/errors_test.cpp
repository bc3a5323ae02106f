// Each backend's native errors arrive as the right exception class, with context.
#include "support/backend.hpp"

namespace quarry::test {
namespace {

class Errors : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    conn().execute_script("DROP TABLE IF EXISTS " + q("qt_child"));
    create_table("qt_parent", "id " + type("IntegerField") + " PRIMARY KEY, code " +
                                  type("CharField", "10") + " NOT NULL UNIQUE, qty " +
                                  type("IntegerField") + " CHECK (qty >= 0)");
    create_table("qt_child", "id " + type("IntegerField") + " PRIMARY KEY, parent_id " +
                                 type("IntegerField") + " REFERENCES " + q("qt_parent") + "(id)");
    // Drop the child first in TearDown.
    std::swap(tables_[0], tables_[1]);
    conn().execute(sql("INSERT INTO qt_parent VALUES (?, ?, ?)"), {1, "A", 5});
  }
};

TEST_F(Errors, UniqueViolation) {
  try {
    conn().execute(sql("INSERT INTO qt_parent VALUES (?, ?, ?)"), {2, "A", 1});
    FAIL() << "no error";
  } catch (const UniqueViolation& e) {
    EXPECT_EQ(e.alias(), "default");
    EXPECT_NE(e.sql().find("INSERT INTO qt_parent"), std::string::npos);
    // The server's own codes.
    if (is("postgres")) {
      EXPECT_EQ(e.sqlstate(), "23505");
    }
    if (is("mysql")) {
      EXPECT_EQ(e.native_code(), 1062);
    }
    if (is("sqlite")) {
      EXPECT_EQ(e.native_code(), 2067);  // SQLITE_CONSTRAINT_UNIQUE
    }
  }
  // The same, seen as the broader classes a caller may catch.
  EXPECT_THROW(conn().execute(sql("INSERT INTO qt_parent VALUES (?, ?, ?)"), {1, "B", 1}),
               IntegrityError);
}

TEST_F(Errors, ForeignKeyViolation) {
  EXPECT_THROW(conn().execute(sql("INSERT INTO qt_child VALUES (?, ?)"), {1, 42}),
               ForeignKeyViolation);
  conn().execute(sql("INSERT INTO qt_child VALUES (?, ?)"), {1, 1});
  EXPECT_THROW(conn().execute(sql("DELETE FROM qt_parent WHERE id = ?"), {1}), ForeignKeyViolation);
}

TEST_F(Errors, NotNullAndCheckViolations) {
  EXPECT_THROW(conn().execute(sql("INSERT INTO qt_parent VALUES (?, ?, ?)"), {3, Value(), 1}),
               NotNullViolation);
  EXPECT_THROW(conn().execute(sql("INSERT INTO qt_parent VALUES (?, ?, ?)"), {3, "C", -1}),
               CheckViolation);
}

TEST_F(Errors, SyntaxErrorIsAProgrammingError) {
  try {
    conn().query("SELEC 1");
    FAIL() << "no error";
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sql(), "SELEC 1");
    // The server's own codes.
    if (is("postgres")) {
      EXPECT_EQ(e.sqlstate(), "42601");
    }
    if (is("mysql")) {
      EXPECT_EQ(e.native_code(), 1064);
    }
  }
  EXPECT_THROW(conn().query("SELECT * FROM qt_no_such_table"), ProgrammingError);
  // The connection is still fine afterwards.
  EXPECT_EQ(conn().query_value<int64_t>("SELECT 1"), 1);
}

TEST_F(Errors, KilledConnectionIsConnectionLost) {
  auto victim = db().connect();
  EXPECT_EQ(victim->query_value<int64_t>("SELECT 1"), 1);
  kill(*victim);
  EXPECT_THROW(victim->query_value<int64_t>("SELECT 1"), ConnectionLost);
  EXPECT_FALSE(victim->is_usable());
  EXPECT_THROW(victim->ping(), ConnectionLost);
  // Others are unaffected.
  EXPECT_EQ(conn().query_value<int64_t>("SELECT 2"), 2);
}

}  // namespace
}  // namespace quarry::test

namespace quarry::test {
namespace {

class ConnectErrors : public BackendTest {};

TEST_F(ConnectErrors, AnUnknownOptionIsRefusedByName) {
  auto dbs = open_databases("    options: {jurnal_mode: wal}\n");
  try {
    (*dbs)["default"].connect();
    FAIL() << "connected with a misspelt option";
  } catch (const InterfaceError& e) {
    EXPECT_NE(std::string(e.what()).find("jurnal_mode"), std::string::npos) << e.what();
  }
}

TEST_F(ConnectErrors, AnUnreachableServerIsOperational) {
  if (serverless()) {  // a file in a folder that does not exist
    auto dbs = std::make_unique<Databases>(
        Config::parse("databases:\n  default:\n    engine: " + backend() +
                      "\n    name: /nonexistent/dir/x.db\n"));
    EXPECT_THROW((*dbs)["default"].connect(), OperationalError);
    return;
  }
  // A port nobody listens on.
  const std::string url = backend() + "://u@127.0.0.1:1/db";
  auto dbs =
      std::make_unique<Databases>(Config::parse("databases:\n  default:\n    url: " + url + "\n"));
  EXPECT_THROW((*dbs)["default"].connect(), OperationalError);
}

}  // namespace
}  // namespace quarry::test
