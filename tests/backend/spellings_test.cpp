// Each dialect's spellings of lookups, transforms, functions and row locks run on the
// real server and mean what the core will take them to mean.
#include "support/backend.hpp"

namespace quarry::test {
namespace {

class Spellings : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    create_table("qt_words", "id " + type("IntegerField") + " PRIMARY KEY, word " +
                                 type("CharField", "50") + ", at " + type("DateTimeField"));
    const std::string insert = sql("INSERT INTO qt_words VALUES (?, ?, ?)");
    // 2024-05-01 was a Wednesday: Django's week_day 4.
    const DateTime at(Date(2024, 5, 1), Time(10, 20, 30, 250000));
    conn().execute(insert, {1, "Apple pie", at});
    conn().execute(insert, {2, "apple", at});
    conn().execute(insert, {3, "50% off_sale\\", at});
    conn().execute(insert, {4, "a*b?[c]", at});
    conn().execute(insert, {5, "café", Value()});
    conn().execute(insert, {6, Value(), Value()});
  }

  // Rows whose word matches `value` under `lookup`, as the compiler will write it.
  int64_t count(const std::string& lookup, const std::string& value) {
    std::string rhs;
    dialect().append_placeholder(rhs, 1);
    const std::string where = dialect().render("lookup." + lookup, {{"lhs", "word"}, {"rhs", rhs}});
    const bool pattern = lookup.find("contains") != std::string::npos ||
                         lookup.find("startswith") != std::string::npos ||
                         lookup.find("endswith") != std::string::npos || lookup == "iexact";
    const std::string bound = pattern ? dialect().pattern_value(lookup, value) : value;
    return conn().query_value<int64_t>("SELECT COUNT(*) FROM qt_words WHERE " + where, {bound});
  }

  // Rows whose `at` gives `value` under the transform.
  int64_t count_at(const std::string& transform, const Value& value) {
    std::string rhs;
    dialect().append_placeholder(rhs, 1);
    return conn().query_value<int64_t>(
        "SELECT COUNT(*) FROM qt_words WHERE " +
            dialect().render("transform." + transform, {{"lhs", "at"}}) + " = " + rhs,
        {value});
  }
};

TEST_F(Spellings, CaseSensitivePatternLookups) {
  EXPECT_EQ(count("contains", "pple"), 2);
  EXPECT_EQ(count("contains", "Apple"), 1);
  EXPECT_EQ(count("startswith", "apple"), 1);
  EXPECT_EQ(count("endswith", "pie"), 1);
  EXPECT_EQ(count("endswith", "PIE"), 0);
}

TEST_F(Spellings, CaseInsensitivePatternLookups) {
  EXPECT_EQ(count("icontains", "APPLE"), 2);
  EXPECT_EQ(count("istartswith", "APPLE"), 2);
  EXPECT_EQ(count("iendswith", "PIE"), 1);
  EXPECT_EQ(count("iexact", "APPLE"), 1);
  EXPECT_EQ(count("iexact", "APPLE PIE"), 1);
}

TEST_F(Spellings, WildcardsInUserTextMatchThemselves) {
  EXPECT_EQ(count("contains", "50%"), 1);
  EXPECT_EQ(count("contains", "%"), 1);
  EXPECT_EQ(count("contains", "_"), 1);
  EXPECT_EQ(count("icontains", "OFF_"), 1);
  EXPECT_EQ(count("contains", "\\"), 1);
  EXPECT_EQ(count("contains", "*"), 1);
  EXPECT_EQ(count("contains", "?["), 1);
  EXPECT_EQ(count("startswith", "a*"), 1);
  EXPECT_EQ(count("iexact", "a_ple"), 0);  // _ is not a wildcard
  // MariaDB's default collation (utf8mb4_general_ci) also ignores accents: é matches e.
  // The server's collation, which no dialect key or feature describes.
  EXPECT_EQ(count("icontains", "é"), is("mysql") ? 4 : 1);
}

TEST_F(Spellings, RegularExpressions) {
  if (!require_feature("supports_regex")) return;
  EXPECT_EQ(count("regex", "^[Aa]pple"), 2);
  EXPECT_EQ(count("regex", "^apple"), 1);
  EXPECT_EQ(count("iregex", "^APPLE"), 2);
  EXPECT_EQ(count("regex", "pie$"), 1);
}

