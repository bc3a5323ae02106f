// The SQL of relations on each dialect, with no server: joins for ForeignKeys (INNER,
// LEFT OUTER where the path is nullable or reverse), select_related's columns, joins for
// conditions across relations to many rows (NOT EXISTS for exclude()), ManyToManyFields through
// their tables.
#include <gtest/gtest.h>

#include "orm/compiler.hpp"
#include "seed/models.hpp"
#include "support/errors.hpp"
#include "support/sql_fixture.hpp"

using namespace seed;

namespace {

using RelationsSql = quarry::test::SqlTest;
using quarry::test::error_of;

TEST_F(RelationsSql, AForeignKeyIsItsKeyColumnWithoutAJoin) {
  const auto by_key = objects<Order>().order_by({}).filter("customer", 7);
  EXPECT_EQ(from(by_key, "pg"),
            "FROM \"shop_order\" WHERE \"shop_order\".\"customer_id\" = $1::bigint");
  // The same column by every spelling Django takes, and an object stands for its key.
  Customer c;
  c.id = 7;
  for (const auto& qs : {objects<Order>().order_by({}).filter("customer_id", 7),
                         objects<Order>().order_by({}).filter("customer__id", 7),
                         objects<Order>().order_by({}).filter("customer__pk", 7),
                         objects<Order>().order_by({}).filter("customer", c)}) {
    EXPECT_EQ(from(qs, "pg"), from(by_key, "pg"));
    EXPECT_EQ(params(qs), std::vector<Value>{int64_t{7}});
  }
  EXPECT_EQ(from(objects<Order>().order_by({}).filter("customer__isnull", true), "my"),
            "FROM `shop_order` WHERE `shop_order`.`customer_id` IS NULL");
}

TEST_F(RelationsSql, LookupsAcrossAForeignKeyJoinItsTable) {
  // Order.customer is nullable: LEFT OUTER, so exclude() keeps orders without one.
  EXPECT_EQ(from(objects<Order>().order_by({}).filter("customer__name__icontains", "ann"), "pg"),
            "FROM \"shop_order\" LEFT OUTER JOIN \"customer\" ON (\"shop_order\".\"customer_id\" = "
            "\"customer\".\"id\") WHERE UPPER(\"customer\".\"name\"::text) LIKE UPPER($1::text)");
  // Assignment.student is not: INNER; two hops, each table joined once.
  EXPECT_EQ(from(objects<Assignment>()
                     .filter("student__classroom__name", "A")
                     .filter("student__gpa__gt", 3)
                     .order_by({"student__name"}),
                 "lite"),
            "FROM \"assignment\" INNER JOIN \"student\" ON (\"assignment\".\"student_id\" = "
            "\"student\".\"id\") LEFT OUTER JOIN \"classroom\" ON (\"student\".\"classroom_id\" = "
            "\"classroom\".\"id\") WHERE \"classroom\".\"name\" = ? AND \"student\".\"gpa\" > ? "
            "ORDER BY \"student\".\"name\" ASC");
}

// Django's only()/defer() across select_related: the query's own fields named (and
// the ForeignKey it goes through), the related model's named ones, each key always.
TEST_F(RelationsSql, OnlyAndDeferReachSelectRelatedModels) {
  const auto qs = objects<Student>().order_by({}).select_related("classroom");
  EXPECT_EQ(on(qs.only({"name", "classroom__name"}), "pg"),
            "SELECT \"student\".\"id\", \"student\".\"name\", \"student\".\"classroom_id\", "
            "\"classroom\".\"id\", \"classroom\".\"name\" FROM \"student\" LEFT OUTER JOIN "
            "\"classroom\" ON (\"student\".\"classroom_id\" = \"classroom\".\"id\")");
  const std::string deferred = on(qs.defer({"classroom__name"}), "lite");
  EXPECT_EQ(deferred.find("\"classroom\".\"name\""), std::string::npos) << deferred;
  EXPECT_NE(deferred.find("\"student\".\"gpa\", "), std::string::npos) << deferred;
  // A wrong path says which part is wrong and what it could be.
  EXPECT_EQ(error_of<FieldError>([&] {
              (void)qs.only({"name", "clasroom__name"});
            }),
            "only('clasroom__name'): 'clasroom' is not a ForeignKey of Student. Choices are: "
            "classroom");
  EXPECT_EQ(error_of<FieldError>([&] { (void)qs.defer({"classroom__nmae"}); }),
            "defer('classroom__nmae'): 'nmae' is not a field of Classroom. Choices are: id, name");
}

TEST_F(RelationsSql, SelfRelationsGetTheirOwnAliases) {
  EXPECT_EQ(from(objects<Category>().order_by({}).filter("parent__parent__name", "root"), "my"),
            "FROM `category` LEFT OUTER JOIN `category` `T2` ON (`category`.`parent_id` = "
            "`T2`.`id`) LEFT OUTER JOIN `category` `T3` ON (`T2`.`parent_id` = `T3`.`id`) WHERE "
            "`T3`.`name` = ?");
}

TEST_F(RelationsSql, SelectRelatedReadsTheRelatedColumnsInTheSameQuery) {
  EXPECT_EQ(on(objects<Order>().order_by({}).select_related("customer"), "pg"),
            "SELECT \"shop_order\".\"id\", \"shop_order\".\"customer_id\", "
            "\"shop_order\".\"amount\", \"shop_order\".\"status\", \"shop_order\".\"created_at\", "
            "\"shop_order\".\"updated_at\", \"customer\".\"id\", \"customer\".\"name\", "
            "\"customer\".\"email\" FROM \"shop_order\" LEFT OUTER JOIN \"customer\" ON "
            "(\"shop_order\".\"customer_id\" = \"customer\".\"id\")");
  // Nested: the path's every relation; several at once; a filter shares the join.
  const std::string nested = on(objects<Assignment>()
                                    .select_related("student__classroom")
                                    .filter("student__name", "Ann")
                                    .order_by({}),
                                "lite");
  EXPECT_EQ(nested.substr(nested.find(" FROM ")),
            " FROM \"assignment\" INNER JOIN \"student\" ON (\"assignment\".\"student_id\" = "
            "\"student\".\"id\") LEFT OUTER JOIN \"classroom\" ON (\"student\".\"classroom_id\" = "
            "\"classroom\".\"id\") WHERE \"student\".\"name\" = ?");
  EXPECT_NE(nested.find("\"student\".\"gpa\""), std::string::npos);
  EXPECT_NE(nested.find("\"classroom\".\"name\""), std::string::npos);
  // select_related() alone follows the non-null ForeignKeys only.
  EXPECT_EQ(on(objects<Assignment>().order_by({}).select_related(), "lite").find("\"classroom\"."),
            std::string::npos);
}

TEST_F(RelationsSql, SelectRelatedNamesAreChecked) {
  try {
    objects<Order>().select_related("amount");
    FAIL();
  } catch (const FieldError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid field name(s) given in select_related: 'amount'. Choices are: customer");
  }
  try {
    objects<Order>().filter("customer__nmae", "x");
    FAIL();
  } catch (const FieldError& e) {
    EXPECT_STREQ(e.what(),
                 "Cannot resolve keyword 'nmae' into field. Choices are: email, id, name, orders");
  }
}

// Django's "Spanning multi-valued relationships" (queries topic guide): a filter()
// across a relation to many rows joins it, once for all the conditions of one call; a
// later call joins it again; exclude() is a subquery (NOT EXISTS here).
TEST_F(RelationsSql, ConditionsOnManyRowsJoinOncePerFilterCall) {
  EXPECT_EQ(from(objects<Customer>().order_by({}).filter("orders__amount__gt", 100), "pg"),
            "FROM \"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") WHERE \"shop_order\".\"amount\" > $1::numeric");
  // In one filter() call, conditions on the relation are about the same related row.
  EXPECT_EQ(from(objects<Customer>().order_by({}).filter(
                     {{"orders__amount__gt", 100}, {"orders__status", "paid"}}),
                 "lite"),
            "FROM \"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") WHERE (\"shop_order\".\"amount\" > CAST(? AS "
            "NUMERIC) AND \"shop_order\".\"status\" = ?)");
  // In two calls, about any related rows each: a join each (as Django, aliased T3).
  EXPECT_EQ(from(objects<Customer>()
                     .order_by({})
                     .filter("orders__amount__gt", 100)
                     .filter("orders__status", "paid"),
                 "lite"),
            "FROM \"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") LEFT OUTER JOIN \"shop_order\" \"T3\" ON "
            "(\"customer\".\"id\" = \"T3\".\"customer_id\") WHERE \"shop_order\".\"amount\" > "
            "CAST(? AS NUMERIC) AND \"T3\".\"status\" = ?");
  // exclude(): NOT EXISTS; isnull on the relation: the LEFT OUTER JOIN found no row.
  EXPECT_EQ(from(objects<Customer>().order_by({}).exclude("orders__status", "paid"), "my"),
            "FROM `customer` WHERE NOT (EXISTS (SELECT 1 FROM `shop_order` `U0` WHERE "
            "`U0`.`customer_id` = `customer`.`id` AND `U0`.`status` = ?))");
  EXPECT_EQ(from(objects<Customer>().order_by({}).filter("orders__isnull", true), "my"),
            "FROM `customer` LEFT OUTER JOIN `shop_order` ON (`customer`.`id` = "
            "`shop_order`.`customer_id`) WHERE `shop_order`.`id` IS NULL");
}

