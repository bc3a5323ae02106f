// Text written into DDL (a CHECK constraint, a partial index's condition) means exactly
// itself under every session setting that changes what a backslash in a literal does:
// PostgreSQL's standard_conforming_strings, MariaDB's NO_BACKSLASH_ESCAPES (issue 15,
// point 3). The hostile text tries to end the literal and drop another table.
#include "quarry/quarry.hpp"
#include "support/backend.hpp"

namespace quarry::test {
namespace {

const std::string kRefused = "a\\' OR 1=1))); DROP TABLE qt_ddl_victim; --";
const std::string kIndexed = "b\\' OR 1=1; DROP TABLE qt_ddl_victim; --";

struct Hostile {
  int64_t id = 0;
  std::string name{};
  std::string tag{};
};

void quarry_model(ModelDef<Hostile>& m) {
  m.table("qt_ddl_literal");
  m.field("id", &Hostile::id, BigAutoField());
  m.field("name", &Hostile::name, CharField(60));
  m.field("tag", &Hostile::tag, CharField(10));
  m.constraint(CheckConstraint{~Q("name", kRefused), "qt_ddl_literal_refused"});
  m.index(
      Index({"tag"}).unique().condition(Q("name", kIndexed)).name("qt_ddl_literal_tag").optional());
}

class DdlLiterals : public BackendTest {
 protected:
  void TearDown() override {
    if (databases_) {
      conn().execute_script("DROP TABLE IF EXISTS " + q("qt_ddl_victim"));
      if (is_configured()) drop_tables<Hostile>();
    }
    BackendTest::TearDown();
  }
  // The registry on this backend with `options` (YAML flow mapping), a victim table, and
  // Hostile's table created (after `session_sql`, in the same transaction, if given).
  void create_under(const std::string& options, const std::string& session_sql = {}) {
    configure(Config::parse("databases:\n  default:\n    url: \"" + backend_url() +
                                "\"\n    options: " + options + "\n",
                            "<ddl literal test>"));
    drop_tables<Hostile>();
    conn().execute_script("DROP TABLE IF EXISTS " + q("qt_ddl_victim"));
    conn().execute_script("CREATE TABLE " + q("qt_ddl_victim") + " (id integer)");
    if (session_sql.empty()) {
      create_tables<Hostile>();
    } else {
      auto tx = atomic();
      tx.connection().execute_script(session_sql);
      create_tables<Hostile>();
    }
  }
  // Nothing was dropped, and the literals hold exactly the hostile text.
  void expect_round_trip() {
    EXPECT_EQ(conn().query_value<int64_t>("SELECT COUNT(*) FROM " + q("qt_ddl_victim")), 0);
    if (dialect().features().has("supports_check_constraints")) {
      EXPECT_THROW(objects<Hostile>().create({.name = kRefused}), CheckViolation);
      EXPECT_NO_THROW(objects<Hostile>().create({.name = kRefused + "x"}));
      EXPECT_NO_THROW(objects<Hostile>().create({.name = kRefused.substr(1)}));
    }
    if (dialect().features().has("supports_partial_indexes")) {
      objects<Hostile>().create({.name = kIndexed, .tag = "t"});
      EXPECT_THROW(objects<Hostile>().create({.name = kIndexed, .tag = "t"}), UniqueViolation);
      objects<Hostile>().create({.name = kIndexed.substr(1), .tag = "t"});
      EXPECT_NO_THROW(objects<Hostile>().create({.name = kIndexed.substr(1), .tag = "t"}));
    }
    EXPECT_EQ(objects<Hostile>().filter("name", kRefused).count(), 0);
  }
};

TEST_F(DdlLiterals, AHostileTextRoundTripsAndDropsNothing) {
  if (!databases_) return;
  create_under("{}");
  expect_round_trip();
}

// PostgreSQL: asked for standard_conforming_strings=off, the session still has it on;
// turned off inside the session, the literals (E'...') still read the same.
// MariaDB: with NO_BACKSLASH_ESCAPES, the literals (no backslash escapes in them at all)
// still read the same. SQLite has no such setting: a backslash is always itself. The
// dialect's literal.backslash says which setting the literals guard against.
TEST_F(DdlLiterals, AHostileTextRoundTripsUnderTheOtherBackslashSetting) {
  if (!databases_) return;
  const std::string_view style = dialect().text("literal.backslash");
  if (style == "escape_string") {
    create_under("{options: \"-c standard_conforming_strings=off\"}");
    EXPECT_EQ(database().acquire()->query_value<std::string>("SHOW standard_conforming_strings"),
              "on");
    expect_round_trip();
    drop_tables<Hostile>();
    create_under("{}", "SET LOCAL standard_conforming_strings = off");
    expect_round_trip();
  } else if (style == "concat") {
    create_under("{init_command: \"SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')\"}");
    EXPECT_NE(database()
                  .acquire()
                  ->query_value<std::string>("SELECT @@SESSION.sql_mode")
                  .find("NO_BACKSLASH_ESCAPES"),
              std::string::npos);
    expect_round_trip();
  } else {
    GTEST_SKIP() << "literal.backslash is plain: a backslash is never an escape";
  }
}

}  // namespace
}  // namespace quarry::test
