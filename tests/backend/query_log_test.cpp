// The query log records SQL, parameters and durations, and only when asked to.
#include <thread>

#include "support/backend.hpp"

namespace quarry::test {
namespace {

class QueryLogTest : public BackendTest {};

TEST_F(QueryLogTest, RecordsWhenEnabledOnly) {
  QueryLog& log = db().query_log();
  conn().query_value<int64_t>("SELECT 1");
  EXPECT_EQ(log.size(), 0u);
  log.enable();
  const std::string q = "SELECT " + param(1, ValueType::Text);
  conn().query_value<std::string>(q, {"it's"});
  log.enable(false);
  conn().query_value<int64_t>("SELECT 2");
  const auto entries = log.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].sql, q);
  EXPECT_EQ(entries[0].params, std::vector<std::string>{"'it''s'"});
  EXPECT_EQ(entries[0].alias, "default");
  EXPECT_GE(entries[0].duration.count(), 0);
  log.clear();
  EXPECT_EQ(log.size(), 0u);
}

TEST_F(QueryLogTest, ConfigTurnsItOnAndBoundsIt) {
  databases_ = open_databases("    log_queries: true\n    log_limit: 3\n");
  conn_ = db().connect();
  for (int i = 0; i < 5; ++i) conn().query_value<int64_t>("SELECT " + std::to_string(i));
  const auto entries = db().query_log().entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries.front().sql, "SELECT 2");
  EXPECT_EQ(entries.back().sql, "SELECT 4");
}

TEST_F(QueryLogTest, CaptureCountsThisThreadOnly) {
  QueryCapture capture;
  conn().query_value<int64_t>("SELECT 1");
  std::thread other([&] {
    auto c = db().connect();
    c->query_value<int64_t>("SELECT 2");
  });
  other.join();
  conn().query_value<int64_t>("SELECT 3");
  ASSERT_EQ(capture.count(), 2u);
  EXPECT_EQ(capture.queries()[0].sql, "SELECT 1");
  EXPECT_EQ(capture.queries()[1].sql, "SELECT 3");
  {
    QueryCapture inner("other-alias");
    conn().query_value<int64_t>("SELECT 4");
    EXPECT_EQ(inner.count(), 0u);
  }
  EXPECT_EQ(capture.count(), 3u);
}

}  // namespace
}  // namespace quarry::test