// "Order of annotate() and filter() clauses" (aggregation topic guide): an annotation
// after a filter reuses the filter's join; one before it does not (the filter joins
// again); an aggregate's filter= is about the aggregated rows (FILTER (WHERE ...), or
// CASE WHEN where the backend has no FILTER clause).
TEST_F(RelationsSql, AnnotationsReuseTheJoinOfTheFiltersBeforeThem) {
  EXPECT_EQ(on(objects<Customer>()
                   .order_by({})
                   .filter("orders__amount__gte", 500)
                   .annotate("n", Count("orders"))
                   .values({"name", "n"}),
               "pg"),
            "SELECT \"customer\".\"name\", COUNT(\"shop_order\".\"id\") AS \"n\" FROM "
            "\"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") WHERE \"shop_order\".\"amount\" >= $1::numeric "
            "GROUP BY 1");
  EXPECT_EQ(on(objects<Customer>()
                   .order_by({})
                   .annotate("n", Count("orders"))
                   .filter("orders__amount__gte", 500)
                   .values({"name", "n"}),
               "pg"),
            "SELECT \"customer\".\"name\", COUNT(\"shop_order\".\"id\") AS \"n\" FROM "
            "\"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") LEFT OUTER JOIN \"shop_order\" \"T3\" ON "
            "(\"customer\".\"id\" = \"T3\".\"customer_id\") WHERE \"T3\".\"amount\" >= "
            "$1::numeric GROUP BY 1");
  const auto filtered = objects<Customer>().order_by({}).annotate(
      "n", Count("orders", {.filter = Q("orders__amount__gte", 500)}));
  EXPECT_EQ(on(filtered.values({"name", "n"}), "pg"),
            "SELECT \"customer\".\"name\", COUNT(\"shop_order\".\"id\") FILTER (WHERE "
            "\"shop_order\".\"amount\" >= $1::numeric) AS \"n\" FROM \"customer\" LEFT OUTER "
            "JOIN \"shop_order\" ON (\"customer\".\"id\" = \"shop_order\".\"customer_id\") "
            "GROUP BY 1");
  EXPECT_EQ(on(filtered.values({"name", "n"}), "my"),
            "SELECT `customer`.`name`, COUNT(CASE WHEN `shop_order`.`amount` >= ? THEN "
            "`shop_order`.`id` ELSE NULL END) AS `n` FROM `customer` LEFT OUTER JOIN "
            "`shop_order` ON (`customer`.`id` = `shop_order`.`customer_id`) GROUP BY 1");
}

