#include <gtest/gtest.h>

#include "quarry/value.hpp"

using namespace quarry;

namespace {
// Reads v as T the way a row is read: through the ABI view.
template <class T>
T through_abi(const Value& v) {
  return v.as<T>();
}
}  // namespace

TEST(Value, RemembersItsType) {
  EXPECT_EQ(Value().type(), ValueType::Null);
  EXPECT_EQ(Value(true).type(), ValueType::Bool);
  EXPECT_EQ(Value(42).type(), ValueType::Int);
  EXPECT_EQ(Value(uint16_t{7}).type(), ValueType::Int);
  EXPECT_EQ(Value(1.5).type(), ValueType::Double);
  EXPECT_EQ(Value(Decimal("1.5")).type(), ValueType::Decimal);
  EXPECT_EQ(Value("text").type(), ValueType::Text);
  EXPECT_EQ(Value(Bytes(std::string("\0\1", 2))).type(), ValueType::Bytes);
  EXPECT_EQ(Value(Date(2024, 1, 1)).type(), ValueType::Date);
  EXPECT_EQ(Value(Json::parse("{}")).type(), ValueType::Json);
  EXPECT_EQ(Value(Uuid::v4()).type(), ValueType::Uuid);
  EXPECT_EQ(Value(std::optional<int>()).type(), ValueType::Null);
  EXPECT_EQ(Value(std::optional<int>(3)).type(), ValueType::Int);
  EXPECT_THROW(Value(UINT64_MAX), ValueError);
}

TEST(Value, ConvertsBetweenCompatibleRepresentations) {
  EXPECT_EQ(through_abi<int32_t>(Value(int64_t{12})), 12);
  EXPECT_EQ(through_abi<int64_t>(Value(Decimal("12.000"))), 12);  // PostgreSQL's SUM(bigint)
  EXPECT_EQ(through_abi<int64_t>(Value(3.0)), 3);
  EXPECT_EQ(through_abi<bool>(Value(1)), true);
  EXPECT_EQ(through_abi<Decimal>(Value(12.5)), Decimal("12.5"));  // SQLite's REAL
  EXPECT_EQ(through_abi<Decimal>(Value("1.25")), Decimal("1.25"));
  EXPECT_EQ(through_abi<DateTime>(Value("2024-05-01 10:00:00")),  // SQLite's text
            DateTime(Date(2024, 5, 1), Time(10, 0)));
  EXPECT_EQ(through_abi<Uuid>(Value("0123456789abcdef0123456789abcdef")).to_string(),
            "01234567-89ab-cdef-0123-456789abcdef");
  EXPECT_EQ(through_abi<std::string>(Value(Decimal("-1.50"))), "-1.50");
  EXPECT_EQ(through_abi<std::optional<int>>(Value()), std::nullopt);
  EXPECT_EQ(through_abi<Value>(Value(Decimal("2.5"))), Value(Decimal("2.5")));
}

TEST(Value, RefusesLossyConversionsWithClearMessages) {
  try {
    through_abi<int8_t>(Value(300));
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "value 300 does not fit in int8");
  }
  try {
    through_abi<int64_t>(Value("abc"));
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "cannot read text 'abc' as int64");
  }
  try {
    through_abi<int64_t>(Value());
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("std::optional"), std::string::npos) << e.what();
  }
  EXPECT_THROW(through_abi<int64_t>(Value(2.5)), ValueError);
  EXPECT_THROW(through_abi<uint32_t>(Value(-1)), ValueError);
  EXPECT_THROW(through_abi<bool>(Value(2)), ValueError);
  EXPECT_THROW(through_abi<Date>(Value(DateTime())), ValueError);
}

TEST(Value, ReprIsAShortSqlLiteral) {
  EXPECT_EQ(Value().repr(), "NULL");
  EXPECT_EQ(Value("it's").repr(), "'it''s'");
  EXPECT_EQ(Value(Bytes(std::string("\x00\xff", 2))).repr(), "X'00ff'");
  EXPECT_EQ(Value(Decimal("1.50")).repr(), "1.50");
  EXPECT_EQ(Value(Date(2024, 1, 2)).repr(), "'2024-01-02'");
  EXPECT_EQ(Value(std::string(500, 'a')).repr().size(),
            1 + 200 + 3 + 1 + std::string("(500 bytes)").size());
}

struct Cents {
  int64_t value;
};
namespace quarry {
template <>
struct ValueTraits<Cents> {
  static Value to_value(const Cents& c) { return Value(Decimal(c.value) / Decimal(100)); }
  static void read(ValueRef v, Cents& out) {
    out.value = (read_as<Decimal>(v) * Decimal(100)).to_int64();
  }
};
}  // namespace quarry

TEST(Value, UserTypesPlugInThroughValueTraits) {
  const Value v = Value::of(Cents{1999});
  EXPECT_EQ(v, Value(Decimal("19.99")));
  EXPECT_EQ(v.as<Cents>().value, 1999);
}
