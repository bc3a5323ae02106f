// Hostile input through the public API, on every backend: each hostile name is refused
// with a quarry error before any statement is sent, and each hostile value either
// travels as a parameter and comes back byte for byte, or is refused the same way.
// The corpus follows the classes of the ORM injection CVEs: Django's column aliases
// (CVE-2022-28346, annotate/aggregate/extra through **kwargs), explain options
// (CVE-2022-28347), Trunc/Extract kinds (CVE-2022-34265), values() on JSON keys
// (CVE-2024-42005), FilteredRelation aliases (CVE-2025-57833) and Q's _connector
// (CVE-2025-64459); Sequelize's JSON paths and replacements (CVE-2019-10748,
// CVE-2023-25813); SQLAlchemy's order_by/group_by text (CVE-2019-7164, CVE-2019-7548);
// libpq's quoting of invalid UTF-8 (CVE-2025-1094).
#include <cmath>
#include <functional>
#include <limits>

#include "quarry/cte.hpp"
#include "support/errors.hpp"
#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Product;
using seed::Student;

// Names that no model has, each breaking out of a different quoting or parsing rule.
const std::vector<std::string>& hostile_names() {
  static const std::vector<std::string> kNames = {
      "",
      "__",
      "name__",
      "__name",
      "na____me",
      "name__icontains__",
      "x\" FROM student; --",
      "x' OR '1'='1",
      "x` FROM student; #",
      "x] FROM student; --",
      "name; DROP TABLE student",
      "name) OR (1=1",
      "(SELECT 1)",
      "1=1",
      "name/*",
      "*/name",
      "name--",
      "name#",
      std::string("na\0me", 6),
      std::string("name\0", 5),
      "\"",
      "'",
      "`",
      "\\",
      "name\\' OR 1=1 --",
      "\xc0' OR 1=1 --",  // an invalid UTF-8 lead byte before a quote (CVE-2025-1094)
      "\xff\xfe",
      "na\xe2\x80\x8bme",                                  // a zero-width space inside a real name
      "\xef\xbd\x8e\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x85",  // "name" in full-width letters
      "$1",
      "?",
      "%s",
      ":name",
      "student.name",
      "student.*",
      "*",
      "name\n",
      "name\tx",
      "name x",
      "_connector",
      "name__in__x",
      std::string(300, 'a'),
      std::string(100, '_'),
  };
  return kNames;
}

// Values that would break out of a literal; each must come back as it went.
const std::vector<std::string>& hostile_values() {
  static const std::vector<std::string> kValues = {
      "Math'; DROP TABLE student; --",
      "x\\' OR 1=1 --",
      "\\",
      "\\\\'",
      "\" OR \"\"=\"",
      "` OR 1=1 #",
      "$1",
      "?",
      "%",
      "_",
      "/* */",
      "\n\r\t",
      "\xe2\x80\x8b",
      "\xf0\x9f\x98\x80 emoji",
      std::string(45, '\''),  // CharField(50): nickname takes it too
  };
  return kValues;
}

class HostileInput : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    for (const char* n : {"Ann", "Bob", "Cid", "Dee", "Eve"}) {
      Student s;
      s.name = n;
      s.course = "Math";
      s.gpa = 3.5;
      rows_.push_back(s);
    }
    objects<Student>().bulk_create(rows_);
  }

  // What a call did with a hostile input: "sent" when it ran a statement without
  // error, else the quarry error's class-free message, with how many statements went.
  struct Outcome {
    bool quarry_error = false;
    std::string message;
    std::size_t statements = 0;
  };
  static Outcome attempt(const std::function<void()>& call) {
    Outcome out;
    QueryCapture capture;
    try {
      call();
    } catch (const quarry::Error& e) {
      out.quarry_error = true;
      out.message = e.what();
    } catch (const std::exception& e) {
      out.message = std::string("not a quarry error: ") + e.what();
    }
    // Transaction control (a bulk write's BEGIN and ROLLBACK) carries no value.
    for (const auto& r : capture.queries()) {
      const bool control = r.sql.starts_with("BEGIN") || r.sql.starts_with("ROLLBACK") ||
                           r.sql.starts_with("COMMIT") || r.sql.starts_with("SAVEPOINT") ||
                           r.sql.starts_with("RELEASE") || r.sql.starts_with("START");
      if (!control) ++out.statements;
    }
    return out;
  }
  // Asserts the call was refused by quarry with nothing sent, or (for the entry points
  // that create a name, which return whether it came back) that the name it created
  // came back from the database byte for byte.
  static void refused_or_round_trip(const std::string& entry, const std::string& name,
                                    const std::function<bool()>& call) {
    bool round_trip = false;
    const Outcome o = attempt([&] { round_trip = call(); });
    if (!o.quarry_error && round_trip) return;
    EXPECT_TRUE(o.quarry_error) << entry << " took the name '" << name << "': " << o.message;
    EXPECT_EQ(o.statements, 0u) << entry << " sent SQL for the name '" << name << "'";
  }

  std::vector<Student> rows_;
};

