// Model declarations are checked when first used, with messages naming what is wrong;
// the schema follows every option.
#include <gtest/gtest.h>

#include "quarry/quarry.hpp"
#include "support/errors.hpp"
#include "support/tag_model.hpp"

using namespace quarry;

namespace bad {
struct TwoOnOneColumn {
  int64_t id = 0;
  std::string a, b;
};
inline void quarry_model(ModelDef<TwoOnOneColumn>& m) {
  m.field("id", &TwoOnOneColumn::id, BigAutoField());
  m.field("a", &TwoOnOneColumn::a, CharField(10).db_column("x"));
  m.field("b", &TwoOnOneColumn::b, CharField(10).db_column("x"));
}
struct DecimalWithoutDigits {
  int64_t id = 0;
  Decimal d{};
};
inline void quarry_model(ModelDef<DecimalWithoutDigits>& m) {
  m.field("id", &DecimalWithoutDigits::id, AutoField());
  m.field("d", &DecimalWithoutDigits::d, DecimalField());
}
struct NoKey {
  std::string name;
};
inline void quarry_model(ModelDef<NoKey>& m) {
  m.field("name", &NoKey::name, CharField(5));
}
struct TwoKeys {
  int64_t a = 0, b = 0;
};
inline void quarry_model(ModelDef<TwoKeys>& m) {
  m.field("a", &TwoKeys::a, BigAutoField());
  m.field("b", &TwoKeys::b, BigIntegerField().primary_key());
}
struct NoMaxLength {
  int64_t id = 0;
  std::string s;
};
inline void quarry_model(ModelDef<NoMaxLength>& m) {
  m.field("id", &NoMaxLength::id, AutoField());
  m.field("s", &NoMaxLength::s, CharField());
}
struct WrongMember {
  int64_t id = 0;
  int count = 0;
};
inline void quarry_model(ModelDef<WrongMember>& m) {
  m.field("id", &WrongMember::id, AutoField());
  m.field("count", &WrongMember::count, CharField(5));
}
struct BadOrdering {
  int64_t id = 0;
};
inline void quarry_model(ModelDef<BadOrdering>& m) {
  m.field("id", &BadOrdering::id, AutoField());
  m.ordering({"-nope"});
}
struct BadName {
  int64_t id = 0;
  int x = 0;
};
inline void quarry_model(ModelDef<BadName>& m) {
  m.field("id", &BadName::id, AutoField());
  m.field("a__b", &BadName::x, IntegerField());
}
struct BadDefault {
  int64_t id = 0;
  int x = 0;
};
inline void quarry_model(ModelDef<BadDefault>& m) {
  m.field("id", &BadDefault::id, AutoField());
  m.field("x", &BadDefault::x, IntegerField().default_value("many"));
}
}  // namespace bad

namespace {

std::string error_of(auto&& f) {
  return quarry::test::error_of<ImproperlyConfigured>(f);
}

TEST(ModelDeclaration, IsCheckedWithClearMessages) {
  EXPECT_EQ(error_of([] { meta<bad::TwoOnOneColumn>(); }),
            "model TwoOnOneColumn: two fields use the column 'x'");
  EXPECT_EQ(error_of([] { meta<bad::DecimalWithoutDigits>(); }),
            "model DecimalWithoutDigits: DecimalField 'd' needs max_digits and decimal_places: "
            "DecimalField(10, 2)");
  EXPECT_EQ(
      error_of([] { meta<bad::NoKey>(); }),
      "model NoKey: has no primary key: declare an AutoField or BigAutoField, or mark a field "
      "primary_key()");
  EXPECT_EQ(error_of([] { meta<bad::TwoKeys>(); }),
            "model TwoKeys: has two primary keys, 'a' and 'b'");
  EXPECT_EQ(error_of([] { meta<bad::NoMaxLength>(); }),
            "model NoMaxLength: CharField 's' needs a max_length: CharField(100)");
  EXPECT_EQ(error_of([] { meta<bad::WrongMember>(); }),
            "model WrongMember: field 'count' is a CharField, but its member is a int");
  EXPECT_EQ(error_of([] { meta<bad::BadOrdering>(); }),
            "model BadOrdering: ordering names 'nope', which is not a field; the fields are: id");
  EXPECT_NE(error_of([] { meta<bad::BadName>(); }).find("'a__b' is not a valid field name"),
            std::string::npos);
  EXPECT_NE(error_of([] { meta<bad::BadDefault>(); }).find("has a default that does not fit it"),
            std::string::npos);
  // A failed declaration stays failed, with the same message, on every use.
  EXPECT_EQ(error_of([] { meta<bad::NoKey>(); }), error_of([] { meta<bad::NoKey>(); }));
}

// Django's default= takes any value of the field's type: IntegerField(default=0) too,
// where a literal 0 could also be a null function.
TEST(ModelDeclaration, ADefaultIsAnyValueOrACallable) {
  EXPECT_EQ(IntegerField().default_value(0).default_value(), Value(0));
  EXPECT_EQ(FloatField().default_value(0).default_value(), Value(0));
  EXPECT_EQ(DecimalField(5, 2).default_value(Decimal("1.50")).default_value(),
            Value(Decimal("1.50")));
  EXPECT_EQ(CharField(5).default_value("x").default_value(), Value("x"));
  int calls = 0;
  const FieldSpec per_object = IntegerField().default_value([&calls] { return ++calls; });
  EXPECT_EQ(per_object.default_value(), Value(1));
  EXPECT_EQ(per_object.default_value(), Value(2));  // run per object
}

TEST(ModelDeclaration, KnowsItsFields) {
  const ModelMeta& m = meta<quarry::test::Tag>();
  EXPECT_EQ(m.name(), "Tag");
  EXPECT_EQ(m.table(), "qt_tag");
  EXPECT_EQ(m.pk().name(), "id");
  EXPECT_EQ(m.find("pk"), &m.pk());
  EXPECT_EQ(m.field("label").column(), "display_label");
  EXPECT_TRUE(m.field("kind").null()) << "std::optional member";
  EXPECT_FALSE(m.field("slug").null());
  EXPECT_EQ(m.field("kind").spec().choice_list().at(1).second, "Beta");
  EXPECT_THROW(m.field("nope"), FieldError);
}

}  // namespace
