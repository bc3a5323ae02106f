// A primary and its real replica (scripts/test-servers.sh starts a PostgreSQL standby and
// a MariaDB GTID replica): reads go to the replica, writes to the primary, and a reader
// never misses its own committed write however far the replica lags.
#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <thread>

#include "quarry/raw_sql.hpp"
#include "seed/models.hpp"
#include "support/backend.hpp"
#include "support/errors.hpp"
#include "support/replica.hpp"

namespace quarry::test {
namespace {

using namespace seed;

class ReplicaRouting : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!require_backend()) return;
    {
      auto plain = open_databases();
      if (!require_replica((*plain)["default"].dialect())) return;
    }
    replica_ = std::make_unique<ReplicaConnection>();
    configure(Config::parse(yaml(replica_url()), "<replica test config>"));
    drop_seed_tables();
    create_seed_tables();
    catch_up();
    ready_ = true;
  }
  void TearDown() override {
    if (!ready_) return;
    if (paused_) resume();
    configure(Config::parse(yaml(replica_url()), "<replica test teardown>"));
    drop_seed_tables();
  }
  // Health checks only at start unless a test asks for them: on MariaDB a paused replica
  // does not replicate, and a check would take it out of rotation mid-test.
  static std::string yaml(const std::string& replica, int64_t max_lag_ms = 60000,
                          int64_t health_check_ms = 3'600'000) {
    return "databases:\n  default:\n    url: \"" + backend_url() +
           "\"\n    replicas: [replica]\n    health_check_ms: " + std::to_string(health_check_ms) +
           "\n    max_lag_ms: " + std::to_string(max_lag_ms) + "\n  replica:\n    url: \"" +
           replica + "\"\n";
  }
  // Waits until the replica has replayed everything the primary has committed so far.
  void catch_up() {
    PooledConnection primary = database("default").acquire();
    wait_until_replica_reached(**replica_, replica_position(*primary));
  }
  void pause() {
    pause_replay(**replica_);
    paused_ = true;
  }
  void resume() {
    resume_replay(**replica_);
    paused_ = false;
  }
  // The alias that answered `read`, run on a thread of its own (which has no writes of
  // its own to wait for).
  template <class F>
  static std::string alias_on_fresh_thread(F&& read) {
    std::string alias;
    std::thread([&] {
      QueryCapture log;
      read();
      alias = last_alias(log);
    }).join();
    return alias;
  }
  // The alias of the last of the application's statements (routing ones left out).
  static std::string last_alias(const QueryCapture& log) {
    const auto& all = log.queries();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (!it->routing) return it->alias;
    }
    return "(none)";
  }

  std::unique_ptr<ReplicaConnection> replica_;  // made once the test is known to need it
  bool ready_ = false;
  bool paused_ = false;
};

TEST_F(ReplicaRouting, ReadsAreAnsweredByTheReplicaAndWritesByThePrimary) {
  if (!ready_) return;
  QueryCapture log;
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  EXPECT_EQ(last_alias(log), "default");
  catch_up();
  EXPECT_EQ(objects<Customer>().get({{"id", ann.id}}).name, "Ann");
  EXPECT_EQ(last_alias(log), "replica");
  EXPECT_EQ(objects<Customer>().count(), 1);
  EXPECT_EQ(last_alias(log), "replica");
  // The server behind that alias is the replica, as the server itself says.
  PooledConnection r = database("replica").acquire();
  EXPECT_TRUE(is_replica(*r));
  PooledConnection p = database("default").acquire();
  EXPECT_FALSE(is_replica(*p));
  // Updates, deletes and bulk writes go to the primary.
  log.clear();
  objects<Customer>().filter({{"id", ann.id}}).update({{"email", "ann@x"}});
  std::vector<Customer> more = {{.name = "B", .email = "b@x"}};
  objects<Customer>().bulk_create(more);
  objects<Customer>().filter({{"name", "B"}}).remove();
  for (const auto& q : log.queries()) EXPECT_EQ(q.alias, "default") << q.sql;
}

TEST_F(ReplicaRouting, AtomicBlocksAndRowLocksReadThePrimary) {
  if (!ready_) return;
  objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  catch_up();
  QueryCapture log;
  atomic([&] {
    (void)objects<Customer>().count();
    EXPECT_EQ(last_alias(log), "default");
    (void)objects<Customer>().select_for_update().filter({{"name", "Ann"}}).size();
    EXPECT_EQ(last_alias(log), "default");
  });
  EXPECT_EQ(alias_on_fresh_thread([] { (void)objects<Customer>().count(); }), "replica");
}

