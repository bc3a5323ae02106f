// query_sql() and execute_sql() on a live backend: values bound, rows as Records, the
// atomic block's connection inside a block, and the query log's alias.
#include "quarry/raw_sql.hpp"

#include "support/errors.hpp"
#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Product;

class RawSql : public OrmTest {
 protected:
  // The backend's n-th parameter marker ($1 on PostgreSQL, ? elsewhere).
  static std::string marker(std::size_t n) {
    std::string out;
    database().dialect().append_placeholder(out, n);
    return out;
  }
  static std::string insert_sql() {
    const Dialect& d = database().dialect();
    return "INSERT INTO " + d.quote("product") + " (" + d.quote("name") + ", " + d.quote("price") +
           ", " + d.quote("is_active") + ", " + d.quote("created_at") + ") VALUES (" + marker(1) +
           ", " + marker(2) + ", " + marker(3) + ", " + marker(4) + ")";
  }
  static std::string select_sql() {
    const Dialect& d = database().dialect();
    return "SELECT " + d.quote("name") + ", " + d.quote("price") + " FROM " + d.quote("product") +
           " WHERE " + d.quote("price") + " > " + marker(1) + " ORDER BY " + d.quote("name");
  }
};

TEST_F(RawSql, ValuesAreBoundAndRowsComeBackAsRecordsByColumnName) {
  // Text that would end a literal and start another statement, were it pasted in.
  const std::string hostile = "x'); DROP TABLE product; --";
  QueryCapture log;
  EXPECT_EQ(
      execute_sql(insert_sql(), {Value(hostile), Value(Decimal("12.50")), true, DateTime::now()}),
      1);
  EXPECT_EQ(
      execute_sql(insert_sql(), {Value("cheap"), Value(Decimal("1.00")), true, DateTime::now()}),
      1);
  const std::vector<Record> rows = query_sql(select_sql(), {Value(Decimal("5"))});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].size(), 2u);
  EXPECT_EQ(rows[0].name(0), "name");
  EXPECT_EQ(rows[0].get<std::string>("name"), hostile);
  EXPECT_EQ(rows[0]["price"].convert_to(ValueType::Decimal).as<Decimal>(), Decimal("12.50"));
  ASSERT_EQ(log.count(), 3u);
  for (const auto& q : log.queries()) EXPECT_EQ(q.alias, "default") << q.sql;
  // The ORM sees what the raw SQL wrote.
  EXPECT_EQ(objects<Product>().filter("name", hostile).count(), 1);
}

TEST_F(RawSql, InsideAnAtomicBlockItRunsOnTheBlocksConnectionAndRollsBackWithIt) {
  {
    auto tx = atomic();
    execute_sql(insert_sql(), {Value("inside"), Value(Decimal("9.99")), true, DateTime::now()});
    // Seen inside the block, by raw SQL and by the ORM.
    EXPECT_EQ(query_sql(select_sql(), {Value(Decimal("0"))}).size(), 1u);
    EXPECT_EQ(objects<Product>().count(), 1);
    tx.rollback();
  }
  EXPECT_TRUE(query_sql(select_sql(), {Value(Decimal("0"))}).empty());
}

TEST_F(RawSql, AValueThatIsNotValidUtf8IsRefusedBeforeItIsSent) {
  QueryCapture log;
  EXPECT_THROW(execute_sql(insert_sql(), {Value(std::string("\xff")), Value(Decimal("1")), true,
                                          DateTime::now()}),
               DataError);
  EXPECT_EQ(log.count(), 0u);  // refused before anything was sent
  EXPECT_EQ(objects<Product>().count(), 0);
}

TEST_F(RawSql, AnAliasThatIsNotConfiguredIsAnErrorNamingIt) {
  try {
    query_sql("SELECT 1", {}, {.using_ = "nowhere"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace quarry::test