// ---- 1. an empty or malformed lookup is never a condition ------------------------------

TEST_F(HostileInput, EmptyOrMalformedLookupsAreFieldErrorsBeforeAnySql) {
  for (const std::string key : {"", "__", "name__", "__name", "na____me", "name__exact__"}) {
    for (const Expr& v : {Expr(true), Expr(Value(1)), Expr(F("name")), Expr("Ann")}) {
      const auto no_sql = [&](const char* entry, const std::function<void()>& call) {
        const Outcome o = attempt(call);
        EXPECT_TRUE(o.quarry_error) << entry << "('" << key << "'): " << o.message;
        EXPECT_EQ(o.statements, 0u) << entry << "('" << key << "')";
      };
      // The message is enough to tell the class apart: check the type itself too.
      EXPECT_THROW(objects<Student>().filter(key, v), FieldError) << "'" << key << "'";
      no_sql("filter", [&] { objects<Student>().filter(key, v).count(); });
      no_sql("exclude", [&] { objects<Student>().exclude(key, v).count(); });
      no_sql("Q |", [&] { objects<Student>().filter(Q("name", "nobody") | Q(key, v)).count(); });
      no_sql("When", [&] {
        objects<Student>().annotate("x", Case({When(Q(key, v), Value(1))}, Value(0))).count();
      });
      no_sql("Count filter", [&] {
        objects<Student>().aggregate({{"n", Count("id", {.filter = Q(key, v)})}});
      });
      no_sql("get", [&] { objects<Student>().get(key, v); });
    }
  }
}

TEST_F(HostileInput, FieldErrorsNameTheEmptyPart) {
  EXPECT_NE(error_of<FieldError>([] { objects<Student>().filter("", 1); }).find("empty"),
            std::string::npos);
  EXPECT_NE(error_of<FieldError>([] {
              objects<Student>().filter("name__", 1);
            }).find("'name__': a part between '__' separators is empty"),
            std::string::npos);
}

// Django: "Cannot filter against a non-conditional expression." A condition standing on
// its own is Exists(), a boolean field, or NOT of one; never a text column or a value.
TEST_F(HostileInput, OnlyConditionalExpressionsStandAsConditions) {
  const Outcome text = attempt([] { objects<Student>().filter(F("name")).count(); });
  EXPECT_TRUE(text.quarry_error) << text.message;
  EXPECT_EQ(text.statements, 0u);
  EXPECT_THROW(objects<Student>().filter(F("name")), FieldError);
  EXPECT_THROW(objects<Student>().exclude(F("gpa")), FieldError);
  EXPECT_THROW(objects<Student>().filter(Q(F("marks")) | Q("name", "x")), FieldError);
  // A boolean field is a condition, as in Django.
  Product::objects().create({{"name", "on"}, {"price", 1}, {"is_active", true}});
  Product::objects().create({{"name", "off"}, {"price", 1}, {"is_active", false}});
  const auto active = Product::objects().filter(F("is_active")).values_list<std::string>("name");
  EXPECT_EQ(std::vector<std::string>(active.begin(), active.end()), std::vector<std::string>{"on"});
  EXPECT_EQ(Product::objects().exclude(F("is_active")).count(), 1);
}

// ---- 2. NUL bytes and invalid UTF-8 in text values ------------------------------------

