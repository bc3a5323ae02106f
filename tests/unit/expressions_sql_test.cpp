// The SQL of aggregates, database functions, subqueries, Exists and window functions on
// each dialect, with no server; and the names they check before any SQL exists.
#include <gtest/gtest.h>

#include "orm/compiler.hpp"
#include "seed/models.hpp"
#include "support/errors.hpp"
#include "support/sql_fixture.hpp"

using namespace seed;

namespace {

using ExprSql = quarry::test::SqlTest;
using quarry::test::error_of;

// The SELECT list of a queryset: what sits between SELECT and its FROM (not a subquery's).
template <class QS>
std::string selected(const QS& qs, const char* alias) {
  const std::string s = qs.using_(alias).sql().sql;
  int depth = 0;
  for (std::size_t i = 7; i < s.size(); ++i) {
    depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
    if (depth == 0 && s.compare(i, 6, " FROM ") == 0) return s.substr(7, i - 7);
  }
  return s;
}

TEST_F(ExprSql, StdDevVarianceAndDefault) {
  const auto qs = objects<Student>().values({"course"});
  EXPECT_EQ(selected(qs.annotate({{"sd", StdDev("gpa")}, {"v", Variance("gpa", {.sample = true})}}),
                     "pg"),
            "\"student\".\"course\", STDDEV_POP(\"student\".\"gpa\") AS \"sd\", "
            "VAR_SAMP(\"student\".\"gpa\") AS \"v\"");
  // SQLite has neither: the plugin registers both under the standard names.
  EXPECT_EQ(selected(qs.annotate("sd", StdDev("gpa", {.sample = true})), "lite"),
            "\"student\".\"course\", STDDEV_SAMP(\"student\".\"gpa\") AS \"sd\"");
  // default= is COALESCE around the aggregate, its value bound.
  const auto d = qs.annotate("total", Sum("marks", {.default_value = 0}));
  EXPECT_EQ(selected(d, "my"),
            "`student`.`course`, COALESCE(SUM(`student`.`marks`), ?) AS `total`");
  EXPECT_EQ(params(d, "my"), std::vector<Value>{int64_t{0}});
  // SQLite binds decimals as text, to keep their digits: inside an expression they are
  // made numbers again, or COALESCE(SUM(x), '0') would sort as text.
  EXPECT_EQ(
      selected(objects<Order>()
                   .values({"status"})
                   .annotate("total", Sum("amount", {.default_value = Decimal("0")})),
               "lite"),
      "\"shop_order\".\"status\", COALESCE(SUM(\"shop_order\".\"amount\"), CAST(? AS NUMERIC)) "
      "AS \"total\"");
  EXPECT_EQ(detail::default_alias(StdDev("gpa")), "gpa__stddev");
  EXPECT_EQ(detail::default_alias(Sum("marks", {.default_value = 0})), "marks__sum");
  EXPECT_THROW(Count("id", {.default_value = 0}), ValueError);
  // none() runs nothing, and gives each aggregate its default.
  const Record none = objects<Student>().none().aggregate(
      {{"n", Count("id")}, {"s", Sum("marks", {.default_value = 0})}, {"m", Max("marks")}});
  EXPECT_EQ(none.get<int64_t>("n"), 0);
  EXPECT_EQ(none.get<int64_t>("s"), 0);
  EXPECT_TRUE(none["m"].is_null());
  EXPECT_EQ(detail::default_alias(Variance("gpa", {.sample = true})), "gpa__variance");
}

// SQLite binds decimals as text; compared with an expression (no column affinity) a
// text is never a number, so every comparison with a Decimal is CAST(? AS NUMERIC)
// there, as Django's SQLite backend compares numbers. The servers bind a typed decimal.
// The statement from its WHERE or HAVING on.
template <class QS>
std::string where_of(const QS& qs, const char* alias) {
  const std::string s = qs.using_(alias).sql().sql;
  const std::size_t at = std::min(s.find(" WHERE "), s.find(" HAVING "));
  return at == std::string::npos ? s : s.substr(at + 1);
}

TEST_F(ExprSql, DecimalsAreComparedAsNumbersOnSqlite) {
  const Decimal big("6000");
  const auto totals = objects<Customer>().order_by({}).annotate("total", Sum("orders__amount"));
  // HAVING on an aggregate.
  EXPECT_EQ(where_of(totals.filter("total__gt", big), "lite"),
            "HAVING SUM(\"shop_order\".\"amount\") > CAST(? AS NUMERIC)");
  EXPECT_EQ(where_of(totals.filter("total__gt", big), "pg"),
            "HAVING SUM(\"shop_order\".\"amount\") > $1::numeric");
  // in and range.
  EXPECT_EQ(where_of(totals.filter("total__in", std::vector<Value>{big, Decimal("1")}), "lite"),
            "HAVING SUM(\"shop_order\".\"amount\") IN (CAST(? AS NUMERIC), CAST(? AS NUMERIC))");
  EXPECT_EQ(where_of(totals.filter("total__range", std::vector<Value>{Decimal("1"), big}), "lite"),
            "HAVING SUM(\"shop_order\".\"amount\") BETWEEN CAST(? AS NUMERIC) AND CAST(? AS "
            "NUMERIC)");
  // A filter on F() arithmetic, a column and a Case/When condition.
  const auto doubled = Order::objects().order_by({}).annotate("twice", F("amount") * 2);
  EXPECT_EQ(where_of(doubled.filter("twice__gte", Decimal("10.5")), "lite"),
            "WHERE (\"shop_order\".\"amount\" * ?) >= CAST(? AS NUMERIC)");
  EXPECT_EQ(where_of(Order::objects().order_by({}).filter("amount__lt", Decimal("10.5")), "lite"),
            "WHERE \"shop_order\".\"amount\" < CAST(? AS NUMERIC)");
  const std::string with_case =
      selected(Order::objects().annotate(
                   "big", Case({When("amount__gte", Decimal("500"), Value(1))}, Value(0))),
               "lite");
  EXPECT_NE(with_case.find("CASE WHEN \"shop_order\".\"amount\" >= CAST(? AS NUMERIC) THEN ? "
                           "ELSE ? END AS \"big\""),
            std::string::npos)
      << with_case;
}

TEST_F(ExprSql, TextAndNumberFunctionsPerDialect) {
  const auto qs = objects<Student>().values({"id"}).annotate(
      {{"s", Substr("name", 2, 3)}, {"r", Round("gpa", 1)}, {"a", Abs(F("marks") - 50)}});
  EXPECT_EQ(selected(qs, "pg"),
            "\"student\".\"id\", SUBSTR(\"student\".\"name\", CAST($1::bigint AS integer), "
            "CAST($2::bigint AS integer)) AS \"s\", ROUND(CAST(\"student\".\"gpa\" AS numeric), "
            "CAST($3::bigint AS integer)) AS \"r\", ABS((\"student\".\"marks\" - $4::bigint)) AS "
            "\"a\"");
  // MariaDB takes no parameter in some of these places (LAG's offset): integers that are
  // C++ ints, never text, are written as digits there.
  EXPECT_EQ(selected(qs, "my"),
            "`student`.`id`, SUBSTR(`student`.`name`, 2, 3) AS `s`, ROUND(`student`.`gpa`, 1) AS "
            "`r`, ABS((`student`.`marks` - ?)) AS `a`");
  EXPECT_EQ(params(qs, "my"), std::vector<Value>{int64_t{50}});
  EXPECT_EQ(
      selected(objects<Student>().values({"id"}).annotate(
                   {{"s", Substr("name", 2)}, {"r", Round("gpa")}}),
               "lite"),
      "\"student\".\"id\", SUBSTR(\"student\".\"name\", ?) AS \"s\", ROUND(\"student\".\"gpa\") "
      "AS \"r\"");
  // Strings name fields, as in Django; literal text is Value().
  EXPECT_EQ(selected(objects<Student>().values({"id"}).annotate(
                         "label", Concat({"name", Value(" / "), Coalesce({"nickname", "course"})})),
                     "my"),
            "`student`.`id`, CONCAT_WS('', `student`.`name`, CONCAT_WS('', ?, "
            "COALESCE(`student`.`nickname`, `student`.`course`))) AS `label`");
  EXPECT_EQ(
      selected(
          objects<Student>().values({"id"}).annotate({{"hi", Greatest({"marks", "extra_credit"})},
                                                      {"lo", Least({"marks", "extra_credit"})}}),
          "lite"),
      "\"student\".\"id\", MAX(\"student\".\"marks\", \"student\".\"extra_credit\") AS \"hi\", "
      "MIN(\"student\".\"marks\", \"student\".\"extra_credit\") AS \"lo\"");
  EXPECT_THROW(Concat({"name"}), ProgrammingError);
  EXPECT_THROW(Substr("name", 0), ValueError);
  // A misspelt field in a function fails when the queryset is made, with the choices.
  EXPECT_THROW(objects<Student>().annotate("x", Lower("nmae")), FieldError);
}

TEST_F(ExprSql, CastUsesEachBackendsTypeNames) {
  const auto qs =
      objects<Student>().values({"id"}).annotate({{"i", Cast("gpa", IntegerField())},
                                                  {"c", Cast("marks", CharField(10))},
                                                  {"d", Cast("last_seen", DateTimeField())},
                                                  {"f", Cast("marks", FloatField())}});
  EXPECT_EQ(
      selected(qs, "pg"),
      "\"student\".\"id\", CAST(\"student\".\"gpa\" AS integer) AS \"i\", "
      "CAST(\"student\".\"marks\" AS varchar(10)) AS \"c\", CAST(\"student\".\"last_seen\" AS "
      "timestamp with time zone) AS \"d\", CAST(\"student\".\"marks\" AS double precision) AS "
      "\"f\"");
  EXPECT_EQ(
      selected(qs, "my"),
      "`student`.`id`, CAST(`student`.`gpa` AS signed integer) AS `i`, CAST(`student`.`marks` "
      "AS char(10)) AS `c`, CAST(`student`.`last_seen` AS datetime(6)) AS `d`, "
      "CAST(`student`.`marks` AS double) AS `f`");
  // SQLite keeps dates as ISO text; a cast to "datetime" would make them numbers.
  EXPECT_EQ(
      selected(qs, "lite"),
      "\"student\".\"id\", CAST(\"student\".\"gpa\" AS integer) AS \"i\", "
      "CAST(\"student\".\"marks\" AS varchar(10)) AS \"c\", CAST(\"student\".\"last_seen\" AS "
      "text) AS \"d\", CAST(\"student\".\"marks\" AS real) AS \"f\"");
}

TEST_F(ExprSql, ExtractAndTruncPerDialect) {
  const auto qs =
      objects<Student>().values({"id"}).annotate({{"q", Extract("last_seen", "quarter")},
                                                  {"m", Trunc("last_seen", "month")},
                                                  {"w", Trunc("enrolled_on", "week")}});
  EXPECT_EQ(selected(qs, "pg"),
            "\"student\".\"id\", EXTRACT(QUARTER FROM \"student\".\"last_seen\") AS \"q\", "
            "DATE_TRUNC('month', \"student\".\"last_seen\") AS \"m\", CAST(DATE_TRUNC('week', "
            "\"student\".\"enrolled_on\") AS DATE) AS \"w\"");
  EXPECT_EQ(selected(qs, "my"),
            "`student`.`id`, EXTRACT(QUARTER FROM `student`.`last_seen`) AS `q`, "
            "CAST(DATE_FORMAT(`student`.`last_seen`, '%Y-%m-01 00:00:00') AS DATETIME(6)) AS `m`, "
            "DATE(CAST(DATE_FORMAT(DATE_SUB(`student`.`enrolled_on`, INTERVAL "
            "WEEKDAY(`student`.`enrolled_on`) DAY), '%Y-%m-%d 00:00:00') AS DATETIME(6))) AS `w`");
  EXPECT_EQ(
      selected(objects<Student>().values({"id"}).annotate(
                   {{"y", Extract("enrolled_on", "iso_year")}, {"m", Trunc("last_seen", "month")}}),
               "lite"),
      "\"student\".\"id\", CAST(strftime('%Y', date(\"student\".\"enrolled_on\", '-3 days', "
      "'weekday 4')) AS INTEGER) AS \"y\", strftime('%Y-%m-01 00:00:00', "
      "\"student\".\"last_seen\") AS \"m\"");
  // The new parts are lookups too, as in Django.
  EXPECT_EQ(where(objects<Student>().order_by({}).filter("enrolled_on__week", 12), "my"),
            "WHERE WEEK(`student`.`enrolled_on`, 3) = ?");
}

TEST_F(ExprSql, DatePartsAreCheckedBeforeAnySql) {
  EXPECT_PRED_FORMAT2(::testing::IsSubstring,
                      "'yeer' is not a date part; choices are: year, iso_year",
                      error_of<ValueError>([] { Extract("last_seen", "yeer"); }));
  EXPECT_THROW(Trunc("last_seen", "week_day"), ValueError);
  EXPECT_THROW(Trunc("last_seen", "1'); DROP TABLE student; --"), ValueError);
  // A time part of a date, and a date part of text, fail when compiled, naming both.
  EXPECT_THROW(on(objects<Student>().annotate("h", Extract("enrolled_on", "hour")), "pg"),
               ValueError);
  EXPECT_THROW(on(objects<Student>().annotate("h", Trunc("name", "day")), "pg"), ValueError);
}

TEST_F(ExprSql, SubqueryWithOuterRef) {
  // The seed's advanced section 1: each customer's latest order amount.
  const auto latest = objects<Order>()
                          .filter("customer", OuterRef("pk"))
                          .order_by({"-created_at"})
                          .values({"amount"})
                          .limit(1);
  const auto qs = objects<Customer>().order_by({}).annotate("latest", Subquery(latest));
  EXPECT_EQ(selected(qs, "pg"),
            "\"customer\".\"id\", \"customer\".\"name\", \"customer\".\"email\", (SELECT "
            "\"U0\".\"amount\" FROM \"shop_order\" \"U0\" WHERE \"U0\".\"customer_id\" = "
            "\"customer\".\"id\" ORDER BY \"U0\".\"created_at\" DESC LIMIT $1::bigint) AS "
            "\"latest\"");
  // In a filter: orders above their customer's average.
  const auto avg = objects<Order>()
                       .filter("customer", OuterRef("customer"))
                       .values({"customer"})
                       .annotate("avg", Avg("amount"))
                       .values({"avg"});
  EXPECT_EQ(
      where(objects<Order>().order_by({}).filter("amount__gt", Subquery(avg)), "my"),
      "WHERE `shop_order`.`amount` > (SELECT AVG(`U0`.`amount`) AS `avg` FROM `shop_order` "
      "`U0` WHERE `U0`.`customer_id` = `shop_order`.`customer_id` GROUP BY `U0`.`customer_id`)");
}

TEST_F(ExprSql, NestedOuterRefReachesTheQueryTwoLevelsOut) {
  // Classrooms with a student who has an assignment titled as the classroom is named.
  const auto assignments = objects<Assignment>().filter(
      {{"student", OuterRef("pk")}, {"title", OuterRef(OuterRef("name"))}});
  const auto students =
      objects<Student>().filter("classroom", OuterRef("pk")).filter(Exists(assignments));
  const auto qs = objects<Classroom>().order_by({}).filter(Exists(students));
  EXPECT_EQ(
      where(qs, "pg"),
      "WHERE EXISTS (SELECT 1 AS \"a\" FROM \"student\" \"U0\" WHERE \"U0\".\"classroom_id\" = "
      "\"classroom\".\"id\" AND EXISTS (SELECT 1 AS \"a\" FROM \"assignment\" \"U1\" WHERE "
      "(\"U1\".\"student_id\" = \"U0\".\"id\" AND \"U1\".\"title\" = \"classroom\".\"name\") "
      "LIMIT $1::bigint) LIMIT $2::bigint)");
}

TEST_F(ExprSql, ExistsInAnnotateAndFilterAndNegated) {
  // The seed's advanced section 2.
  const auto orders = objects<Order>().filter("customer", OuterRef("pk"));
  EXPECT_EQ(selected(objects<Customer>().order_by({}).values({"name"}).annotate("has_orders",
                                                                                Exists(orders)),
                     "lite"),
            "\"customer\".\"name\", EXISTS (SELECT 1 AS \"a\" FROM \"shop_order\" \"U0\" WHERE "
            "\"U0\".\"customer_id\" = \"customer\".\"id\" LIMIT ?) AS \"has_orders\"");
  EXPECT_EQ(where(objects<Customer>().order_by({}).filter(~Exists(orders)), "my"),
            "WHERE NOT (EXISTS (SELECT 1 AS `a` FROM `shop_order` `U0` WHERE `U0`.`customer_id` = "
            "`customer`.`id` LIMIT ?))");
  EXPECT_EQ(where(objects<Customer>().order_by({}).exclude(Exists(orders)), "lite"),
            "WHERE NOT (EXISTS (SELECT 1 AS \"a\" FROM \"shop_order\" \"U0\" WHERE "
            "\"U0\".\"customer_id\" = \"customer\".\"id\" LIMIT ?))");
  // Combined with lookups in a Q.
  EXPECT_EQ(
      where(objects<Customer>().order_by({}).filter(Q(Exists(orders)) | Q("name", "Ann")), "pg"),
      "WHERE (EXISTS (SELECT 1 AS \"a\" FROM \"shop_order\" \"U0\" WHERE "
      "\"U0\".\"customer_id\" = \"customer\".\"id\" LIMIT $1::bigint) OR "
      "\"customer\".\"name\" = $2::text)");
  // OuterRef outside a subquery, and a misspelt outer name, are errors naming them.
  EXPECT_THROW(on(objects<Order>().filter("customer", OuterRef("pk")), "pg"), ProgrammingError);
  EXPECT_THROW(objects<Customer>().annotate(
                   "x", Exists(objects<Order>().filter("customer", OuterRef("nmae")))),
               FieldError);
  EXPECT_THROW(Q(Expr(1)), ProgrammingError);
}

TEST_F(ExprSql, ExistsOfAGroupedOrSlicedQuerysetKeepsAllOfIt) {
  // Customers with two orders or more: the GROUP BY and HAVING decide.
  const auto two = objects<Order>()
                       .filter("customer", OuterRef("pk"))
                       .values({"customer"})
                       .annotate("n", Count("id"))
                       .filter("n__gte", 2);
  EXPECT_EQ(where(objects<Customer>().order_by({}).filter(Exists(two)), "pg"),
            "WHERE EXISTS (SELECT \"U0\".\"customer_id\", COUNT(\"U0\".\"id\") AS \"n\" FROM "
            "\"shop_order\" \"U0\" WHERE \"U0\".\"customer_id\" = \"customer\".\"id\" GROUP BY 1 "
            "HAVING COUNT(\"U0\".\"id\") >= $1::bigint)");
  // An expression of an OuterRef whose kind must be known first (Extract checks it).
  const auto same_year =
      objects<Order>().filter("created_at__year", Extract(OuterRef("created_at"), "year"));
  EXPECT_EQ(where(objects<Order>().order_by({}).filter(Exists(same_year)), "my"),
            "WHERE EXISTS (SELECT 1 AS `a` FROM `shop_order` `U0` WHERE EXTRACT(YEAR FROM "
            "`U0`.`created_at`) = EXTRACT(YEAR FROM `shop_order`.`created_at`) LIMIT ?)");
  // A window on the right of a lookup cannot be in WHERE either.
  EXPECT_THROW(on(objects<Student>().filter("gpa__gt", Window(Avg("gpa"))), "pg"),
               NotSupportedError);
}

TEST_F(ExprSql, WindowFunctionsWithPartitionOrderAndFrames) {
  const auto rn = objects<Student>().values({"name"}).annotate(
      "n", Window(RowNumber(), {.partition_by = {"course"}, .order_by = {"-gpa"}}));
  EXPECT_EQ(selected(rn, "pg"),
            "\"student\".\"name\", ROW_NUMBER() OVER (PARTITION BY \"student\".\"course\" ORDER BY "
            "\"student\".\"gpa\" DESC) AS \"n\"");
  // A running total: any aggregate over a window, with a frame.
  const auto running = objects<Order>().values({"id"}).annotate(
      "running", Window(Sum("amount"),
                        {.order_by = {"created_at", "id"}, .frame = RowRange(std::nullopt, 0)}));
  EXPECT_EQ(
      selected(running, "my"),
      "`shop_order`.`id`, SUM(`shop_order`.`amount`) OVER (ORDER BY `shop_order`.`created_at` "
      "ASC, `shop_order`.`id` ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "
      "`running`");
  EXPECT_EQ(
      selected(objects<Order>().values({"id"}).annotate(
                   "avg3", Window(Avg("amount"), {.order_by = {"id"}, .frame = RowRange(-1, 1)})),
               "lite"),
      "\"shop_order\".\"id\", AVG(\"shop_order\".\"amount\") OVER (ORDER BY "
      "\"shop_order\".\"id\" ASC ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS \"avg3\"");
  EXPECT_EQ(selected(objects<Student>().values({"id"}).annotate(
                         {{"prev", Window(Lag("gpa", 1, Value(0.0)), {.order_by = {"id"}})},
                          {"q", Window(Ntile(4), {.order_by = {"gpa"}})},
                          {"best", Window(FirstValue("name"),
                                          {.partition_by = {"course"},
                                           .order_by = {"-gpa"},
                                           .frame = ValueRange(std::nullopt, std::nullopt)})}}),
                     "pg"),
            "\"student\".\"id\", LAG(\"student\".\"gpa\", CAST($1::bigint AS integer), "
            "$2::double precision) OVER (ORDER BY \"student\".\"id\" ASC) AS \"prev\", "
            "NTILE(CAST($3::bigint AS integer)) OVER (ORDER BY \"student\".\"gpa\" ASC) AS \"q\", "
            "FIRST_VALUE(\"student\".\"name\") OVER (PARTITION BY \"student\".\"course\" ORDER BY "
            "\"student\".\"gpa\" DESC RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) "
            "AS \"best\"");
}

TEST_F(ExprSql, TheSeedsRankOfCustomersByTotalAmount) {
  // The seed's advanced section 3: an aggregate over a relation, and a window over it.
  const auto qs =
      objects<Customer>()
          .annotate({{"total_amount", Sum("orders__amount")},
                     {"rank", Window(Rank(), {.order_by = {F("total_amount").desc()}})}})
          .order_by({"rank"});
  EXPECT_EQ(
      on(qs, "pg"),
      "SELECT \"customer\".\"id\", \"customer\".\"name\", \"customer\".\"email\", "
      "SUM(\"shop_order\".\"amount\") AS \"total_amount\", RANK() OVER (ORDER BY "
      "SUM(\"shop_order\".\"amount\") DESC) AS \"rank\" FROM \"customer\" LEFT OUTER JOIN "
      "\"shop_order\" ON (\"customer\".\"id\" = \"shop_order\".\"customer_id\") GROUP BY 1, 2, "
      "3 ORDER BY \"rank\" ASC");
}

TEST_F(ExprSql, WindowMisuseIsRefused) {
  // A ranking function alone, or a plain value in a Window.
  EXPECT_THROW(objects<Student>().annotate("r", Rank()), ProgrammingError);
  EXPECT_THROW(Window(F("gpa")), ProgrammingError);
  EXPECT_THROW(Window(Rank(), {.frame = RowRange(2, -2)}), ValueError);
  EXPECT_THROW(Ntile(0), ValueError);
  // Filtering on a window is refused with the way out.
  const auto qs = objects<Student>().annotate("n", Window(RowNumber(), {.order_by = {"id"}}));
  EXPECT_THROW(on(qs.filter("n__lte", 2), "pg"), NotSupportedError);
  // A server without window functions: the error names the feature and the server.
  EXPECT_PRED_FORMAT2(::testing::IsSubstring,
                      "window functions (OVER) are not supported by mysql 10.1.48-MariaDB",
                      error_of<NotSupportedError>([&] { on(qs, "old_maria"); }));
}

TEST_F(ExprSql, WindowsAreNeverGroupedAndAggregateOverThemWraps) {
  // Grouped by the values, never by the window (which no backend allows).
  const auto grouped = objects<Student>()
                           .order_by({})
                           .values({"course"})
                           .annotate({{"n", Count("id")},
                                      {"r", Window(Rank(), {.order_by = {Count("id").desc()}})}});
  EXPECT_EQ(on(grouped, "pg"),
            "SELECT \"student\".\"course\", COUNT(\"student\".\"id\") AS \"n\", RANK() OVER (ORDER "
            "BY COUNT(\"student\".\"id\") DESC) AS \"r\" FROM \"student\" GROUP BY 1");
  // aggregate() over a queryset with a window reads it as a subquery.
  const auto qs = objects<Student>().annotate("n", Window(RowNumber(), {.order_by = {"id"}}));
  const auto agg = detail::compile_aggregate(qs.query(), dialect("lite"), {{"m", Max("n")}});
  EXPECT_TRUE(agg.sql.starts_with("SELECT MAX(\"subquery\".\"n\") AS \"m\" FROM (SELECT "))
      << agg.sql;
}

TEST_F(ExprSql, ExplainOptionsAreCheckedAgainstTheBackendsList) {
  const auto qs = objects<Order>().filter("amount__gt", 100);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring,
                      "'ANALYSE' is not an option of postgres 15.4; it takes ANALYZE, VERBOSE",
                      error_of<ValueError>([&] {
                        qs.using_("pg").explain({.options = {{"ANALYSE", true}}});
                      }));
  EXPECT_THROW(qs.using_("my").explain({.format = "YAML"}), ValueError);
  EXPECT_THROW(qs.using_("lite").explain({.format = "JSON"}), ValueError);
  EXPECT_THROW(qs.using_("lite").explain({.options = {{"analyze", true}}}), ValueError);
}

}  // namespace

