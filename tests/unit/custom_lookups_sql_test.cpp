// Lookups the application registers (quarry/lookups.hpp): the SQL each dialect emits for
// them, with no server, and the names and templates registration refuses.
#include <gtest/gtest.h>

#include <algorithm>

#include "orm/lookups.hpp"
#include "quarry/plugin/dialect_keys.h"
#include "seed/models.hpp"
#include "support/custom_lookups.hpp"
#include "support/errors.hpp"
#include "support/sql_fixture.hpp"

using namespace seed;

namespace {

class CustomLookups : public quarry::test::SqlTest {
 protected:
  void SetUp() override { quarry::test::register_test_lookups(); }
  template <class QS>
  static std::string where_on(const QS& qs, const char* alias) {
    return where(qs.order_by({}), alias);
  }
};

TEST_F(CustomLookups, ARegisteredLookupIsItsTemplateOverTheQuotedColumnAndOneParameter) {
  const auto qs = objects<Student>().filter("marks__ne", 3);
  EXPECT_EQ(where_on(qs, "pg"), "WHERE \"student\".\"marks\" <> $1::bigint");
  EXPECT_EQ(where_on(qs, "my"), "WHERE `student`.`marks` <> ?");
  EXPECT_EQ(where_on(qs, "lite"), "WHERE \"student\".\"marks\" <> ?");
  EXPECT_EQ(params(qs), (std::vector<Value>{int64_t{3}}));
  // The value is a parameter, whatever it holds.
  const auto hostile = objects<Student>().filter("name__ne", "x' OR 1=1; --");
  EXPECT_EQ(where_on(hostile, "my"), "WHERE `student`.`name` <> ?");
  EXPECT_EQ(params(hostile), (std::vector<Value>{"x' OR 1=1; --"}));
}

TEST_F(CustomLookups, TheValueIsConvertedToTheColumnsKindAndMayBeAnExpression) {
  EXPECT_EQ(params(objects<Product>().filter("price__ne", 500)),
            (std::vector<Value>{Decimal(500)}));
  EXPECT_THROW(objects<Student>().filter("marks__ne", "many").sql(), ValueError);
  EXPECT_EQ(where_on(objects<Student>().filter("marks__ne", F("extra_credit")), "my"),
            "WHERE `student`.`marks` <> `student`.`extra_credit`");
  EXPECT_THROW(objects<Student>().filter("marks__ne", F("name")).sql(), FieldError);
}

TEST_F(CustomLookups, ItFollowsTransformsAndExcludeKeepsNulls) {
  EXPECT_EQ(where_on(objects<Student>().filter("created_at__year__ne", 2024), "pg"),
            "WHERE EXTRACT(YEAR FROM \"student\".\"created_at\") <> $1::bigint");
  EXPECT_EQ(where_on(objects<Student>().exclude("nickname__ne", "Al"), "pg"),
            "WHERE NOT ((\"student\".\"nickname\" <> $1::text AND \"student\".\"nickname\" IS "
            "NOT NULL))");
}

TEST_F(CustomLookups, AnEngineMayHaveATemplateOfItsOwn) {
  const auto qs = objects<Student>().filter("name__ieq", "ann");
  EXPECT_EQ(where_on(qs, "pg"), "WHERE UPPER(\"student\".\"name\") = UPPER($1::text)");
  EXPECT_EQ(where_on(qs, "my"), "WHERE UPPER(`student`.`name`) = UPPER(?)");
  EXPECT_EQ(where_on(qs, "lite"), "WHERE \"student\".\"name\" = ? COLLATE NOCASE");
}

TEST_F(CustomLookups, AKindItDoesNotApplyToIsAFieldErrorNamingTheKindsItTakes) {
  EXPECT_EQ(quarry::test::error_of<FieldError>([] { objects<Student>().filter("marks__ieq", 1); }),
            "Unsupported lookup 'ieq' for IntegerField: 'ieq' applies to CharField, TextField");
}

TEST_F(CustomLookups, BadNamesAreRefusedWithValueErrorNamingThem) {
  using quarry::test::error_of;
  const auto refused = [](std::string name) {
    return error_of<ValueError>([&] { register_lookup({.name = name, .sql = "{lhs} = {rhs}"}); });
  };
  const std::string word =
      ": a lookup name is ASCII lower-case letters, digits and single '_' between them (at "
      "most 63, starting with a letter), so that it cannot be read as part of a path";
  for (const char* bad : {"", "not__equal", "_ne", "ne_", "Ne", "1ne", "n e", "ne;", "né"}) {
    EXPECT_EQ(refused(bad), "'" + std::string(bad) + "' cannot be registered as a lookup" + word);
  }
  EXPECT_EQ(refused(std::string(64, 'a')),
            "'" + std::string(64, 'a') + "' cannot be registered as a lookup" + word);
  EXPECT_EQ(refused("icontains"),
            "'icontains' cannot be registered as a lookup: there is a lookup of that name already");
  EXPECT_EQ(refused("ne"),
            "'ne' cannot be registered as a lookup: there is a lookup of that name already");
  EXPECT_EQ(refused("year"),
            "'year' cannot be registered as a lookup: there is a transform of that name already");
}

TEST_F(CustomLookups, BadTemplatesAreRefusedAndTheLookupStaysUnknown) {
  using quarry::test::error_of;
  const auto refused = [](std::string sql, std::string engine_sql = "{lhs} = {rhs}") {
    return error_of<ValueError>([&] {
      register_lookup({.name = "nq", .sql = sql, .sql_for = {{"mysql", engine_sql}}});
    });
  };
  const std::string nq = "'nq' cannot be registered as a lookup: ";
  EXPECT_EQ(refused("{lhs} <> ?"),
            nq + "its template holds a '?' or a NUL byte: the value's marker is {rhs}");
  EXPECT_EQ(refused("{lhs} <> {value}"),
            nq + "its template has a slot {value}: a lookup's slots are {lhs} and {rhs}");
  EXPECT_EQ(refused("{lhs} IS NULL"), nq + "its template must hold both {lhs} and {rhs}");
  EXPECT_EQ(refused("{lhs} <> {rhs"), nq + "its template has an unclosed '{'");
  EXPECT_EQ(refused("{lhs} <> {rhs}}"), nq + "its template has an unmatched '}'");
  EXPECT_EQ(refused("{lhs} <> {rhs}", "{lhs} <> {{rhs}}"),
            nq + "its template must hold both {lhs} and {rhs}");
  // Nothing was registered: "nq" is an unknown lookup, with the message it always had.
  EXPECT_EQ(quarry::test::error_of<FieldError>([] { objects<Student>().filter("marks__nq", 1); }),
            "Unsupported lookup 'nq' for IntegerField or join on the field not permitted");
}

TEST_F(CustomLookups, EveryKeyOfTheRegistryIsADeclaredDialectKey) {
  for (const auto& row : quarry::detail::builtin_lookups()) {
    if (!row.key.empty()) {
      EXPECT_TRUE(dialect_keys::is_key(row.key)) << row.key;
    }
    if (!row.pattern_key.empty()) {
      EXPECT_TRUE(dialect_keys::is_key(row.pattern_key)) << row.key;
    }
  }
  for (const auto& row : quarry::detail::transforms()) {
    EXPECT_TRUE(dialect_keys::is_key(row.key)) << row.key;
  }
  const auto& defaults = Dialect::default_text();
  const auto has = [&](std::string_view key, std::string_view text) {
    return std::find(defaults.begin(), defaults.end(),
                     std::pair<std::string, std::string>(key, text)) != defaults.end();
  };
  EXPECT_TRUE(has("lookup.icontains", "UPPER({lhs}) LIKE UPPER({rhs})"));
  EXPECT_TRUE(has("transform.week_day", "(EXTRACT(DOW FROM {lhs}) + 1)"));
}

}  // namespace