TEST_F(HostileInput, TextWithANulIsStoredWholeOrRefusedNeverCut) {
  const std::string with_nul("ad\0min", 6);
  const bool holds = db().dialect().features().has("text_holds_nul");
  const Outcome o = attempt([&] {
    Student s;
    s.name = with_nul;
    s.course = "Math";
    std::vector<Student> rows{s};
    objects<Student>().bulk_create(rows);
  });
  const Outcome one = attempt([&] { objects<Student>().create({{"name", with_nul}}); });
  if (holds) {
    EXPECT_FALSE(o.quarry_error) << o.message;
    EXPECT_FALSE(one.quarry_error) << one.message;
    const auto names = objects<Student>().filter("name", with_nul).values_list<std::string>("name");
    ASSERT_EQ(names.size(), 2u);
    EXPECT_EQ(names[0], with_nul);  // byte for byte, the NUL and what follows it
  } else {
    for (const Outcome& r : {o, one}) {
      EXPECT_NE(r.message.find("NUL"), std::string::npos) << r.message;
      EXPECT_EQ(r.statements, 0u);
    }
    EXPECT_NE(one.message.find("name"), std::string::npos) << one.message;  // names the field
    EXPECT_THROW(objects<Student>().create({{"name", with_nul}}), DataError);
    EXPECT_EQ(objects<Student>().filter("name__startswith", "ad").count(), 0);
  }
  // A value that differs from a stored one only after a NUL never finds it.
  const Outcome lookup = attempt(
      [&] { EXPECT_EQ(objects<Student>().filter("name", std::string("Ann\0xyz", 7)).count(), 0); });
  EXPECT_EQ(lookup.quarry_error, !holds) << lookup.message;
  // Nor through raw SQL, where the error names the parameter.
  auto conn = db().acquire();
  const std::string sql =
      std::string("SELECT COUNT(*) FROM student WHERE name = ") +
      (db().dialect().placeholder_style() == PlaceholderStyle::Dollar ? "$1" : "?");
  const Outcome raw = attempt([&] {
    ResultSet rs = conn->query(sql, {Value(std::string("Ann\0x", 5))});
    ASSERT_TRUE(rs.next());
    EXPECT_EQ(rs.row().get<int64_t>(0), 0);
  });
  EXPECT_EQ(raw.quarry_error, !holds) << raw.message;
  if (!holds) {
    EXPECT_NE(raw.message.find("parameter 1"), std::string::npos) << raw.message;
  }
}

TEST_F(HostileInput, ANulInsideAPatternNeverMatchesEveryRow) {
  const bool holds = db().dialect().features().has("patterns_hold_nul");
  for (const char* lookup : {"name__contains", "name__icontains", "name__endswith",
                             "name__startswith", "name__iendswith"}) {
    const Outcome o = attempt([&] {
      EXPECT_EQ(objects<Student>().filter(lookup, std::string("\0", 1)).count(), 0) << lookup;
    });
    if (holds) {
      EXPECT_FALSE(o.quarry_error) << lookup << ": " << o.message;
    } else {
      EXPECT_TRUE(o.quarry_error) << lookup;
      EXPECT_NE(o.message.find(lookup), std::string::npos) << o.message;
      EXPECT_EQ(o.statements, 0u) << lookup;
    }
  }
}

TEST_F(HostileInput, InvalidUtf8IsRefusedOnEveryBackendBeforeItIsSent) {
  for (const std::string bad :
       {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "abc\xe2\x82"}) {
    const Outcome create = attempt([&] { objects<Student>().create({{"name", bad}}); });
    EXPECT_TRUE(create.quarry_error);
    EXPECT_NE(create.message.find("invalid UTF-8"), std::string::npos) << create.message;
    EXPECT_NE(create.message.find("name"), std::string::npos) << create.message;
    EXPECT_EQ(create.statements, 0u);
    EXPECT_THROW(objects<Student>().create({{"name", bad}}), DataError);
    const Outcome filter = attempt([&] { objects<Student>().filter("name", bad).count(); });
    EXPECT_TRUE(filter.quarry_error);
    EXPECT_EQ(filter.statements, 0u);
    const Outcome pattern =
        attempt([&] { objects<Student>().filter("name__icontains", bad).count(); });
    EXPECT_TRUE(pattern.quarry_error);
    EXPECT_EQ(pattern.statements, 0u);
    const Outcome update = attempt([&] { objects<Student>().update({{"name", bad}}); });
    EXPECT_TRUE(update.quarry_error);
    EXPECT_EQ(update.statements, 0u);
    Student s;
    s.name = bad;
    std::vector<Student> rows{s};
    const Outcome bulk = attempt([&] { objects<Student>().bulk_create(rows); });
    EXPECT_TRUE(bulk.quarry_error) << bulk.message;
    EXPECT_EQ(bulk.statements, 0u);
  }
  EXPECT_EQ(objects<Student>().count(), static_cast<int64_t>(rows_.size()));
}