namespace {

using CteSql = quarry::test::SqlTest;

// A CTE's columns go by their column names, a ForeignKey of values() too ("parent_id"),
// as django-cte names them.
TEST_F(CteSql, ColumnsGoByTheirColumnNames) {
  With parents(objects<Category>().values({"id", "parent"}).using_("lite"), "parents");
  const std::string sql = parents.queryset().sql().sql;
  EXPECT_EQ(sql.substr(0, sql.find(" AS (")), "WITH \"parents\" (\"id\", \"parent_id\")");
  EXPECT_NO_THROW(parents.col("parent_id"));
  EXPECT_THROW(parents.col("parent"), FieldError);
}

TEST_F(CteSql, WithSelectsFromAQuerysetAndJoinsItToAModel) {
  // The seed's advanced section 10: orders over 100, and customers joined to them.
  With big(Order::objects().filter("amount__gt", 100).using_("pg"), "big_orders");
  EXPECT_EQ(big.queryset().filter("amount__lt", 500).order_by({"-amount"}).sql().sql,
            "WITH \"big_orders\" (\"id\", \"customer_id\", \"amount\", \"status\", \"created_at\", "
            "\"updated_at\") AS (SELECT \"shop_order\".\"id\", \"shop_order\".\"customer_id\", "
            "\"shop_order\".\"amount\", \"shop_order\".\"status\", \"shop_order\".\"created_at\", "
            "\"shop_order\".\"updated_at\" FROM \"shop_order\" WHERE \"shop_order\".\"amount\" > "
            "$1::numeric) SELECT \"big_orders\".\"id\", \"big_orders\".\"customer_id\", "
            "\"big_orders\".\"amount\", \"big_orders\".\"status\", \"big_orders\".\"created_at\", "
            "\"big_orders\".\"updated_at\" FROM \"big_orders\" WHERE \"big_orders\".\"amount\" < "
            "$2::numeric ORDER BY \"big_orders\".\"amount\" DESC");
  const auto joined = big.join(objects<Customer>().using_("pg"), "id", "customer_id")
                          .order_by({})
                          .values({"name"})
                          .annotate("amount", big.col("amount"));
  EXPECT_EQ(
      joined.sql().sql.substr(joined.sql().sql.find(") SELECT ") + 2),
      "SELECT \"customer\".\"name\", \"big_orders\".\"amount\" AS \"amount\" FROM \"customer\" "
      "INNER JOIN \"big_orders\" ON (\"customer\".\"id\" = \"big_orders\".\"customer_id\")");
  // Its names are checked: the CTE's, its columns, the model's field.
  EXPECT_THROW(With(objects<Order>(), "big orders"), ValueError);
  EXPECT_THROW(big.col("amout"), FieldError);
  EXPECT_THROW(big.join(objects<Customer>(), "idd", "customer_id"), FieldError);
  EXPECT_THROW(big.queryset().filter("amout", 1), FieldError);
  // A column of a CTE the query does not have.
  EXPECT_THROW(on(objects<Customer>().annotate("a", big.col("amount")), "pg"), ProgrammingError);
}

TEST_F(CteSql, RecursiveCategoryTreePerDialect) {
  for (const char* alias : {"pg", "my", "lite"}) {
    const With tree = category_tree(alias);
    const std::string sql = tree.queryset().order_by({"path"}).sql().sql;
    if (std::string(alias) == "pg") {
      EXPECT_EQ(
          sql,
          "WITH RECURSIVE \"tree\" (\"id\", \"name\", \"depth\", \"path\") AS (SELECT "
          "\"category\".\"id\", \"category\".\"name\", $1::bigint AS \"depth\", "
          "CAST(\"category\".\"name\" AS text) AS \"path\" FROM \"category\" WHERE "
          "\"category\".\"parent_id\" IS NULL UNION ALL SELECT \"category\".\"id\", "
          "\"category\".\"name\", (\"tree\".\"depth\" + $2::bigint) AS \"depth\", "
          "CONCAT(\"tree\".\"path\", CONCAT($3::text, \"category\".\"name\")) AS \"path\" FROM "
          "\"category\" INNER JOIN \"tree\" ON (\"category\".\"parent_id\" = \"tree\".\"id\")) "
          "SELECT \"tree\".\"id\", \"tree\".\"name\", \"tree\".\"depth\", \"tree\".\"path\" FROM "
          "\"tree\" ORDER BY \"tree\".\"path\" ASC");
    } else if (std::string(alias) == "my") {
      EXPECT_EQ(
          sql,
          "WITH RECURSIVE `tree` (`id`, `name`, `depth`, `path`) AS (SELECT `category`.`id`, "
          "`category`.`name`, ? AS `depth`, CAST(`category`.`name` AS char) AS `path` FROM "
          "`category` WHERE `category`.`parent_id` IS NULL UNION ALL SELECT `category`.`id`, "
          "`category`.`name`, (`tree`.`depth` + ?) AS `depth`, CONCAT_WS('', `tree`.`path`, "
          "CONCAT_WS('', ?, `category`.`name`)) AS `path` FROM `category` INNER JOIN `tree` ON "
          "(`category`.`parent_id` = `tree`.`id`)) SELECT `tree`.`id`, `tree`.`name`, "
          "`tree`.`depth`, `tree`.`path` FROM `tree` ORDER BY `tree`.`path` ASC");
    } else {
      EXPECT_EQ(
          sql,
          "WITH RECURSIVE \"tree\" (\"id\", \"name\", \"depth\", \"path\") AS (SELECT "
          "\"category\".\"id\", \"category\".\"name\", ? AS \"depth\", CAST(\"category\".\"name\" "
          "AS text) AS \"path\" FROM \"category\" WHERE \"category\".\"parent_id\" IS NULL UNION "
          "ALL SELECT \"category\".\"id\", \"category\".\"name\", (\"tree\".\"depth\" + ?) AS "
          "\"depth\", (COALESCE(\"tree\".\"path\", '') || COALESCE((COALESCE(?, '') || "
          "COALESCE(\"category\".\"name\", '')), '')) AS \"path\" FROM \"category\" INNER JOIN "
          "\"tree\" ON (\"category\".\"parent_id\" = \"tree\".\"id\")) SELECT \"tree\".\"id\", "
          "\"tree\".\"name\", \"tree\".\"depth\", \"tree\".\"path\" FROM \"tree\" ORDER BY "
          "\"tree\".\"path\" ASC");
    }
  }
  // The base and the recursive part are a union.
  EXPECT_THROW(With::recursive("t", [](const With&) { return objects<Category>().all(); }),
               ProgrammingError);
}

TEST_F(CteSql, OneWithForACompoundASliceKeepsItsOrderAndNamesDoNotClash) {
  With big(Order::objects().filter("amount__gt", 100).using_("lite"), "big_orders");
  // A UNION of two selections from one CTE: one WITH, before the whole compound.
  const std::string u = big.queryset()
                            .filter("status", "paid")
                            .union_(big.queryset().filter("status", "pending"))
                            .sql()
                            .sql;
  EXPECT_TRUE(u.starts_with("WITH \"big_orders\" (")) << u;
  EXPECT_EQ(u.find("WITH", 1), std::string::npos) << u;
  EXPECT_NE(u.find(" UNION SELECT "), std::string::npos) << u;
  // A slice picks rows by Meta.ordering, which it keeps inside WITH.
  With top(objects<Student>().using_("lite").limit(3), "top");
  const std::string t = top.queryset().sql().sql;
  EXPECT_NE(t.find("ORDER BY \"student\".\"name\" ASC LIMIT ?) SELECT"), std::string::npos) << t;
  // Two different CTEs of one name in one query.
  With other(Order::objects().using_("lite"), "big_orders");
  EXPECT_THROW(other.join(big.join(objects<Customer>(), "id", "customer_id"), "id", "customer_id"),
               ProgrammingError);
  // Inside its own definition a recursive CTE is joined, not selected from.
  EXPECT_THROW(With::recursive("t",
                               [](const With& self) {
                                 self.queryset();
                                 return objects<Category>().all();
                               }),
               ProgrammingError);
}

TEST_F(CteSql, WritesOnAQuerysetWithACteAreRefused) {
  With big(Order::objects().filter("amount__gt", 100), "big_orders");
  EXPECT_THROW(big.join(objects<Customer>(), "id", "customer_id").update({{"name", "x"}}),
               NotSupportedError);
}

}  // namespace