TEST_F(RelationsSql, ManyToManyGoesThroughItsTable) {
  EXPECT_EQ(from(objects<Book>().order_by({}).filter("authors__name", "Ann"), "pg"),
            "FROM \"book\" LEFT OUTER JOIN \"book_authors\" ON (\"book\".\"id\" = "
            "\"book_authors\".\"book_id\") LEFT OUTER JOIN \"author\" ON "
            "(\"book_authors\".\"author_id\" = \"author\".\"id\") WHERE \"author\".\"name\" = "
            "$1::text");
  // The relation itself is the through table's column: no join to the far table.
  EXPECT_EQ(from(objects<Author>().order_by({}).filter("books", 3), "lite"),
            "FROM \"author\" LEFT OUTER JOIN \"book_authors\" ON (\"author\".\"id\" = "
            "\"book_authors\".\"author_id\") WHERE \"book_authors\".\"book_id\" = ?");
  // exclude() across one: NOT EXISTS through the table.
  EXPECT_EQ(from(objects<Book>().order_by({}).exclude("authors__name", "Ann"), "pg"),
            "FROM \"book\" WHERE NOT (EXISTS (SELECT 1 FROM \"book_authors\" \"U0\" INNER "
            "JOIN \"author\" \"U0J1\" ON (\"U0\".\"author_id\" = \"U0J1\".\"id\") WHERE "
            "\"U0\".\"book_id\" = \"book\".\"id\" AND \"U0J1\".\"name\" = $1::text))");
  // Across both: books with an author who wrote a book titled "X", four joins.
  const std::string two =
      from(objects<Book>().order_by({}).filter("authors__books__title", "X"), "lite");
  EXPECT_NE(two.find("LEFT OUTER JOIN \"book\" \"T5\""), std::string::npos) << two;
}