TEST_F(Spellings, ComparisonLookups) {
  EXPECT_EQ(count("exact", "apple"), 1);
  EXPECT_EQ(count("gt", "b"), 1);  // "café"; digits and "a..." sort before "b"
  EXPECT_EQ(count("lt", "5"), 0);
}

TEST_F(Spellings, DateTransforms) {
  EXPECT_EQ(count_at("year", 2024), 4);
  EXPECT_EQ(count_at("month", 5), 4);
  EXPECT_EQ(count_at("day", 1), 4);
  EXPECT_EQ(count_at("week_day", 4), 4);
  EXPECT_EQ(count_at("hour", 10), 4);
  EXPECT_EQ(count_at("minute", 20), 4);
  EXPECT_EQ(count_at("second", 30), 4);
  EXPECT_EQ(count_at("date", Date(2024, 5, 1)), 4);
  EXPECT_EQ(count_at("year", 2023), 0);
}

TEST_F(Spellings, Functions) {
  auto one = [&](const std::string& expr) {
    std::string ph;
    dialect().append_placeholder(ph, 1);
    return conn().query_value<Value>("SELECT " + expr + " FROM qt_words WHERE id = " + ph, {5});
  };
  EXPECT_EQ(one(dialect().render("func.Length", {{"arg", "word"}})).as<int64_t>(),
            4);  // characters
  // SQLite folds case for ASCII letters only: the server's UPPER(), not a dialect key.
  EXPECT_EQ(one(dialect().render("func.Upper", {{"arg", "word"}})).as<std::string>(),
            is("sqlite") ? "CAFé" : "CAFÉ");
  EXPECT_EQ(
      one(dialect().render("func.ConcatPair", {{"a", "word"}, {"b", "NULL"}})).as<std::string>(),
      "café");
  EXPECT_EQ(one(dialect().render("func.Coalesce", {{"args", "at, NULL"}})), Value());
  EXPECT_EQ(one(dialect().render("func.Greatest", {{"args", "1, 5, 3"}})).as<int64_t>(), 5);
  EXPECT_EQ(one(dialect().render("func.Least", {{"args", "4, 2, 3"}})).as<int64_t>(), 2);
  EXPECT_GT(one(dialect().render("func.Now", {})).as<DateTime>(),
            DateTime(Date(2024, 1, 1), Time()));
}

TEST_F(Spellings, RowLocksWhereTheServerHasThem) {
  if (!require_feature("has_select_for_update")) return;
  const Features& f = db().features();
  const std::string base = "SELECT id FROM qt_words WHERE id = 1 ";
  conn().begin();
  EXPECT_EQ(conn().query_value<int64_t>(base + std::string(dialect().text("lock.for_update"))), 1);
  if (f.has("has_select_for_update_nowait")) {
    EXPECT_EQ(conn().query_value<int64_t>(base + std::string(dialect().text("lock.for_update")) +
                                          " " + std::string(dialect().text("lock.nowait"))),
              1);
  }
  if (f.has("has_select_for_update_skip_locked")) {
    EXPECT_EQ(conn().query_value<int64_t>(base + std::string(dialect().text("lock.for_update")) +
                                          " " + std::string(dialect().text("lock.skip_locked"))),
              1);
  }
  if (f.has("has_select_for_update_of")) {
    EXPECT_EQ(
        conn().query_value<int64_t>(base + std::string(dialect().text("lock.for_update")) + " " +
                                    dialect().render("lock.of", {{"tables", q("qt_words")}})),
        1);
  }
  if (f.has("has_select_for_no_key_update")) {
    EXPECT_EQ(
        conn().query_value<int64_t>(base + std::string(dialect().text("lock.for_no_key_update"))),
        1);
  }
  conn().commit();
}

TEST_F(Spellings, InsertWithNoColumns) {
  create_table("qt_only_pk",
               "id " + dialect().render("ddl.auto_pk", {{"type", type("BigAutoField")}}));
  conn().execute(dialect().render("insert.empty", {{"table", q("qt_only_pk")}}));
  conn().execute(dialect().render("insert.empty", {{"table", q("qt_only_pk")}}));
  EXPECT_EQ(conn().query_value<int64_t>("SELECT MAX(id) FROM qt_only_pk"), 2);
}

}  // namespace
}  // namespace quarry::test
