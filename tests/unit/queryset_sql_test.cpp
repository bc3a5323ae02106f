// The SQL each dialect emits for the query language, with no server: every alias here
// gives its server_version, so nothing connects.
#include <gtest/gtest.h>

#include "orm/compiler.hpp"
#include "seed/models.hpp"
#include "support/sql_fixture.hpp"
#include "support/tag_model.hpp"

using namespace seed;
using quarry::detail::Query;

namespace {

using Sql = quarry::test::SqlTest;

TEST_F(Sql, SelectsEveryFieldQualifiedAndOrderedByMeta) {
  EXPECT_EQ(on(objects<Product>().all(), "pg"),
            "SELECT \"product\".\"id\", \"product\".\"name\", \"product\".\"price\", "
            "\"product\".\"created_at\", \"product\".\"is_active\" FROM \"product\"");
  EXPECT_EQ(on(objects<Order>().filter("pk", 1), "my"),
            "SELECT `shop_order`.`id`, `shop_order`.`customer_id`, `shop_order`.`amount`, "
            "`shop_order`.`status`, `shop_order`.`created_at`, `shop_order`.`updated_at` FROM "
            "`shop_order` WHERE `shop_order`.`id` = ?");
  EXPECT_NE(on(objects<Student>().all(), "lite").find("ORDER BY \"student\".\"name\" ASC"),
            std::string::npos);
}

TEST_F(Sql, SectionTwoQObjects) {
  const auto qs = objects<Student>().filter(Q("gpa__gt", 3.5) | Q("course", "Math"));
  EXPECT_EQ(
      where(qs, "pg"),
      "WHERE (\"student\".\"gpa\" > $1::double precision OR \"student\".\"course\" = $2::text) "
      "ORDER BY \"student\".\"name\" ASC");
  EXPECT_EQ(where(qs, "my"),
            "WHERE (`student`.`gpa` > ? OR `student`.`course` = ?) ORDER BY `student`.`name` ASC");
  EXPECT_EQ(where(qs, "lite"),
            "WHERE (\"student\".\"gpa\" > ? OR \"student\".\"course\" = ?) ORDER BY "
            "\"student\".\"name\" ASC");
  EXPECT_EQ(params(qs), (std::vector<Value>{3.5, "Math"}));
}

TEST_F(Sql, QNestsToAnyDepthAndNegates) {
  const auto qs = objects<Student>().order_by({}).filter(
      (Q("course", "Math") & ~(Q("gpa__lt", 2) | Q("name__startswith", "X"))) |
      Q("marks__gte", 90));
  EXPECT_EQ(where(qs, "lite"),
            "WHERE ((\"student\".\"course\" = ? AND NOT ((\"student\".\"gpa\" < ? OR "
            "\"student\".\"name\" GLOB ?))) "
            "OR \"student\".\"marks\" >= ?)");
  EXPECT_EQ(params(qs, "lite"), (std::vector<Value>{"Math", 2.0, "X*", int64_t{90}}));
}

TEST_F(Sql, ExcludeKeepsRowsWhereANullableFieldIsNull) {
  // As Django: exclude(nickname="Al") still returns students without a nickname.
  EXPECT_EQ(
      where(objects<Student>().order_by({}).exclude("nickname", "Al"), "pg"),
      "WHERE NOT ((\"student\".\"nickname\" = $1::text AND \"student\".\"nickname\" IS NOT NULL))");
  EXPECT_EQ(where(objects<Student>().order_by({}).exclude("course", "Art"), "pg"),
            "WHERE NOT (\"student\".\"course\" = $1::text)");
}

TEST_F(Sql, ValuesAreConvertedToTheFieldsType) {
  // 500 is compared as a decimal, "2024-05-01" as a datetime.
  const auto qs =
      objects<Product>().filter({{"price__gte", 500}, {"created_at__gte", "2024-05-01"}});
  EXPECT_EQ(params(qs), (std::vector<Value>{Decimal(500), DateTime(Date(2024, 5, 1), Time())}));
  EXPECT_NE(where(qs, "pg").find("\"product\".\"price\" >= $1::numeric"), std::string::npos);
  EXPECT_THROW(objects<Student>().filter("gpa", "abc").sql(), ValueError);
}

TEST_F(Sql, EveryLookup) {
  auto w = [&](const char* lookup, Expr v, const char* alias = "pg") {
    return where(objects<Student>().order_by({}).filter(lookup, std::move(v)), alias);
  };
  EXPECT_EQ(w("name__iexact", "ann"), "WHERE UPPER(\"student\".\"name\"::text) = UPPER($1::text)");
  EXPECT_EQ(w("name__icontains", "an"),
            "WHERE UPPER(\"student\".\"name\"::text) LIKE UPPER($1::text)");
  EXPECT_EQ(w("name__contains", "an", "my"), "WHERE `student`.`name` LIKE BINARY ?");
  EXPECT_EQ(w("name__endswith", "n", "lite"), "WHERE \"student\".\"name\" GLOB ?");
  EXPECT_EQ(w("name__regex", "^A", "my"), "WHERE `student`.`name` REGEXP BINARY ?");
  EXPECT_EQ(w("name__iregex", "^a", "lite"), "WHERE quarry_iregexp(?, \"student\".\"name\")");
  EXPECT_EQ(w("id__in", std::vector<int>{1, 2, 3}),
            "WHERE \"student\".\"id\" IN ($1::bigint, $2::bigint, $3::bigint)");
  EXPECT_EQ(w("id__in", std::vector<int>{}), "WHERE 1 = 0");
  EXPECT_EQ(w("gpa__range", std::vector<double>{2.0, 3.0}, "my"),
            "WHERE `student`.`gpa` BETWEEN ? AND ?");
  EXPECT_EQ(w("nickname__isnull", true), "WHERE \"student\".\"nickname\" IS NULL");
  EXPECT_EQ(w("nickname__isnull", false), "WHERE \"student\".\"nickname\" IS NOT NULL");
  EXPECT_EQ(w("nickname", Value()), "WHERE \"student\".\"nickname\" IS NULL");
  EXPECT_EQ(w("marks__lte", 10, "lite"), "WHERE \"student\".\"marks\" <= ?");
  EXPECT_EQ(params(objects<Student>().filter("name__contains", "50%_"), "my"),
            (std::vector<Value>{"%50\\%\\_%"}));
}

TEST_F(Sql, DateTransforms) {
  auto w = [&](const char* lookup, Expr v, const char* alias) {
    return where(objects<Student>().order_by({}).filter(lookup, std::move(v)), alias);
  };
  EXPECT_EQ(w("created_at__year", 2024, "pg"),
            "WHERE EXTRACT(YEAR FROM \"student\".\"created_at\") = $1::bigint");
  EXPECT_EQ(w("created_at__year__gte", 2024, "lite"),
            "WHERE CAST(strftime('%Y', \"student\".\"created_at\") AS INTEGER) >= ?");
  EXPECT_EQ(w("created_at__week_day", 2, "my"), "WHERE DAYOFWEEK(`student`.`created_at`) = ?");
  EXPECT_EQ(w("created_at__date", Date(2024, 5, 1), "my"),
            "WHERE DATE(`student`.`created_at`) = ?");
  EXPECT_EQ(w("enrolled_on__month", 9, "pg"),
            "WHERE EXTRACT(MONTH FROM \"student\".\"enrolled_on\") = $1::bigint");
  EXPECT_EQ(params(objects<Student>().filter("created_at__date", "2024-05-01")),
            (std::vector<Value>{Date(2024, 5, 1)}));
}

TEST_F(Sql, MisspeltNamesFailBeforeAnySqlWithTheChoices) {
  try {
    objects<Student>().filter("gpaa", 3.5);
    FAIL();
  } catch (const FieldError& e) {
    EXPECT_STREQ(e.what(),
                 "Cannot resolve keyword 'gpaa' into field. Choices are: assignments, classroom, "
                 "course, created_at, enrolled_on, extra_credit, gpa, id, last_seen, marks, name, "
                 "nickname, top_assignments");
  }
  try {
    objects<Student>().filter("name__icontain", "x");
    FAIL();
  } catch (const FieldError& e) {
    EXPECT_STREQ(e.what(),
                 "Unsupported lookup 'icontain' for CharField or join on the field not permitted");
  }
  EXPECT_THROW(objects<Student>().filter("gpa__year", 1), FieldError);           // not a date
  EXPECT_THROW(objects<Student>().filter("marks__icontains", "1"), FieldError);  // not text
  EXPECT_THROW(objects<Student>().order_by({"-nmae"}), FieldError);
  EXPECT_THROW(objects<Student>().values({"nmae"}), FieldError);
  EXPECT_THROW(objects<Student>().annotate("x", F("nmae")), FieldError);
  EXPECT_THROW(objects<Student>().update({{"nmae", 1}}), FieldError);
}

TEST_F(Sql, DynamicFiltersFromUserInputAreSafe) {
  // A filter built at run time from what a user typed: names must resolve, values are
  // parameters, so nothing the user types becomes SQL.
  const std::vector<std::pair<std::string, std::string>> input = {
      {"course", "Math'; DROP TABLE student; --"}, {"name__icontains", "\"x\" OR 1=1"}};
  Q q;
  for (const auto& [k, v] : input) q &= Q(k, v);
  const auto qs = objects<Student>().order_by({}).filter(q);
  EXPECT_EQ(where(qs, "pg"),
            "WHERE (\"student\".\"course\" = $1::text AND UPPER(\"student\".\"name\"::text) LIKE "
            "UPPER($2::text))");
  EXPECT_EQ(params(qs)[0], Value("Math'; DROP TABLE student; --"));
  EXPECT_THROW(objects<Student>().filter(Q("course\" = 'x' --", "y")), FieldError);
  EXPECT_THROW(objects<Student>().annotate("x\" FROM student; --", Value(1)), ValueError);
  EXPECT_THROW(objects<Student>().order_by({"name; DROP TABLE student"}), FieldError);
}

TEST_F(Sql, SectionOneFExpressions) {
  const auto qs = objects<Student>().order_by({}).filter("marks__gt", F("extra_credit") * 2);
  EXPECT_EQ(where(qs, "my"), "WHERE `student`.`marks` > (`student`.`extra_credit` * ?)");
  EXPECT_EQ(
      on(objects<Student>()
             .order_by({F("gpa").desc({.nulls_last = true}), "name"})
             .values({"name"}),
         "pg"),
      "SELECT \"student\".\"name\" FROM \"student\" ORDER BY \"student\".\"gpa\" DESC NULLS LAST, "
      "\"student\".\"name\" ASC");
  // MySQL has no NULLS LAST: it sorts on IS NULL first.
  EXPECT_EQ(
      on(objects<Student>().order_by({F("nickname").asc({.nulls_last = true})}).values({"name"}),
         "my"),
      "SELECT `student`.`name` FROM `student` ORDER BY `student`.`nickname` IS NULL ASC, "
      "`student`.`nickname` ASC");
}

TEST_F(Sql, SectionThreeCaseWhen) {
  const auto qs = objects<Student>().order_by({}).annotate(
      "scholarship",
      Case({When(Q("gpa__gte", 3.8), Value(1000)), When("gpa__gte", 3.5, Value(500))}, Value(0),
           IntegerField()));
  const std::string sql = on(qs, "pg");
  EXPECT_NE(
      sql.find("CASE WHEN \"student\".\"gpa\" >= $1::double precision THEN $2::bigint WHEN "
               "\"student\".\"gpa\" >= $3::double precision THEN $4::bigint ELSE $5::bigint END "
               "AS \"scholarship\" FROM \"student\""),
      std::string::npos)
      << sql;
  // Case in a filter and in an ordering.
  const auto ordered =
      objects<Student>().order_by({Case({When("course", "Math", Value(1))}, Value(2)), "name"});
  EXPECT_NE(on(ordered, "lite")
                .find("ORDER BY CASE WHEN \"student\".\"course\" = ? THEN ? ELSE ? END ASC, "
                      "\"student\".\"name\" ASC"),
            std::string::npos);
}

TEST_F(Sql, SectionSixAggregationAndGrouping) {
  EXPECT_EQ(
      on(objects<Student>().values({"course"}).annotate("count", Count("id")), "pg"),
      "SELECT \"student\".\"course\", COUNT(\"student\".\"id\") AS \"count\" FROM \"student\" "
      "GROUP BY 1");
  // Filtering on an aggregate is HAVING; ordering by it uses its alias.
  EXPECT_EQ(on(objects<Student>()
                   .values({"course"})
                   .annotate("n", Count("id"))
                   .filter("n__gt", 1)
                   .order_by({"-n"}),
               "my"),
            "SELECT `student`.`course`, COUNT(`student`.`id`) AS `n` FROM `student` GROUP BY 1 "
            "HAVING COUNT(`student`.`id`) > ? ORDER BY `n` DESC");
  EXPECT_EQ(quarry::detail::default_alias(Avg("gpa")), "gpa__avg");
  const auto q_qs = objects<Student>().filter("course", "Math");
  const Query& q = q_qs.query();
  const auto c = quarry::detail::compile_aggregate(q, dialect("pg"), {{"gpa__avg", Avg("gpa")}});
  EXPECT_EQ(c.sql,
            "SELECT AVG(\"student\".\"gpa\") AS \"gpa__avg\" FROM \"student\" WHERE "
            "\"student\".\"course\" = $1::text");
}

TEST_F(Sql, ConditionalAggregatesUseFilterWhereTheBackendHasIt) {
  const auto q_qs = objects<Student>();
  const Query& q = q_qs.query();
  const auto math = Count("id", {.filter = Q("course", "Math")});
  EXPECT_EQ(
      quarry::detail::compile_aggregate(q, dialect("pg"), {{"n", math}}).sql,
      "SELECT COUNT(\"student\".\"id\") FILTER (WHERE \"student\".\"course\" = $1::text) AS \"n\" "
      "FROM \"student\"");
  EXPECT_EQ(
      quarry::detail::compile_aggregate(q, dialect("my"), {{"n", math}}).sql,
      "SELECT COUNT(CASE WHEN `student`.`course` = ? THEN `student`.`id` ELSE NULL END) AS `n` "
      "FROM `student`");
}

TEST_F(Sql, SectionSevenAnnotationWithArithmeticAndValue) {
  const auto qs =
      objects<Student>()
          .order_by({})
          .annotate({{"total_marks", F("marks") + F("extra_credit")}, {"bonus", Value(10)}})
          .values({"name", "total_marks", "bonus"});
  EXPECT_EQ(
      on(qs, "lite"),
      "SELECT \"student\".\"name\", (\"student\".\"marks\" + \"student\".\"extra_credit\") AS "
      "\"total_marks\", ? AS \"bonus\" FROM \"student\"");
}

TEST_F(Sql, SlicingIsLimitAndOffset) {
  const auto base = objects<Order>().order_by({"id"});
  EXPECT_NE(on(base.slice(5, 10), "pg").find("LIMIT $1::bigint OFFSET $2::bigint"),
            std::string::npos);
  EXPECT_NE(on(base.slice(5), "my").find("LIMIT 18446744073709551615 OFFSET ?"), std::string::npos);
  EXPECT_NE(on(base.slice(5), "lite").find("LIMIT -1 OFFSET ?"), std::string::npos);
  EXPECT_EQ(params(base.slice(2, 10).slice(1, 3)), (std::vector<Value>{int64_t{2}, int64_t{3}}));
  EXPECT_THROW(base.slice(0, 5).filter("status", "x"), ProgrammingError);
}

TEST_F(Sql, CountExistsAndDistinct) {
  const auto q_qs = objects<Order>().filter("status", "paid");
  const Query& q = q_qs.query();
  EXPECT_EQ(quarry::detail::compile_count(q, dialect("pg")).sql,
            "SELECT COUNT(*) FROM \"shop_order\" WHERE \"shop_order\".\"status\" = $1::text");
  EXPECT_EQ(quarry::detail::compile_exists(q, dialect("my")).sql,
            "SELECT 1 AS `a` FROM `shop_order` WHERE `shop_order`.`status` = ? LIMIT ?");
  const auto d_qs = objects<Student>().values({"course"}).distinct();
  const Query& d = d_qs.query();
  EXPECT_EQ(
      quarry::detail::compile_count(d, dialect("lite")).sql,
      "SELECT COUNT(*) FROM (SELECT DISTINCT \"student\".\"course\" FROM \"student\") subquery");
}

TEST_F(Sql, SetOperations) {
  const auto math = objects<Student>().filter("course", "Math").values({"name"});
  const auto art = objects<Student>().filter("course", "Art").values({"name"});
  EXPECT_EQ(on(math.union_(art).order_by({"name"}), "pg"),
            "(SELECT \"student\".\"name\" FROM \"student\" WHERE \"student\".\"course\" = "
            "$1::text) UNION "
            "(SELECT \"student\".\"name\" FROM \"student\" WHERE \"student\".\"course\" = "
            "$2::text) ORDER BY 1 ASC");
  EXPECT_EQ(on(math.difference(art), "lite"),
            "SELECT \"student\".\"name\" FROM \"student\" WHERE \"student\".\"course\" = ? EXCEPT "
            "SELECT \"student\".\"name\" FROM \"student\" WHERE \"student\".\"course\" = ?");
  EXPECT_THROW(math.union_(art).filter("name", "x"), NotSupportedError);
}

TEST_F(Sql, SubqueriesForIn) {
  const auto qs = objects<Order>().order_by({}).filter(
      "id__in", objects<Order>().filter("status", "paid").order_by({"-amount"}).limit(3));
  EXPECT_EQ(where(qs, "pg"),
            "WHERE \"shop_order\".\"id\" IN (SELECT \"U0\".\"id\" FROM \"shop_order\" \"U0\" WHERE "
            "\"U0\".\"status\" = $1::text ORDER BY \"U0\".\"amount\" DESC LIMIT $2::bigint)");
}

TEST_F(Sql, OnlyAndDefer) {
  EXPECT_EQ(on(objects<Student>().order_by({}).only({"name"}), "lite"),
            "SELECT \"student\".\"id\", \"student\".\"name\" FROM \"student\"");
  EXPECT_EQ(
      on(objects<Student>().order_by({}).defer(
             {"nickname", "enrolled_on", "last_seen", "created_at"}),
         "lite"),
      "SELECT \"student\".\"id\", \"student\".\"name\", \"student\".\"course\", "
      "\"student\".\"gpa\", "
      "\"student\".\"marks\", \"student\".\"extra_credit\", \"student\".\"classroom_id\" FROM "
      "\"student\"");
}

TEST_F(Sql, Writes) {
  const ModelMeta& m = meta<Product>();
  std::vector<const Field*> fields = {m.find("name"), m.find("price")};
  EXPECT_EQ(quarry::detail::compile_insert(m, dialect("pg"), fields,
                                           {{"a", Decimal(1)}, {"b", Value()}}, true)
                .sql,
            "INSERT INTO \"product\" (\"name\", \"price\") VALUES ($1::text, $2::numeric), "
            "($3::text, $4) "
            "RETURNING \"id\"");
  EXPECT_EQ(quarry::detail::compile_insert(meta<Product>(), dialect("my"), {}, {{}}, false).sql,
            "INSERT INTO `product` () VALUES ()");
  // bulk_create(ignore_conflicts=True): no RETURNING, each backend's way of skipping.
  const std::vector<std::vector<Value>> one = {{"a", Decimal(1)}};
  EXPECT_EQ(quarry::detail::compile_insert(m, dialect("pg"), fields, one, false, true).sql,
            "INSERT INTO \"product\" (\"name\", \"price\") VALUES ($1::text, $2::numeric) "
            "ON CONFLICT DO NOTHING");
  EXPECT_EQ(quarry::detail::compile_insert(m, dialect("lite"), fields, one, false, true).sql,
            "INSERT INTO \"product\" (\"name\", \"price\") VALUES (?, ?) ON CONFLICT DO NOTHING");
  EXPECT_EQ(quarry::detail::compile_insert(m, dialect("my"), fields, one, false, true).sql,
            "INSERT IGNORE INTO `product` (`name`, `price`) VALUES (?, ?)");
  const auto all_qs = objects<Product>();
  const Query& all = all_qs.query();
  EXPECT_EQ(quarry::detail::compile_update(all, dialect("pg"), {{"price", F("price") + 10}}).sql,
            "UPDATE \"product\" SET \"price\" = (\"product\".\"price\" + $1::bigint)");
  const auto math_qs = objects<Student>().filter("course", "Math");
  const Query& math = math_qs.query();
  EXPECT_EQ(quarry::detail::compile_update(math, dialect("my"), {{"gpa", F("gpa") + 0.2}}).sql,
            "UPDATE `student` SET `gpa` = (`student`.`gpa` + ?) WHERE `student`.`course` = ?");
  EXPECT_EQ(quarry::detail::compile_delete(math, dialect("lite")).sql,
            "DELETE FROM \"student\" WHERE \"student\".\"course\" = ?");
  EXPECT_EQ(
      quarry::detail::compile_bulk_update(m, dialect("lite"), {m.find("price")},
                                          {int64_t{1}, int64_t{2}}, {{Decimal(5)}, {Decimal(6)}})
          .sql,
      "UPDATE \"product\" SET \"price\" = CASE WHEN \"id\" = ? THEN ? WHEN \"id\" = ? THEN ? ELSE "
      "\"price\" END WHERE \"id\" IN (?, ?)");
  EXPECT_THROW(quarry::detail::compile_update(objects<Product>().slice(0, 1).query(), dialect("pg"),
                                              {{"price", 1}}),
               ProgrammingError);
}

TEST_F(Sql, RowLocks) {
  EXPECT_NE(on(objects<Order>().select_for_update().filter("pk", 1), "pg")
                .find("WHERE \"shop_order\".\"id\" = $1::bigint FOR UPDATE"),
            std::string::npos);
  // Each option in each backend's words.
  const auto orders = Order::objects().order_by({}).select_related("customer");
  const auto tail = [](const std::string& sql) { return sql.substr(sql.find(" FOR ")); };
  EXPECT_EQ(tail(on(orders.select_for_update({.nowait = true, .of = {"self", "customer"}}), "pg")),
            " FOR UPDATE OF \"shop_order\", \"customer\" NOWAIT");
  EXPECT_EQ(tail(on(orders.select_for_update({.skip_locked = true, .no_key = true}), "pg")),
            " FOR NO KEY UPDATE SKIP LOCKED");
  EXPECT_EQ(tail(on(orders.select_for_update({.skip_locked = true}), "my")),
            " FOR UPDATE SKIP LOCKED");
  EXPECT_EQ(tail(on(orders.select_for_update({.nowait = true}), "my")), " FOR UPDATE NOWAIT");
  // What a backend lacks is refused by name before any SQL is sent.
  for (const auto& [options, name] : std::vector<std::pair<ForUpdate, std::string>>{
           {{.of = {"self"}}, "of"}, {{.no_key = true}, "no_key"}}) {
    try {
      on(orders.select_for_update(options), "my");
      FAIL() << name;
    } catch (const NotSupportedError& e) {
      EXPECT_NE(
          std::string(e.what()).find("select_for_update(" + name + ") is not supported by mysql"),
          std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(on(orders.select_for_update({.skip_locked = true}), "old_maria"), NotSupportedError);
  EXPECT_THROW(orders.select_for_update({.nowait = true, .skip_locked = true}), ValueError);
  EXPECT_THROW(on(orders.select_for_update({.of = {"status"}}), "pg"), FieldError);
  // count() of a locking queryset counts through a subquery that holds the lock.
  const auto counted =
      detail::compile_count(orders.select_for_update({.nowait = true}).query(), dialect("pg"));
  EXPECT_NE(counted.sql.find("FOR UPDATE NOWAIT) subquery"), std::string::npos) << counted.sql;
  // SQLite has no row locks: no clause (its transactions begin IMMEDIATE instead).
  EXPECT_EQ(on(orders.select_for_update(), "lite").find(" FOR "), std::string::npos);
}

TEST_F(Sql, ManagersFilterByDefault) {
  EXPECT_EQ(where(User::objects().all(), "pg"), "WHERE \"app_user\".\"is_deleted\" = $1::boolean");
  EXPECT_EQ(where(User::all_objects().all(), "pg"), "");
  EXPECT_EQ(
      where(Product::objects().active().expensive(), "pg"),
      "WHERE \"product\".\"is_active\" = $1::boolean AND \"product\".\"price\" >= $2::numeric");
  // Built-in and custom methods chain in any order, on the manager or its querysets.
  EXPECT_EQ(where(Product::objects().filter("name", "x").active(), "lite"),
            "WHERE \"product\".\"name\" = ? AND \"product\".\"is_active\" = ?");
  EXPECT_EQ(where(Product::objects().search("lap"), "lite"),
            "WHERE \"product\".\"name\" LIKE ? ESCAPE '\\'");
  // The default manager is the model's own objects().
  EXPECT_EQ(where(objects<User>().all(), "lite"), "WHERE \"app_user\".\"is_deleted\" = ?");
}

TEST_F(Sql, TenantManagerReadsTheTenantWhenTheQueryIsMade) {
  current_tenant() = 7;
  EXPECT_EQ(where(Note::objects().all(), "pg"), "WHERE \"tenant_note\".\"tenant_id\" = $1::bigint");
  EXPECT_EQ(params(Note::objects().all()), (std::vector<Value>{int64_t{7}}));
  current_tenant() = 8;
  EXPECT_EQ(params(Note::objects().all()), (std::vector<Value>{int64_t{8}}));
  current_tenant().reset();
  EXPECT_EQ(where(Note::objects().all(), "pg"), "WHERE 1 = 0");
}

TEST_F(Sql, QuerySetsAreImmutable) {
  const auto base = objects<Order>().filter("status", "paid");
  const auto narrower = base.filter("amount__gt", 10);
  const auto ordered = base.order_by({"-amount"});
  EXPECT_EQ(params(base), (std::vector<Value>{"paid"}));
  EXPECT_EQ(params(narrower), (std::vector<Value>{"paid", Decimal(10)}));
  EXPECT_EQ(on(base, "pg").find("ORDER BY"), std::string::npos);
  EXPECT_NE(on(ordered, "pg").find("ORDER BY"), std::string::npos);
}

TEST_F(Sql, SchemaDdlPerDialect) {
  const auto pg = create_table_sql(meta<Student>(), dialect("pg"));
  // The table, the db_index on name, the ForeignKey's index, the Meta index.
  ASSERT_EQ(pg.size(), 4u);
  EXPECT_EQ(
      pg[0],
      "CREATE TABLE IF NOT EXISTS \"student\" (\"id\" bigint GENERATED BY DEFAULT AS IDENTITY "
      "PRIMARY KEY, \"name\" varchar(200) NOT NULL, \"course\" varchar(100) NOT NULL, \"gpa\" "
      "double precision NOT NULL, \"marks\" integer NOT NULL, \"extra_credit\" integer NOT NULL, "
      "\"nickname\" varchar(50) NULL, \"enrolled_on\" date NULL, \"last_seen\" timestamp with time "
      "zone NULL, \"created_at\" timestamp with "
      "time zone NOT NULL, \"classroom_id\" bigint NULL, CONSTRAINT "
      "\"student_classroom_id_fe682375_fk_classroom\" FOREIGN KEY (\"classroom_id\") REFERENCES "
      "\"classroom\" (\"id\"), CONSTRAINT \"student_gpa_range\" "
      "CHECK ((\"gpa\" >= 0 AND \"gpa\" <= 4)))");
  EXPECT_EQ(pg[3], "CREATE INDEX IF NOT EXISTS \"student_course_gpa_" + pg[3].substr(47, 8) +
                       "_idx\" ON \"student\" (\"course\", \"gpa\" DESC)");
  const auto my = create_table_sql(meta<Order>(), dialect("my"));
  EXPECT_EQ(
      my[0],
      "CREATE TABLE IF NOT EXISTS `shop_order` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, "
      "`customer_id` bigint NULL, `amount` numeric(10, 2) NOT NULL, `status` varchar(20) NOT "
      "NULL, `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL, CONSTRAINT "
      "`shop_order_customer_id_b14752ba_fk_customer` FOREIGN KEY (`customer_id`) REFERENCES "
      "`customer` (`id`))");
  EXPECT_EQ(my[3],
            "CREATE INDEX IF NOT EXISTS `order_latest_idx` ON `shop_order` (`created_at` DESC)");
  const auto lite = create_table_sql(meta<Product>(), dialect("lite"));
  EXPECT_EQ(
      lite[0],
      "CREATE TABLE IF NOT EXISTS \"product\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
      "\"name\" varchar(100) NOT NULL, \"price\" decimal NOT NULL, \"created_at\" datetime NOT "
      "NULL, \"is_active\" bool NOT NULL)");
}

TEST_F(Sql, InspectionPrintsSqlAndParameters) {
  EXPECT_EQ(objects<Order>().filter("status", "it's").using_("pg").sql().str().substr(0, 6),
            "SELECT");
  EXPECT_NE(
      objects<Order>().filter("status", "it's").using_("pg").sql().str().find("-- params: 'it''s'"),
      std::string::npos);
}

}  // namespace

namespace required {
using namespace quarry;
// A partial index that is not optional(): an error where partial indexes do not exist.
struct Flag {
  int64_t id = 0;
  bool on = false;
};
inline void quarry_model(ModelDef<Flag>& m) {
  m.field("id", &Flag::id, BigAutoField());
  m.field("on", &Flag::on, BooleanField());
  m.index(Index({"on"}).condition(Q("on", true)));
}
}  // namespace required

namespace {
TEST_F(Sql, SchemaOptionsUniqueColumnsPartialIndexes) {
  const auto pg = create_table_sql(meta<quarry::test::Tag>(), dialect("pg"));
  ASSERT_EQ(pg.size(), 3u);
  EXPECT_NE(pg[0].find("\"slug\" varchar(40) NOT NULL UNIQUE"), std::string::npos);
  EXPECT_NE(pg[0].find("\"display_label\" varchar(80) NOT NULL"), std::string::npos);
  EXPECT_NE(pg[0].find("UNIQUE (\"display_label\", \"kind\")"), std::string::npos);
  // Conditions in DDL are literals (DDL takes no parameters), quoted by the dialect.
  EXPECT_EQ(
      pg[1],
      "CREATE INDEX IF NOT EXISTS \"qt_tag_featured\" ON \"qt_tag\" (\"display_label\") WHERE "
      "(\"featured\" = TRUE AND \"slug\" LIKE 'it''s%')");
  EXPECT_EQ(pg[2],
            "CREATE UNIQUE INDEX IF NOT EXISTS \"qt_tag_kind_slug\" ON \"qt_tag\" (\"kind\", "
            "\"slug\" DESC)");
  const auto lite = create_table_sql(meta<quarry::test::Tag>(), dialect("lite"));
  EXPECT_NE(lite[1].find("WHERE (\"featured\" = 1 AND \"slug\" GLOB 'it''s*')"), std::string::npos);
  // MariaDB has no partial indexes: an optional() one is left out, a required one is an
  // error naming it.
  EXPECT_EQ(create_table_sql(meta<quarry::test::Tag>(), dialect("my")).size(), 2u);
  EXPECT_THROW(create_table_sql(meta<required::Flag>(), dialect("my")), NotSupportedError);
  EXPECT_EQ(create_table_sql(meta<required::Flag>(), dialect("pg")).size(), 2u);
}
}  // namespace
