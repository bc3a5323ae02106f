// The pool shares connections between threads, bounds them and replaces dead ones.
#include <atomic>
#include <thread>

#include "support/backend.hpp"

namespace quarry::test {
namespace {

class PoolTest : public BackendTest {
 protected:
  Pool& pool() { return db().pool(); }
  void reopen(const std::string& pool_yaml) {
    databases_ = open_databases("    pool: " + pool_yaml + "\n");
  }
};

TEST_F(PoolTest, HandsOutAtMostSizeConnectionsAndTimesOut) {
  reopen("{size: 2, acquire_timeout_ms: 100}");
  auto a = pool().acquire();
  auto b = pool().acquire();
  EXPECT_EQ(pool().open_count(), 2u);
  try {
    pool().acquire();
    FAIL() << "acquired a third connection";
  } catch (const OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("pool exhausted: all 2 connections are in use"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.alias(), "default");
  }
  Connection* first = a.get();
  a = PooledConnection();  // gives it back
  auto c = pool().acquire();
  EXPECT_EQ(c.get(), first);  // the idle one is reused, not a new one opened
  EXPECT_EQ(pool().open_count(), 2u);
}

TEST_F(PoolTest, ReplacesAConnectionThatDiedWhileIdle) {
  reopen("{size: 2, health_check_after_ms: 0}");
  Connection* dead;
  {
    auto lease = pool().acquire();
    dead = lease.get();
    lease->query_value<int64_t>("SELECT 1");
    kill(*lease);
  }
  auto lease = pool().acquire();
  EXPECT_EQ(lease->query_value<int64_t>("SELECT 1"), 1);
  EXPECT_EQ(pool().replaced_count(), 1u);
  (void)dead;
}

TEST_F(PoolTest, ABrokenConnectionIsNotReturnedToThePool) {
  reopen("{size: 1, health_check_after_ms: -1}");
  {
    auto lease = pool().acquire();
    kill(*lease);
    EXPECT_THROW(lease->query_value<int64_t>("SELECT 1"), ConnectionLost);
  }
  auto lease = pool().acquire();
  EXPECT_EQ(lease->query_value<int64_t>("SELECT 1"), 1);
  EXPECT_EQ(pool().replaced_count(), 1u);
}

TEST_F(PoolTest, ALeftOpenTransactionIsRolledBackOnReturn) {
  create_table("qt_pool", "id " + type("IntegerField"));
  reopen("{size: 1}");
  {
    auto lease = pool().acquire();
    lease->begin();
    lease->execute(sql("INSERT INTO qt_pool VALUES (?)"), {1});
  }
  auto lease = pool().acquire();
  EXPECT_FALSE(lease->in_transaction());
  EXPECT_EQ(lease->query_value<int64_t>("SELECT COUNT(*) FROM qt_pool"), 0);
}

TEST_F(PoolTest, ThreadsShareThePool) {
  reopen("{size: 3, acquire_timeout_ms: 30000}");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  const std::string q = "SELECT " + param(1, ValueType::Int);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto lease = pool().acquire();
        if (lease->query_value<int64_t>(q, {t * 100 + i}) == t * 100 + i) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 150);
  EXPECT_LE(pool().open_count(), 3u);
}

}  // namespace
}  // namespace quarry::test
