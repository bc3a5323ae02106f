// The cache of compiled SELECTs by query shape (orm/select_cache.hpp): whatever a query
// is, the cache must give the SQL and parameters a fresh compile gives; the shapes it
// keeps are replayed, the others compiled every time. No server.
#include <gtest/gtest.h>

#include "orm/compiler.hpp"
#include "orm/select_cache.hpp"
#include "seed/models.hpp"
#include "support/sql_fixture.hpp"

using namespace seed;
using quarry::detail::compile_select;
using quarry::detail::compile_select_cached;

namespace {

class SelectCache : public quarry::test::SqlTest {
 protected:
  // The queryset through the cache on every dialect, against a fresh compile; returns
  // whether each came from the cache.
  template <class QS>
  static std::vector<bool> same_as_fresh(const QS& qs) {
    std::vector<bool> cached;
    for (const char* alias : {"pg", "my", "lite"}) {
      const auto on = qs.using_(alias);
      const quarry::Dialect& d = dialect(alias);
      const auto fresh = compile_select(on.query(), d);
      const auto got = compile_select_cached(on.query(), d);
      EXPECT_EQ(got.shape->sql, fresh.sql) << alias;
      EXPECT_EQ(got.params, fresh.params) << alias << ": " << fresh.sql;
      cached.push_back(got.cached);
    }
    return cached;
  }
  static std::vector<bool> all(bool b) { return {b, b, b}; }
};

TEST_F(SelectCache, AShapeSeenBeforeIsReplayedWithTheNewValues) {
  same_as_fresh(objects<Student>().filter("pk", 1).slice(0, 21));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("pk", 2).slice(0, 21)), all(true));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("pk", 99).slice(0, 21)), all(true));
  // Another model, another order, another lookup: other shapes.
  EXPECT_EQ(same_as_fresh(objects<Order>().filter("pk", 2).slice(0, 21)), all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().order_by({"-gpa"}).filter("pk", 2).slice(0, 21)),
            all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("pk__gt", 2).slice(0, 21)), all(false));
}

TEST_F(SelectCache, ValuesAreConvertedAsTheCompilerConvertsThem) {
  // An int compared with a DecimalField is a Decimal; text with a DateTimeField a DateTime.
  same_as_fresh(objects<Order>().filter({{"amount__gte", 500}, {"created_at__lt", "2024-05-01"}}));
  EXPECT_EQ(same_as_fresh(
                objects<Order>().filter({{"amount__gte", 7}, {"created_at__lt", "2025-01-31"}})),
            all(true));
  // A value that cannot be converted fails on a replay as on a first compile.
  same_as_fresh(objects<Student>().filter("gpa", "3.5"));
  const auto bad = objects<Student>().filter("gpa", "abc").using_("pg");
  EXPECT_THROW(compile_select(bad.query(), dialect("pg")), quarry::ValueError);
  EXPECT_THROW(compile_select_cached(bad.query(), dialect("pg")), quarry::ValueError);
}

TEST_F(SelectCache, NullsAndBooleansAreShapes) {
  // x = NULL is written IS NULL; isnull=True and isnull=False differ in their SQL.
  same_as_fresh(objects<Student>().filter("nickname", "Al"));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("nickname", quarry::Value())), all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("nickname", "Bo")), all(true));
  same_as_fresh(objects<Student>().filter("nickname__isnull", true));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("nickname__isnull", false)), all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("nickname__isnull", true)), all(true));
  // An isnull given a number is compiled every time.
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("nickname__isnull", 1)), all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("nickname__isnull", 0)), all(false));
  // exclude() on a nullable field adds IS NOT NULL; on a relation, a join.
  same_as_fresh(objects<Student>().exclude("nickname", "Al"));
  EXPECT_EQ(same_as_fresh(objects<Student>().exclude("nickname", "Cy")), all(true));
  same_as_fresh(objects<Order>().filter("customer__name", "Ann").select_related("customer"));
  EXPECT_EQ(
      same_as_fresh(objects<Order>().filter("customer__name", "Bob").select_related("customer")),
      all(true));
}

TEST_F(SelectCache, ComputedParametersAreNeverReplayed) {
  // A LIKE/GLOB pattern is made from the value: such shapes are compiled every time.
  same_as_fresh(objects<Student>().filter("name__startswith", "X"));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("name__startswith", "Y")), all(false));
  same_as_fresh(objects<Student>().filter("name__icontains", "an"));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("name__icontains", "bo")), all(false));
  // Lists, annotations and subqueries are not shapes the cache keeps.
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("pk__in", std::vector<int64_t>{1, 2})),
            all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("pk__in", std::vector<int64_t>{1, 2})),
            all(false));
  const auto annotated = objects<Student>().annotate("double_gpa", F("gpa") * 2);
  same_as_fresh(annotated);
  EXPECT_EQ(same_as_fresh(annotated), all(false));
}

TEST_F(SelectCache, OneLiteralInTwoConditionsIsNotTakenForOne) {
  // The first query's two conditions share one value node; the next query's do not.
  const Expr five = 5;
  same_as_fresh(objects<Student>().filter(Q("marks__gte", five) | Q("extra_credit__lt", five)));
  same_as_fresh(objects<Student>().filter(Q("marks__gte", five) | Q("extra_credit__lt", five)));
  same_as_fresh(objects<Student>().filter(Q("marks__gte", 6) | Q("extra_credit__lt", 7)));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter(Q("marks__gte", 8) | Q("extra_credit__lt", 9))),
            all(true));
}

TEST_F(SelectCache, SlicesKeepTheirFormNotTheirNumbers) {
  same_as_fresh(objects<Student>().slice(0, 21));
  EXPECT_EQ(same_as_fresh(objects<Student>().slice(0, 5)), all(true));
  same_as_fresh(objects<Student>().slice(10, 20));
  EXPECT_EQ(same_as_fresh(objects<Student>().slice(30, 35)), all(true));
  EXPECT_EQ(same_as_fresh(objects<Student>().slice(3)), all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().slice(4)), all(true));
  EXPECT_EQ(same_as_fresh(objects<Student>().slice(0)), all(false));
}

TEST_F(SelectCache, TransformsAndFieldReferencesAreShapes) {
  same_as_fresh(objects<Student>().filter("created_at__year", 2024));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("created_at__year", 2025)), all(true));
  same_as_fresh(objects<Student>().filter("marks__gt", F("extra_credit")));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("marks__gt", F("extra_credit"))), all(true));
  EXPECT_EQ(same_as_fresh(objects<Student>().filter("marks__gt", F("gpa"))), all(false));
  same_as_fresh(objects<Student>().only({"name"}).filter("pk", 1));
  EXPECT_EQ(same_as_fresh(objects<Student>().defer({"name"}).filter("pk", 1)), all(false));
  EXPECT_EQ(same_as_fresh(objects<Student>().only({"name"}).filter("pk", 3)), all(true));
}

}  // namespace