// One rule for floats on every backend: NaN and the infinities are refused (SQLite
// would store NULL, MariaDB refuses, PostgreSQL stores them).
TEST_F(HostileInput, FloatsThatAreNotNumbersAreRefusedEverywhere) {
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    Student s;
    s.name = "nan";
    s.gpa = bad;
    std::vector<Student> rows{s};
    const Outcome o = attempt([&] { objects<Student>().bulk_create(rows); });
    EXPECT_TRUE(o.quarry_error) << o.message;
    EXPECT_NE(o.message.find("finite"), std::string::npos) << o.message;
    EXPECT_EQ(o.statements, 0u);
    EXPECT_THROW(objects<Student>().filter("gpa__gt", bad).count(), DataError);
  }
  EXPECT_EQ(objects<Student>().filter("name", "nan").count(), 0);
}

// ---- 4. slices never wrap ---------------------------------------------------------------

TEST_F(HostileInput, SliceArithmeticSaturatesAndNeverSendsANegativeOffset) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const auto all = objects<Student>().order_by({"name"});
  const int64_t n = static_cast<int64_t>(rows_.size());
  EXPECT_EQ(all.slice(1).slice(kMax).size(), 0u);
  EXPECT_EQ(all.slice(3).slice(0, kMax).size(), static_cast<std::size_t>(n - 3));
  EXPECT_EQ(all.slice(kMax).slice(kMax, kMax).size(), 0u);
  EXPECT_EQ(all.slice(2, kMax).slice(1, kMax).size(), static_cast<std::size_t>(n - 3));
  EXPECT_THROW(all[static_cast<std::size_t>(kMax)], std::out_of_range);
  EXPECT_THROW(all[std::numeric_limits<std::size_t>::max()], std::out_of_range);
  QueryCapture capture;
  (void)all.slice(1).slice(kMax).size();
  ASSERT_EQ(capture.count(), 1u);
  for (const auto& p : capture.queries()[0].params) EXPECT_NE(p.front(), '-') << p;
}

// ---- 5. one alias rule -------------------------------------------------------------------

TEST_F(HostileInput, AggregateAliasesFollowTheAnnotationRule) {
  for (const std::string& alias : std::vector<std::string>{"", "x\" FROM student; --", "a b",
                                                           "\xff", "1x", std::string(64, 'a')}) {
    const Outcome o = attempt([&] { objects<Student>().aggregate({{alias, Count("id")}}); });
    EXPECT_TRUE(o.quarry_error) << "'" << alias << "'";
    EXPECT_NE(o.message.find("not a valid aggregate name"), std::string::npos) << o.message;
    EXPECT_EQ(o.statements, 0u);
    EXPECT_THROW(objects<Student>().annotate(alias, Count("id")), ValueError);
  }
  EXPECT_THROW(objects<Student>().aggregate({{"n", Count("id")}, {"n", Max("gpa")}}), ValueError);
  EXPECT_EQ(objects<Student>().aggregate(Count("id")).get<int64_t>("id__count"),
            static_cast<int64_t>(rows_.size()));
  EXPECT_EQ(objects<Student>().aggregate({{std::string(63, 'a'), Count("id")}}).size(), 1u);
}

// ---- 6. the log shows every statement sent ----------------------------------------------

TEST_F(HostileInput, TheLogRecordsStatementsTheServerRefusesWhilePreparing) {
  auto conn = db().acquire();
  QueryCapture capture;
  EXPECT_THROW(conn->query("SELECT no_such_column FROM student"), ProgrammingError);
  EXPECT_THROW(conn->query("SELECT FROM WHERE"), ProgrammingError);
  ASSERT_EQ(capture.count(), 2u);
  EXPECT_EQ(capture.queries()[0].sql, "SELECT no_such_column FROM student");
  EXPECT_FALSE(capture.queries()[0].error.empty());
  EXPECT_FALSE(capture.queries()[1].error.empty());
  conn->query("SELECT 1");
  ASSERT_EQ(capture.count(), 3u);
  EXPECT_TRUE(capture.queries()[2].error.empty());
}

