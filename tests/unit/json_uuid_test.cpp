#include <gtest/gtest.h>

#include <set>

#include "quarry/errors.hpp"
#include "quarry/json.hpp"
#include "quarry/uuid.hpp"

using namespace quarry;

TEST(Json, ValidatesStrictly) {
  EXPECT_TRUE(Json::is_valid(R"({"a": [1, 2.5e3, true, null, "x\u00e9"]})"));
  EXPECT_FALSE(Json::is_valid("{a: 1}"));
  EXPECT_FALSE(Json::is_valid("[1, 2,]"));
  EXPECT_FALSE(Json::is_valid("01"));
  EXPECT_FALSE(Json::is_valid("\"\\ud800\""));
  EXPECT_FALSE(Json::is_valid(std::string(1000, '[')));
  try {
    Json::parse(R"({"a": tru})");
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "invalid JSON at offset 6: invalid literal");
  }
}

TEST(Json, ComparesDocumentsNotSpellings) {
  EXPECT_EQ(Json::parse(R"({"b": 2, "a": [1, {"d": 1, "c": 2}]})"),
            Json::parse(R"({"a":[1,{"c":2,"d":1}],"b":2})"));
  EXPECT_EQ(Json::parse(R"({"a": "\u00e9"})").canonical(), "{\"a\":\"\xc3\xa9\"}");
  EXPECT_EQ(Json::parse("[1.50, 1e2]").canonical(), "[1.5,100]");
  EXPECT_EQ(Json::parse(R"({"a": 1, "a": 2})").canonical(), R"({"a":2})");  // as jsonb
  EXPECT_FALSE(Json::parse("[1, 2]") == Json::parse("[2, 1]"));
}

TEST(Uuid, ParsesFormatsAndGenerates) {
  const Uuid u = Uuid::parse("{01234567-89AB-CDEF-0123-456789ABCDEF}");
  EXPECT_EQ(u.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
  EXPECT_EQ(u.hex(), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(Uuid::parse(u.hex()), u);
  EXPECT_THROW(Uuid::parse("0123"), ValueError);
  EXPECT_THROW(Uuid::parse("01234567-89ab-cdef-0123-456789abcdeg"), ValueError);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(Uuid::v4().to_string());
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(Uuid::v4().to_string()[14], '4');
  const Uuid a = Uuid::v7();
  EXPECT_EQ(a.to_string()[14], '7');
}