TEST_F(ReplicaRouting, AReadRightAfterAWriteSeesItWhileTheReplicaIsBehind) {
  if (!ready_) return;
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "old"}});
  catch_up();
  pause();
  ann.email = "new";
  save(ann);
  // This thread committed "new": it reads it, from the primary, while the replica has
  // not replayed it...
  QueryCapture log;
  EXPECT_EQ(objects<Customer>().get({{"id", ann.id}}).email, "new");
  EXPECT_EQ(last_alias(log), "default");
  // ...as another thread, which wrote nothing, shows: the replica still has "old".
  std::string seen;
  EXPECT_EQ(alias_on_fresh_thread([&] {
              seen = objects<Customer>().get({{"id", ann.id}}).email;
            }),
            "replica");
  EXPECT_EQ(seen, "old");
  // Once the replica has replayed the write, this thread reads from it again.
  resume();
  catch_up();
  EXPECT_EQ(objects<Customer>().get({{"id", ann.id}}).email, "new");
  EXPECT_EQ(last_alias(log), "replica");
}

// The query cache on a primary with a replica behind: a miss reads the primary, so an
// entry never hides a write the replica has not replayed.
TEST_F(ReplicaRouting, ACachedReadIsFilledFromThePrimaryNeverFromAReplicaBehind) {
  if (!ready_) return;
  std::string y = yaml(replica_url());
  y.replace(y.find("    replicas:"), 0, "    cache: {backend: memory}\n");
  configure(Config::parse(y, "<replica cache config>"));
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "old"}});
  catch_up();
  pause();
  ann.email = "new";
  save(ann);
  const auto cached = [&] {
    return objects<Customer>().cache(std::chrono::seconds(60)).get({{"id", ann.id}});
  };
  // A thread with no writes of its own: uncached, the replica answers, with "old"...
  std::string seen;
  EXPECT_EQ(alias_on_fresh_thread([&] {
              seen = objects<Customer>().get({{"id", ann.id}}).email;
            }),
            "replica");
  EXPECT_EQ(seen, "old");
  // ...through the cache, the primary fills the entry, with "new"...
  EXPECT_EQ(alias_on_fresh_thread([&] { seen = cached().email; }), "default");
  EXPECT_EQ(seen, "new");
  // ...which the next reader is served, from the cache, while the replica is still behind.
  std::size_t hits = 0;
  std::thread([&] {
    QueryCapture log;
    seen = cached().email;
    hits = log.cache_hits();
  }).join();
  EXPECT_EQ(seen, "new");
  EXPECT_EQ(hits, 1u);
}

TEST_F(ReplicaRouting, TheRoutingLayersOwnStatementsAreLoggedMarkedAndNotCounted) {
  if (!ready_) return;
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "old"}});
  catch_up();
  pause();
  QueryCapture log;
  ann.email = "new";
  save(ann);  // the UPDATE, then the primary's position (a routing statement)
  EXPECT_EQ(log.count(), 1u);
  EXPECT_EQ(log.routing_count(), 1u);
  ASSERT_EQ(log.queries().size(), 2u);
  EXPECT_FALSE(log.queries()[0].routing);
  EXPECT_TRUE(log.queries()[1].routing);
  EXPECT_EQ(log.queries()[1].alias, "default");
  // A read asks the replica whether it has the write (routing, on the replica), then
  // reads from the primary: one statement of the application's.
  log.clear();
  EXPECT_EQ(objects<Customer>().get({{"id", ann.id}}).email, "new");
  EXPECT_EQ(log.count(), 1u);
  ASSERT_EQ(log.routing_count(), 1u);
  EXPECT_EQ(log.queries()[0].alias, "replica");
  EXPECT_TRUE(log.queries()[0].routing);
  EXPECT_EQ(log.queries()[1].alias, "default");
  EXPECT_FALSE(log.queries()[1].routing);
}

