// Every Value type makes the trip to the database and back unchanged.
#include "support/backend.hpp"

namespace quarry::test {
namespace {

class Values : public BackendTest {};

std::string ten_megabytes() {
  std::string blob(10 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i)
    blob[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return blob;
}

// Without a native decimal column (SQLite's NUMERIC affinity) a decimal keeps 15
// significant digits (docs/backends.md).
std::string long_decimal(bool native) {
  return native ? "1234567890123456789012345678.0123456789" : "12345.6789012345";
}

TEST_F(Values, EveryTypeRoundTripsThroughItsColumn) {
  create_table("qt_values", "id " + type("IntegerField") + " PRIMARY KEY, b " +
                                type("BooleanField") + ", i " + type("BigIntegerField") + ", f " +
                                type("FloatField") + ", d " + type("DecimalField", "38,10") +
                                ", t " + type("TextField") + ", c " + type("CharField", "100") +
                                ", bin " + type("BinaryField") + ", da " + type("DateField") +
                                ", ti " + type("TimeField") + ", dt " + type("DateTimeField") +
                                ", j " + type("JSONField") + ", u " + type("UUIDField"));
  const std::string blob = ten_megabytes();
  const Decimal dec(long_decimal(has_feature("has_native_decimal_field")));
  const std::string text = "naïve café — 日本語 — 🎉 'quoted' \"double\" back\\slash";
  const Date date(2024, 2, 29);
  const Time time(23, 59, 59, 999999);
  const DateTime when(Date(2024, 5, 1), Time(10, 0, 0, 123456));
  const Json json = Json::parse(R"({"b": null, "a": [1, 2.5, "é"]})");
  const Uuid uuid = Uuid::parse("0b1e6f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b");

  const std::string insert =
      sql("INSERT INTO qt_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  EXPECT_EQ(conn().execute(insert, {1, true, INT64_MIN, 1.5e300, dec, text, "x", Bytes(blob), date,
                                    time, when, json, uuid}),
            1);
  EXPECT_EQ(
      conn().execute(insert, {2, false, INT64_MAX, -0.25, Decimal("-0.0000000001"), "", "", Bytes(),
                              Date(1900, 1, 1), Time(), DateTime(), Json::parse("[]"), Uuid()}),
      1);
  EXPECT_EQ(conn().execute(insert, {3, Value(), Value(), Value(), Value(), Value(), Value(),
                                    Value(), Value(), Value(), Value(), Value(), Value()}),
            1);

  ResultSet rs = conn().query("SELECT * FROM qt_values ORDER BY id");
  ASSERT_TRUE(rs.next());
  Row r = rs.row();
  EXPECT_EQ(r.get<bool>("b"), true);
  EXPECT_EQ(r.get<int64_t>("i"), INT64_MIN);
  EXPECT_EQ(r.get<double>("f"), 1.5e300);
  EXPECT_EQ(r.get<Decimal>("d"), dec);
  EXPECT_EQ(r.get<std::string>("t"), text);
  EXPECT_EQ(r.get<Bytes>("bin").size(), blob.size());
  EXPECT_TRUE(r.get<Bytes>("bin").view() == blob);
  EXPECT_EQ(r.get<Date>("da"), date);
  EXPECT_EQ(r.get<Time>("ti"), time);
  EXPECT_EQ(r.get<DateTime>("dt"), when);
  EXPECT_EQ(r.get<Json>("j"), json);
  EXPECT_EQ(r.get<Uuid>("u"), uuid);

  ASSERT_TRUE(rs.next());
  r = rs.row();
  EXPECT_EQ(r.get<bool>("b"), false);
  EXPECT_EQ(r.get<int64_t>("i"), INT64_MAX);
  EXPECT_EQ(r.get<double>("f"), -0.25);
  EXPECT_EQ(r.get<Decimal>("d"), Decimal("-0.0000000001"));
  EXPECT_EQ(r.get<std::string>("t"), "");
  EXPECT_TRUE(r.get<Bytes>("bin").empty());
  EXPECT_EQ(r.get<Date>("da"), Date(1900, 1, 1));
  EXPECT_EQ(r.get<Time>("ti"), Time());
  EXPECT_EQ(r.get<DateTime>("dt"), DateTime());
  EXPECT_EQ(r.get<Json>("j"), Json::parse("[]"));
  EXPECT_EQ(r.get<Uuid>("u"), Uuid());

  ASSERT_TRUE(rs.next());
  r = rs.row();
  for (const char* col : {"b", "i", "f", "d", "t", "c", "bin", "da", "ti", "dt", "j", "u"}) {
    EXPECT_TRUE(r[col].is_null()) << col;
  }
  EXPECT_EQ(r.get<std::optional<int64_t>>("i"), std::nullopt);
  EXPECT_THROW(r.get<int64_t>("i"), ValueError);
  EXPECT_FALSE(rs.next());
}

TEST_F(Values, ParametersComeBackExactly) {
  // Bound and selected straight back, without a column in between.
  // A decimal cast to the backend's decimal type; without one (SQLite) bound and read
  // back as text, every digit kept (a cast would make it a float).
  std::string dec_sql = "SELECT " + param(1, ValueType::Decimal);
  if (has_feature("has_native_decimal_field")) {
    std::string t(dialect().text("cast.DecimalField"));
    if (t.empty()) t = dialect().text("type.DecimalField");
    t = Dialect::render_text(t, {{"max_digits", "38"}, {"decimal_places", "10"}});
    dec_sql = "SELECT " +
              dialect().render("func.Cast", {{"arg", param(1, ValueType::Decimal)}, {"type", t}});
  }
  const Decimal dec("1234567890123456789012345678.0123456789");
  EXPECT_EQ(conn().query_value<Decimal>(dec_sql, {dec}), dec);
  EXPECT_EQ(conn().query_value<std::string>("SELECT " + param(1, ValueType::Text), {"ünïcödé ✓"}),
            "ünïcödé ✓");
  const std::string int_sql = "SELECT " + param(1, ValueType::Int);
  EXPECT_EQ(conn().query_value<int64_t>(int_sql, {INT64_MAX}), INT64_MAX);
  EXPECT_EQ(conn().query_value<std::optional<int64_t>>(int_sql, {Value()}), std::nullopt);
}

TEST_F(Values, GenericRowsKeepTheirTypes) {
  create_table("qt_generic", "id " + type("IntegerField") + ", name " + type("CharField", "20"));
  conn().execute(sql("INSERT INTO qt_generic VALUES (?, ?)"), {7, "seven"});
  ResultSet rs = conn().query("SELECT id, name FROM qt_generic");
  ASSERT_TRUE(rs.next());
  const auto values = rs.row().values();
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].as<int64_t>(), 7);
  EXPECT_EQ(values[1], Value("seven"));
  EXPECT_EQ(rs.column_name(1), "name");
  EXPECT_THROW(rs.row()["nope"], ProgrammingError);
}

}  // namespace
}  // namespace quarry::test