// ---- 7. what the server would refuse, quarry refuses first --------------------------------

TEST_F(HostileInput, ExpressionsMixingNumbersAndTextAreFieldErrorsBeforeAnySql) {
  const auto qs = objects<Student>();
  const std::vector<std::pair<std::string, std::function<void()>>> calls = {
      {"SUM",
       [&] {
         qs.aggregate({{"x", Sum("name")}});
       }},
      {"AVG",
       [&] {
         qs.aggregate({{"x", Avg("course")}});
       }},
      {"STDDEV", [&] { qs.annotate("x", StdDev("enrolled_on")).count(); }},
      {"marks", [&] { qs.filter("marks", F("name")).count(); }},
      {"gpa__gt", [&] { qs.filter("gpa__gt", F("last_seen")).count(); }},
      {"Coalesce",
       [&] {
         (void)qs.annotate("x", Coalesce({"marks", "name"})).values({"x"}).first();
       }},
      {"Greatest",
       [&] {
         (void)qs.annotate("x", Greatest({"gpa", "enrolled_on"})).values({"x"}).first();
       }},
  };
  for (const auto& [what, call] : calls) {
    const Outcome o = attempt(call);
    EXPECT_TRUE(o.quarry_error) << what << ": " << o.message;
    EXPECT_NE(o.message.find(what), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("mixes a"), std::string::npos) << o.message;
    EXPECT_EQ(o.statements, 0u) << what;
  }
  // What every backend relates still runs: numbers of different kinds, text with text,
  // MIN and MAX of text.
  EXPECT_EQ(qs.filter("gpa__gte", F("marks")).count(), static_cast<int64_t>(rows_.size()));
  EXPECT_EQ(qs.filter("name", F("name")).count(), static_cast<int64_t>(rows_.size()));
  EXPECT_EQ(qs.aggregate({{"m", Max("name")}}).get<std::string>("m"), "Eve");
  EXPECT_EQ(qs.annotate("x", Coalesce({"nickname", "name"})).count(),
            static_cast<int64_t>(rows_.size()));
}

// A CTE's "pk" is its first column, called in the SQL by that column's own name.
TEST_F(HostileInput, ACteColumnNamedPkIsItsFirstColumn) {
  if (!require_feature("supports_cte")) return;
  const With cte(objects<Student>()
                     .filter("name__in", std::vector<std::string>{"Ann", "Bob"})
                     .values({"id", "name"}),
                 "picked");
  EXPECT_EQ(cte.queryset().filter("pk__gt", 0).count(), 2);
  EXPECT_EQ(cte.queryset().annotate("key", cte.col("pk")).values({"key"}).count(), 2);
  EXPECT_EQ(cte.join(objects<Student>(), "id", "pk").count(), 2);
}

// ---- the corpus through every name-taking entry point -----------------------------------

