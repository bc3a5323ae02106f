// The tables each compiled statement reads, and the one it changes, with no server:
// what the query cache invalidates by (issue 18). Noted where the compiler writes a
// table: FROM, joins (many-to-many through tables included), EXISTS across relations,
// subqueries, CTE members, a compound's other queries; the same from the cache of
// compiled SELECTs.
#include <gtest/gtest.h>

#include "orm/compiler.hpp"
#include "orm/select_cache.hpp"
#include "quarry/cte.hpp"
#include "seed/models.hpp"
#include "support/sql_fixture.hpp"

using namespace seed;

namespace {

using StatementTables = quarry::test::SqlTest;
using Tables = std::vector<std::string>;

template <class QS>
Tables read_by(const QS& qs) {
  return qs.using_("pg").sql().tables;
}

TEST_F(StatementTables, APlainQueryReadsItsModelsTable) {
  EXPECT_EQ(read_by(objects<Student>().filter("gpa__gt", 3)), Tables{"student"});
}

TEST_F(StatementTables, JoinsAndSelectRelatedReadEveryTableTheyJoin) {
  EXPECT_EQ(read_by(objects<Assignment>().filter("student__classroom__name", "A")),
            (Tables{"assignment", "classroom", "student"}));
  EXPECT_EQ(read_by(objects<Student>().select_related("classroom")),
            (Tables{"classroom", "student"}));
  // Ordering across a relation joins too.
  EXPECT_EQ(read_by(objects<Assignment>().order_by({"student__name"})),
            (Tables{"assignment", "student"}));
}

TEST_F(StatementTables, ManyToManyReadsItsThroughTable) {
  EXPECT_EQ(read_by(objects<Book>().filter("authors__name", "Ann")),
            (Tables{"author", "book", "book_authors"}));
  // exclude() across it: NOT EXISTS over the through table and the far one.
  EXPECT_EQ(read_by(objects<Book>().exclude("authors__name", "Ann")),
            (Tables{"author", "book", "book_authors"}));
}

TEST_F(StatementTables, SubqueriesAndExistsReadTheirTables) {
  const auto latest = objects<Order>()
                          .filter("customer", OuterRef("pk"))
                          .order_by({"-created_at"})
                          .values({"amount"})
                          .limit(1);
  EXPECT_EQ(read_by(objects<Customer>().annotate("latest", Subquery(latest))),
            (Tables{"customer", "shop_order"}));
  const auto assignments = objects<Assignment>().filter("student", OuterRef("pk"));
  const auto students =
      objects<Student>().filter("classroom", OuterRef("pk")).filter(Exists(assignments));
  EXPECT_EQ(read_by(objects<Classroom>().filter(Exists(students))),
            (Tables{"assignment", "classroom", "student"}));
  EXPECT_EQ(read_by(objects<Student>().filter(
                "id__in", objects<Assignment>().filter("score__gte", 90).values({"student"}))),
            (Tables{"assignment", "student"}));
}

TEST_F(StatementTables, ACteReadsItsMembersTablesAndACompoundEachSides) {
  quarry::With big(Order::objects().filter("amount__gt", 100).using_("pg"), "big_orders");
  EXPECT_EQ(big.queryset().sql().tables, Tables{"shop_order"});
  EXPECT_EQ(big.join(objects<Customer>().using_("pg"), "id", "customer_id").sql().tables,
            (Tables{"customer", "shop_order"}));
  // pk__in a CTE's queryset: the CTE's member table, not the CTE's name.
  EXPECT_EQ(objects<Customer>()
                .using_("pg")
                .filter("id__in", big.queryset().values({"customer_id"}))
                .sql()
                .tables,
            (Tables{"customer", "shop_order"}));
  const auto named = objects<Customer>().filter("name", "Ann");
  const auto buyers = objects<Customer>().filter("orders__amount__gt", 5);
  EXPECT_EQ(read_by(named.union_(buyers)), (Tables{"customer", "shop_order"}));
}

TEST_F(StatementTables, CountsExistsAndAggregatesReadTheSameTables) {
  const auto qs = objects<Assignment>().filter("student__name", "Ann").using_("pg");
  const quarry::Dialect& d = dialect("pg");
  const Tables both{"assignment", "student"};
  EXPECT_EQ(quarry::detail::compile_count(qs.query(), d).tables, both);
  EXPECT_EQ(quarry::detail::compile_exists(qs.query(), d).tables, both);
  EXPECT_EQ(quarry::detail::compile_aggregate(qs.query(), d, {{"n", Count("id")}}).tables, both);
  // Over a subquery (a slice) too.
  EXPECT_EQ(quarry::detail::compile_count(qs.limit(3).query(), d).tables, both);
}

TEST_F(StatementTables, TheCacheOfCompiledSelectsKeepsThem) {
  const quarry::Dialect& d = dialect("pg");
  for (int i = 0; i < 2; ++i) {  // the second comes from the cache
    const auto qs = objects<Student>().select_related("classroom").filter("id", 7 + i);
    const auto c = quarry::detail::compile_select_cached(qs.using_("pg").query(), d);
    EXPECT_EQ(c.cached, i == 1);
    EXPECT_EQ(c.shape->tables, (Tables{"classroom", "student"}));
  }
}

TEST_F(StatementTables, WritesNameTheTableTheyChange) {
  const quarry::Dialect& d = dialect("pg");
  const auto across = objects<Assignment>().filter("student__name", "Ann").using_("pg");
  const auto update = quarry::detail::compile_update(across.query(), d, {{"score", 1}});
  EXPECT_EQ(update.written, "assignment");
  EXPECT_EQ(update.tables, (Tables{"assignment", "student"}));  // its pk IN (SELECT ...)
  // Without joins it reads the rows it changes all the same.
  const auto plain = objects<Assignment>().filter("score", 1).using_("pg");
  EXPECT_EQ(quarry::detail::compile_delete(plain.query(), d).tables, Tables{"assignment"});
  EXPECT_EQ(quarry::detail::compile_update(plain.query(), d, {{"score", 2}}).tables,
            Tables{"assignment"});
  EXPECT_EQ(quarry::detail::compile_delete(across.query(), d).written, "assignment");
  const quarry::ModelMeta& m = quarry::meta<Classroom>();
  const std::vector<const quarry::Field*> fields{&m.field("name")};
  const auto insert = quarry::detail::compile_insert(m, d, fields, {{Value("A")}}, true);
  EXPECT_EQ(insert.written, "classroom");
  EXPECT_TRUE(insert.tables.empty());
  const auto bulk = quarry::detail::compile_bulk_update(m, d, fields, {Value(1)}, {{Value("B")}});
  EXPECT_EQ(bulk.written, "classroom");
  EXPECT_EQ(bulk.tables, Tables{"classroom"});
  // A read changes nothing.
  EXPECT_EQ(quarry::detail::compile_select(across.query(), d).written, "");
}

}  // namespace