TEST_F(RelationsSql, ValuesOrderingAndCountsAcrossManyRowsJoin) {
  EXPECT_EQ(on(objects<Customer>()
                   .order_by({"name"})
                   .annotate("n", Count("orders"))
                   .values({"name", "n"}),
               "lite"),
            "SELECT \"customer\".\"name\", COUNT(\"shop_order\".\"id\") AS \"n\" FROM "
            "\"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") GROUP BY 1 ORDER BY \"customer\".\"name\" ASC");
  EXPECT_EQ(
      from(objects<Book>().order_by({"authors__name"}), "pg"),
      "FROM \"book\" LEFT OUTER JOIN \"book_authors\" ON (\"book\".\"id\" = "
      "\"book_authors\".\"book_id\") LEFT OUTER JOIN \"author\" ON "
      "(\"book_authors\".\"author_id\" = \"author\".\"id\") ORDER BY \"author\".\"name\" ASC");
}

TEST_F(RelationsSql, UpdatesAndDeletesAcrossRelationsNameTheirRowsByKey) {
  using quarry::detail::compile_delete;
  using quarry::detail::compile_update;
  const auto q = objects<Order>().filter("customer__name", "Ann").using_("pg");
  EXPECT_EQ(compile_update(q.query(), database("pg").dialect(), {{"status", "paid"}}).sql,
            "UPDATE \"shop_order\" SET \"status\" = $1::text WHERE \"id\" IN (SELECT "
            "\"shop_order\".\"id\" FROM \"shop_order\" LEFT OUTER JOIN \"customer\" ON "
            "(\"shop_order\".\"customer_id\" = \"customer\".\"id\") WHERE \"customer\".\"name\" "
            "= $2::text)");
  // MySQL cannot select from the table it changes but through a derived table.
  EXPECT_EQ(compile_delete(q.using_("my").query(), database("my").dialect()).sql,
            "DELETE FROM `shop_order` WHERE `id` IN (SELECT * FROM (SELECT `shop_order`.`id` FROM "
            "`shop_order` LEFT OUTER JOIN `customer` ON (`shop_order`.`customer_id` = "
            "`customer`.`id`) WHERE `customer`.`name` = ?) subquery)");
  // Conditions across many rows join too: their rows by key.
  EXPECT_EQ(compile_delete(objects<Customer>().filter("orders__status", "x").using_("lite").query(),
                           database("lite").dialect())
                .sql,
            "DELETE FROM \"customer\" WHERE \"id\" IN (SELECT \"customer\".\"id\" FROM "
            "\"customer\" LEFT OUTER JOIN \"shop_order\" ON (\"customer\".\"id\" = "
            "\"shop_order\".\"customer_id\") WHERE \"shop_order\".\"status\" = ?)");
}

}  // namespace