TEST_F(HostileInput, EveryNameTakingEntryPointRefusesTheCorpusBeforeAnySql) {
  const auto qs = objects<Student>();
  const With cte(objects<Student>().values({"id", "name"}), "names");
  // Each entry returns true only where the name it was given is one it creates (an
  // alias) and that name came back as the key of the row read.
  const auto key_is = [](const Record& r, const std::string& n) {
    return r.size() >= 1 && r.contains(n);
  };
  using Entry = std::function<bool(const std::string&)>;
  const auto no = [](const std::function<void(const std::string&)>& f) {
    return Entry([f](const std::string& n) {
      f(n);
      return false;
    });
  };
  const std::vector<std::pair<std::string, Entry>> entries = {
      {"filter", no([&](const std::string& n) { qs.filter(n, 1).count(); })},
      {"exclude", no([&](const std::string& n) { qs.exclude(n, 1).count(); })},
      {"Q", no([&](const std::string& n) { qs.filter(Q("name", "x") | Q(n, 1)).count(); })},
      {"get", no([&](const std::string& n) { qs.get(n, 1); })},
      {"F", no([&](const std::string& n) { qs.filter("marks__gt", F(n)).count(); })},
      {"order_by", no([&](const std::string& n) {
         if (n == "?") throw ValueError("'?' is Django's random order: a valid name");
         qs.order_by({n}).count();
       })},
      {"order_by desc", no([&](const std::string& n) { qs.order_by({"-" + n}).count(); })},
      {"values", no([&](const std::string& n) { qs.values({n}).count(); })},
      {"values_list", no([&](const std::string& n) { qs.values_list<std::string>(n).count(); })},
      {"annotate",
       [&](const std::string& n) {
         return key_is(qs.annotate(n, Value(1)).values({n}).first().value(), n);
       }},
      {"annotate expr", no([&](const std::string& n) { qs.annotate("x", F(n) + 1).count(); })},
      {"aggregate",
       [&](const std::string& n) {
         return key_is(qs.aggregate({{n, Count("id")}}), n);
       }},
      {"aggregate over", no([&](const std::string& n) {
         qs.aggregate({{"x", Sum(n)}});
       })},
      {"Count filter", no([&](const std::string& n) {
         qs.aggregate({{"x", Count("id", {.filter = Q(n, 1)})}});
       })},
      {"update", no([&](const std::string& n) {
         qs.update({{n, 1}});
       })},
      {"select_related", no([&](const std::string& n) { qs.select_related(n).count(); })},
      {"prefetch_related", no([&](const std::string& n) { qs.prefetch_related(n).list(); })},
      {"only", no([&](const std::string& n) { Product::objects().only({n}).count(); })},
      {"defer", no([&](const std::string& n) { Product::objects().defer({n}).count(); })},
      {"Extract part",
       no([&](const std::string& n) { qs.annotate("x", Extract("enrolled_on", n)).count(); })},
      {"Trunc kind",
       no([&](const std::string& n) { qs.annotate("x", Trunc("last_seen", n)).count(); })},
      {"lookup transform",
       no([&](const std::string& n) { qs.filter("enrolled_on__" + n, 1).count(); })},
      {"explain format", no([&](const std::string& n) {
         if (n.empty()) throw ValueError("no format is the backend's default: a valid choice");
         qs.explain({.format = n});
       })},
      {"explain option", no([&](const std::string& n) {
         qs.explain({.options = {{n, true}}});
       })},
      {"CTE name",
       [&](const std::string& n) {
         const With named(objects<Student>().values({"id"}), n);
         return named.name() == n && named.queryset().count() == 5;
       }},
      {"CTE column", no([&](const std::string& n) { cte.queryset().filter(n, 1).count(); })},
      {"CTE col",
       no([&](const std::string& n) { cte.queryset().annotate("x", cte.col(n)).count(); })},
      {"CTE join field", no([&](const std::string& n) { cte.join(qs, n, "id").count(); })},
      {"CTE join column", no([&](const std::string& n) { cte.join(qs, "id", n).count(); })},
      {"get_or_create", no([&](const std::string& n) {
         qs.get_or_create({{n, 1}});
       })},
      {"create", no([&](const std::string& n) {
         qs.create({{n, 1}});
       })},
  };
  for (const auto& [entry, call] : entries) {
    for (const std::string& name : hostile_names()) {
      refused_or_round_trip(entry, name, [&] { return call(name); });
    }
  }
  EXPECT_EQ(objects<Student>().count(), static_cast<int64_t>(rows_.size()));
}

TEST_F(HostileInput, HostileValuesRoundTripByteForByte) {
  for (const std::string& v : hostile_values()) {
    Student s = objects<Student>().create({{"name", v}, {"course", v}});
    const Student back = objects<Student>().get("pk", s.id);
    EXPECT_EQ(back.name, v);
    EXPECT_EQ(back.course, v);
    EXPECT_EQ(objects<Student>().filter("name", v).count(), 1) << v;
    EXPECT_GE(objects<Student>().filter("name__contains", v).count(), 1) << v;
    EXPECT_EQ(objects<Student>().filter("name__in", std::vector<std::string>{v}).count(), 1) << v;
    EXPECT_EQ(objects<Student>().filter("pk", s.id).update({{"nickname", v}}), 1);
    EXPECT_EQ(objects<Student>().get("pk", s.id).nickname, v);
    objects<Student>().filter("pk", s.id).remove();
  }
  EXPECT_EQ(objects<Student>().count(), static_cast<int64_t>(rows_.size()));
}

}  // namespace
}  // namespace quarry::test