TEST_F(ReplicaRouting, RawSqlRunsOnThePrimaryAndItsWritesAreReadBack) {
  if (!ready_) return;
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "old"}});
  catch_up();
  pause();
  const Dialect& d = database().dialect();
  std::string sql = "UPDATE " + d.quote("customer") + " SET " + d.quote("email") + " = ";
  d.append_placeholder(sql, 1);
  sql += " WHERE " + d.quote("id") + " = ";
  d.append_placeholder(sql, 2);
  QueryCapture log;
  EXPECT_EQ(execute_sql(sql, {Value("new"), Value(ann.id)}), 1);
  EXPECT_EQ(log.queries().at(0).alias, "default");
  // A raw read is the primary's, and so sees the write at once; even on a thread that
  // wrote nothing, whose ORM reads the replica answers.
  const std::string select = "SELECT " + d.quote("email") + " FROM " + d.quote("customer");
  EXPECT_EQ(query_sql(select).at(0).get<std::string>("email"), "new");
  EXPECT_EQ(last_alias(log), "default");
  std::string fresh;
  EXPECT_EQ(
      alias_on_fresh_thread([&] { fresh = query_sql(select).at(0).get<std::string>("email"); }),
      "default");
  EXPECT_EQ(fresh, "new");
  // The raw write counts for read-your-writes: the ORM's next read here sees it too.
  EXPECT_EQ(objects<Customer>().get({{"id", ann.id}}).email, "new");
  EXPECT_EQ(last_alias(log), "default");
  // A reader that wrote nothing reads the replica, which has not replayed it.
  std::string other;
  EXPECT_EQ(alias_on_fresh_thread([&] {
              other = objects<Customer>().get({{"id", ann.id}}).email;
            }),
            "replica");
  EXPECT_EQ(other, "old");
}

TEST_F(ReplicaRouting, AReadYourWritesScopeCarriesTheWriteToAnotherThread) {
  if (!ready_) return;
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "old"}});
  catch_up();
  pause();
  ReadYourWrites session;
  std::thread([&] {
    auto bound = session.bind();
    ann.email = "new";
    save(ann);
  }).join();
  // A request on another thread with the same session sees the write...
  std::string seen, where;
  std::thread([&] {
    auto bound = session.bind();
    QueryCapture log;
    seen = objects<Customer>().get({{"id", ann.id}}).email;
    where = last_alias(log);
  }).join();
  EXPECT_EQ(seen, "new");
  EXPECT_EQ(where, "default");
  // ...and one without it reads the replica's older state: the scope is what made the
  // difference.
  std::string other;
  EXPECT_EQ(alias_on_fresh_thread([&] {
              other = objects<Customer>().get({{"id", ann.id}}).email;
            }),
            "replica");
  EXPECT_EQ(other, "old");
  resume();
}

TEST_F(ReplicaRouting, AReplicaThatIsDownCostsNoError) {
  if (!ready_) return;
  std::mutex m;
  std::vector<std::string> lines;
  set_log_handler([&](LogLevel, std::string_view line) {
    std::lock_guard lock(m);
    lines.emplace_back(line);
  });
  // A replica nobody listens at (port 1 of this machine).
  const std::string dead = std::regex_replace(backend_url(), std::regex(":[0-9]+/"), ":1/");
  configure(Config::parse(yaml(dead), "<dead replica config>"));
  objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(alias_on_fresh_thread([] { EXPECT_EQ(objects<Customer>().count(), 1); }), "default");
  }
  set_log_handler(stderr_log_handler);
  bool said = false;
  for (const auto& l : lines) {
    said |= l.find("replica 'replica' of 'default' is out of rotation") == 0;
  }
  EXPECT_TRUE(said) << (lines.empty() ? "no log line" : lines.front());
}

TEST_F(ReplicaRouting, AReplicaThatLagsTooFarIsTakenOutOfRotationAndComesBack) {
  if (!ready_) return;
  configure(Config::parse(yaml(replica_url(), /*max_lag_ms=*/100, /*health_check_ms=*/20),
                          "<lag config>"));
  set_log_handler(nullptr);
  objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  catch_up();
  pause();
  objects<Customer>().create({{"name", "Bob"}, {"email", "b@x"}});
  // The health checks (every 20 ms) find the lag; reads then go to the primary.
  while (alias_on_fresh_thread([] { (void)objects<Customer>().count(); }) != "default") {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(alias_on_fresh_thread([] { EXPECT_EQ(objects<Customer>().count(), 2); }), "default");
  resume();
  catch_up();
  while (alias_on_fresh_thread([] { (void)objects<Customer>().count(); }) != "replica") {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  set_log_handler(stderr_log_handler);
}

TEST_F(ReplicaRouting, EightThreadsMixingReadsAndWritesEachSeeTheirOwnWrites) {
  if (!ready_) return;
  std::atomic<int> wrong{0}, on_replica{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Customer c = objects<Customer>().create({{"name", "T" + std::to_string(t)}, {"email", "0"}});
      for (int i = 1; i <= 25; ++i) {
        c.email = std::to_string(i);
        save(c);
        QueryCapture log;
        if (objects<Customer>().get({{"id", c.id}}).email != c.email) ++wrong;
        // Other threads' rows, read where they may be served.
        (void)objects<Customer>().filter({{"name__startswith", "T"}}).count();
        if (last_alias(log) == "replica") ++on_replica;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  RecordProperty("reads_on_replica", on_replica.load());
}

}  // namespace
}  // namespace quarry::test
