// The query cache (quarry/cache.hpp) on a live backend, over both stores: the in-process
// one and the real Redis scripts/test-servers.sh starts (its outage drills use a Redis of
// their own, tests/support/redis_server.hpp). Each rule of the cache is a test here: what
// is cached, that every write path invalidates exactly the tables it changed, that a read
// racing a write never fills a stale entry, transactions, time to live, single flight,
// and an outage that costs speed, never a wrong answer.
#include "quarry/cache.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "quarry/cte.hpp"
#include "quarry/raw_sql.hpp"
#include "support/orm_fixture.hpp"
#include "support/redis_server.hpp"
#include "support/write_paths.hpp"

namespace quarry::test {
namespace {

using namespace seed;
using namespace std::chrono_literals;

// Each test's keys are its own, so that runs of the backends side by side (and earlier
// runs) on the shared Redis never meet.
std::string fresh_prefix() {
  static int n = 0;
  return "qt:" + backend() + ":" + std::to_string(::getpid()) + ":" + std::to_string(++n) + ":";
}

std::string cache_yaml(const std::string& store, const std::string& url,
                       const std::string& extra = {}, const std::string& prefix = fresh_prefix()) {
  std::string y = "    cache: {backend: " + store + ", key_prefix: \"" + prefix + "\"";
  if (!url.empty()) y += ", url: \"" + url + "\"";
  return y + extra + "}\n";
}

void configure_with_cache(const std::string& cache) {
  configure(Config::parse("databases:\n  default:\n    url: \"" + backend_url() + "\"\n" + cache,
                          "<cache test>"));
}

enum class Seen { Hit, Miss };

// Whether f's reads were answered by the cache alone, or reached the database.
template <class F>
Seen seen(F&& f) {
  QueryCapture c("default");
  f();
  return c.count() == 0 && c.cache_hits() > 0 ? Seen::Hit : Seen::Miss;
}

class Cache : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!require_backend()) return;
    if (store() == "redis" && shared_redis_url().empty()) {
      missing_server("no Redis: set QUARRY_TEST_REDIS_URL (scripts/test-servers.sh does)");
      return;
    }
    configure_with_cache(cache_yaml(store(), store() == "redis" ? shared_redis_url() : ""));
    drop_seed_tables();
    create_seed_tables();
    ready_ = true;
  }
  void TearDown() override {
    testing::set_before_cache_fill({});
    if (ready_) drop_seed_tables();
  }
  const std::string& store() const { return GetParam(); }
  static auto products() { return objects<Product>().order_by({"name"}).cache(60s); }
  static Product product(const std::string& name, int price) {
    return objects<Product>().create({{"name", name}, {"price", price}});
  }

  bool ready_ = false;
};

std::vector<std::string> names(const std::vector<Product>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.name);
  return out;
}

TEST_P(Cache, AMissAHitAWriteAndTheNextReadMissesAgain) {
  if (!ready_) return;
  product("b", 2);
  product("a", 1);
  reset_cache_stats();
  {
    QueryCapture c("default");
    EXPECT_EQ(names(products().list()), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(c.count(), 1u);
    EXPECT_EQ(c.cache_hits(), 0u);
  }
  {
    QueryCapture c("default");
    const auto again = products().list();
    EXPECT_EQ(names(again), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(again[0].price, Decimal(1));
    EXPECT_EQ(c.count(), 0u) << "a hit sends nothing to the database";
    ASSERT_EQ(c.cache_hits(), 1u);
    EXPECT_TRUE(c.queries()[0].cache_hit);
    EXPECT_EQ(c.queries()[0].sql, products().sql().sql);
  }
  product("c", 3);
  EXPECT_EQ(seen([] { EXPECT_EQ(products().list().size(), 3u); }), Seen::Miss);
  EXPECT_EQ(seen([] { EXPECT_EQ(products().list().size(), 3u); }), Seen::Hit);
  const CacheStats s = cache_stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.fills, 2u);
  EXPECT_GE(s.invalidations, 1u);
  EXPECT_EQ(s.errors, 0u);
}

TEST_P(Cache, EveryKindOfReadIsCachedAndAnswersAsTheDatabaseDid) {
  if (!ready_) return;
  Customer ann = objects<Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  Customer bob = objects<Customer>().create({{"name", "Bob"}, {"email", "b@x"}});
  const auto order = [](const Customer& c, const char* amount) {
    Order o;
    o.customer = c;
    o.amount = Decimal(amount);
    Order::objects().create(o);
  };
  order(ann, "10.50");
  order(ann, "2.25");
  order(bob, "7.00");
  Author au = objects<Author>().create({{"name", "Au"}});
  Book bk = objects<Book>().create({{"title", "T"}});
  bk.authors.add(au);

  // Each read twice: the first from the database, the second from the cache alone, with
  // the same answer. A reader returns what it read as text, to compare.
  using Read = std::function<std::string()>;
  const auto customers = [] { return objects<Customer>().order_by({"name"}).cache(60s); };
  const std::vector<std::pair<const char*, Read>> reads = {
      {"get", [&] { return customers().get("name", "Bob").email; }},
      {"get (DoesNotExist)",
       [&] {
         try {
           customers().get("name", "Zed");
           return std::string("found");
         } catch (const DoesNotExist&) {
           return std::string("none");
         }
       }},
      {"first", [&] { return customers().first()->name; }},
      {"last", [&] { return customers().last()->name; }},
      {"count", [&] { return std::to_string(customers().count()); }},
      {"exists", [&] { return std::to_string(customers().filter("name", "Ann").exists()); }},
      {"aggregate",
       [&] {
         return Order::objects()
             .cache(60s)
             .aggregate(Sum("amount"))
             .get<Decimal>("amount__sum")
             .to_string();
       }},
      {"values",
       [&] {
         std::string s;
         for (const Record& r : customers().values({"name", "email"})) {
           s += r.get<std::string>("email") + ";";
         }
         return s;
       }},
      {"values_list",
       [&] {
         std::string s;
         for (const std::string& name : customers().values_list<std::string>("name")) s += name;
         return s;
       }},
      {"values + annotate (GROUP BY)",
       [&] {
         std::string s;
         for (const Record& r : customers().values({"name"}).annotate("n", Count("orders"))) {
           s += r.get<std::string>("name") + std::to_string(r.get<int64_t>("n"));
         }
         return s;
       }},
      {"select_related",
       [&] {
         std::string s;
         for (const Order& o :
              Order::objects().select_related("customer").order_by({"id"}).cache(60s)) {
           s += o.customer->name;
         }
         return s;
       }},
      {"prefetch_related",
       [&] {
         std::string s;
         for (const Book& b : objects<Book>().prefetch_related("authors").cache(60s)) {
           for (const Author& a : b.authors.all()) s += b.title + a.name;
         }
         return s;
       }},
      {"a subquery",
       [&] {
         return std::to_string(
             customers()
                 .filter("id__in", Order::objects().filter("amount__gt", 5).values({"customer"}))
                 .count());
       }},
      {"Exists()",
       [&] {
         const auto orders = Order::objects().filter("customer", OuterRef("pk"));
         return std::to_string(customers().filter(Exists(orders)).count());
       }},
  };
  for (const auto& [what, read] : reads) {
    std::string first, second;
    EXPECT_EQ(seen([&] { first = read(); }), Seen::Miss) << what;
    EXPECT_EQ(seen([&] { second = read(); }), Seen::Hit) << what;
    EXPECT_EQ(first, second) << what;
  }
  // prefetch_related: the books' query and the authors' query, each an entry of its own.
  QueryCapture c("default");
  for (const Book& b : objects<Book>().prefetch_related("authors").cache(60s)) (void)b;
  EXPECT_EQ(c.cache_hits(), 2u);
  EXPECT_EQ(c.count(), 0u);
}

TEST_P(Cache, ACteIsCachedAndItsMembersTablesInvalidateIt) {
  if (!ready_ || !require_feature(database().dialect(), "supports_cte")) return;
  objects<Student>().create({{"name", "Ann"}, {"course", "Math"}, {"gpa", 3.0}});
  const auto count = [] {
    const With cte(objects<Student>().filter("gpa__gt", 2.0).values({"id", "name"}), "good");
    return cte.queryset().cache(60s).count();
  };
  EXPECT_EQ(seen([&] { EXPECT_EQ(count(), 1); }), Seen::Miss);
  EXPECT_EQ(seen([&] { EXPECT_EQ(count(), 1); }), Seen::Hit);
  objects<Student>().create({{"name", "Bob"}, {"course", "Math"}, {"gpa", 3.5}});
  EXPECT_EQ(seen([&] { EXPECT_EQ(count(), 2); }), Seen::Miss);
}

// One table-driven walk over every write path: after each, exactly the cached reads of
// the tables it changed miss, and the others still hit.
TEST_P(Cache, EveryWritePathInvalidatesExactlyTheTablesItChanged) {
  if (!ready_) return;
  // A cached read of each table; the many-to-many one reads book, book_authors, author.
  struct Probe {
    const char* name;
    std::function<int64_t()> read;
    std::vector<std::string> tables;
  };
  const std::vector<Probe> probes = {
      {"product", [] { return objects<Product>().cache(60s).count(); },
       objects<Product>().sql().tables},
      {"student", [] { return objects<Student>().cache(60s).count(); },
       objects<Student>().sql().tables},
      {"classroom", [] { return objects<Classroom>().cache(60s).count(); },
       objects<Classroom>().sql().tables},
      {"assignment", [] { return objects<Assignment>().cache(60s).count(); },
       objects<Assignment>().sql().tables},
      {"author", [] { return objects<Author>().cache(60s).count(); },
       objects<Author>().sql().tables},
      {"book's authors",
       [] { return objects<Book>().filter("authors__name", "Ann").cache(60s).count(); },
       objects<Book>().filter("authors__name", "Ann").sql().tables},
  };
  ASSERT_EQ(probes.back().tables, (std::vector<std::string>{"author", "book", "book_authors"}));

  for (const WritePath& c : every_write_path()) {
    for (const Probe& p : probes) (void)p.read();  // every probe cached (or refilled)
    for (const Probe& p : probes) {
      ASSERT_EQ(seen(p.read), Seen::Hit) << c.what << ": " << p.name << " before the write";
    }
    c.write();
    for (const Probe& p : probes) {
      bool touched = false;
      for (const auto& t : p.tables) touched = touched || c.tables.count(t) > 0;
      EXPECT_EQ(seen(p.read), touched ? Seen::Miss : Seen::Hit)
          << c.what << ": the cached read of " << p.name;
    }
  }
}

TEST_P(Cache, RawSqlMovesTheEpochSoNothingOlderIsServed) {
  if (!ready_) return;
  product("a", 1);
  EXPECT_EQ(seen([] { (void)products().list(); }), Seen::Miss);
  EXPECT_EQ(seen([] { (void)products().list(); }), Seen::Hit);
  const Dialect& d = database().dialect();
  std::string update = "UPDATE " + d.quote("product") + " SET " + d.quote("name") + " = ";
  d.append_placeholder(update, 1);
  execute_sql(update, {"z"});
  EXPECT_EQ(seen([] { EXPECT_EQ(products().list()[0].name, "z"); }), Seen::Miss);
  // SQL sent on a handed-out block connection is not known either.
  EXPECT_EQ(seen([] { (void)products().list(); }), Seen::Hit);
  atomic([&] {
    atomic_connection().execute("UPDATE " + d.quote("product") + " SET " + d.quote("name") +
                                " = 'y'");
  });
  EXPECT_EQ(seen([] { EXPECT_EQ(products().list()[0].name, "y"); }), Seen::Miss);
}

TEST_P(Cache, NocacheAndTheModelsDefault) {
  if (!ready_) return;
  product("a", 1);
  const auto plain = [] { return objects<Product>().order_by({"name"}); };
  (void)plain().list();
  EXPECT_EQ(seen([&] { (void)plain().list(); }), Seen::Miss) << "not asked for: not cached";
  (void)products().nocache().list();
  EXPECT_EQ(seen([] { (void)products().nocache().list(); }), Seen::Miss);
  // Different parameters are different entries.
  (void)products().filter("price__gt", 0).list();
  EXPECT_EQ(seen([] { EXPECT_EQ(products().filter("price__gt", 5).list().size(), 0u); }),
            Seen::Miss);
  EXPECT_EQ(seen([] { EXPECT_EQ(products().filter("price__gt", 0).list().size(), 1u); }),
            Seen::Hit);
}

TEST_P(Cache, ATimeToLiveEndsAnEntry) {
  if (!ready_) return;
  product("a", 1);
  const auto brief = [] { return objects<Product>().cache(1s); };
  (void)brief().list();
  EXPECT_EQ(seen([&] { (void)brief().list(); }), Seen::Hit);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(seen([&] { (void)brief().list(); }), Seen::Miss);
}

// The read-fill race, made certain by the hook: a reader has its rows from the database,
// and before it stores them a writer commits. The entry it then stores is never served.
TEST_P(Cache, AReadThatRacedAWriteNeverFillsAStaleEntry) {
  if (!ready_) return;
  product("a", 1);
  struct Race {
    std::mutex m;
    std::condition_variable cv;
    bool reader_read = false, writer_wrote = false;
  };
  const auto race = [](std::function<void()> read, std::function<void()> write) {
    Race r;
    testing::set_before_cache_fill([&](std::string_view) {
      std::unique_lock lock(r.m);
      r.reader_read = true;
      r.cv.notify_all();
      r.cv.wait(lock, [&] { return r.writer_wrote; });
    });
    std::thread reader(read);
    {
      std::unique_lock lock(r.m);
      r.cv.wait(lock, [&] { return r.reader_read; });
    }
    testing::set_before_cache_fill({});  // the writer's own reads fill freely
    write();
    {
      std::lock_guard lock(r.m);
      r.writer_wrote = true;
    }
    r.cv.notify_all();
    reader.join();
  };
  // A value read before the write.
  std::string raced;
  race([&] { raced = products().list()[0].name; },
       [] {
         objects<Product>().update({{"name", "new"}});
       });
  EXPECT_EQ(raced, "a") << "the reader's own answer is what it read";
  EXPECT_EQ(products().list()[0].name, "new") << "its entry is not served after the write";
  // An empty result and DoesNotExist (cacheops #478): a create races the read.
  const auto fred = [] { return objects<Product>().cache(60s).filter("name", "fred"); };
  race([&] { EXPECT_FALSE(fred().exists()); }, [] { product("fred", 5); });
  EXPECT_TRUE(fred().exists());
  race([&] { EXPECT_THROW(objects<Product>().cache(60s).get("name", "gus"), DoesNotExist); },
       [] { product("gus", 6); });
  EXPECT_EQ(objects<Product>().cache(60s).get("name", "gus").price, Decimal(6));
}

TEST_P(Cache, InsideABlockTheDatabaseAnswersAndARollbackLeavesNothing) {
  if (!ready_) return;
  product("a", 1);
  (void)products().list();
  ASSERT_EQ(seen([] { (void)products().list(); }), Seen::Hit);
  const uint64_t fills = cache_stats().fills;
  const Dialect& d = database().dialect();
  try {
    atomic([&] {
      // The block's snapshot is the database's to answer, written or not.
      EXPECT_EQ(seen([] { (void)products().list(); }), Seen::Miss);
      // SQL on the block's own connection, which no event reports before the COMMIT.
      atomic_connection().execute("UPDATE " + d.quote("product") + " SET " + d.quote("name") +
                                  " = 'b'");
      EXPECT_EQ(names(products().list()), std::vector<std::string>{"b"});
      product("c", 2);
      EXPECT_EQ(products().count(), 2);
      throw std::runtime_error("roll back");
    });
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(cache_stats().fills, fills) << "nothing filled inside the block";
  EXPECT_EQ(names(products().list()), std::vector<std::string>{"a"});
  EXPECT_EQ(names(products().list()), std::vector<std::string>{"a"});
}

// Generations move when the statement runs and again after the COMMIT: a reader between
// the two fills an entry (of the committed rows, without the block's) that the COMMIT
// then makes stale, and it is never served.
TEST_P(Cache, AReaderBetweenAStatementAndItsCommitFillsNothingServedAfterTheCommit) {
  if (!ready_) return;
  product("a", 1);
  atomic([&] {
    objects<Product>().update({{"name", "b"}});
    std::thread outside([] {
      EXPECT_EQ(names(products().list()), std::vector<std::string>{"a"});  // fills
    });
    outside.join();
  });
  EXPECT_EQ(seen([] { EXPECT_EQ(names(products().list()), std::vector<std::string>{"b"}); }),
            Seen::Miss);
}

TEST_P(Cache, FiftyThreadsMissingOneEntryReadTheDatabaseOnce) {
  if (!ready_) return;
  product("a", 1);
  database().query_log().clear();
  database().query_log().enable(true);
  // The first reader holds its fill a moment, so that the others all find it reading.
  std::atomic<int> filling{0};
  testing::set_before_cache_fill([&](std::string_view) {
    filling.fetch_add(1);
    std::this_thread::sleep_for(200ms);
  });
  std::vector<std::thread> threads;
  std::atomic<int> right{0};
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      if (products().list().size() == 1) right.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  database().query_log().enable(false);
  EXPECT_EQ(right.load(), 50);
  std::size_t selects = 0;
  for (const auto& r : database().query_log().entries()) {
    if (!r.cache_hit && !r.routing && r.sql == products().sql().sql) ++selects;
  }
  EXPECT_EQ(selects, 1u) << "one database read for the fifty";
  EXPECT_EQ(filling.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, Cache, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

// ---- a Redis of the test's own, frozen, shut down and started again ------------------

class CacheOutage : public OrmTest {
 protected:
  void SetUp() override {
    if (!require_backend()) return;
    try {
      redis_ = std::make_unique<RedisServer>();
    } catch (const std::exception& e) {
      missing_server(std::string("a Redis of the test's own: ") + e.what());
      return;
    }
    prefix_ = fresh_prefix();
    configure_with_cache(cache_yaml("redis", redis_->url(),
                                    ", connect_timeout_ms: 100, command_timeout_ms: 100, "
                                    "breaker: {failures: 2, open_ms: 300}",
                                    prefix_));
    drop_seed_tables();
    create_seed_tables();
    ready_ = true;
  }
  void TearDown() override {
    if (redis_) redis_->thaw();
    OrmTest::TearDown();
  }
  std::unique_ptr<RedisServer> redis_;
  std::string prefix_;
};

auto cached_products() {
  return objects<Product>().order_by({"name"}).cache(60s);
}

TEST_F(CacheOutage, AFrozenRedisCostsSpeedNeverAnAnswerAndAMissedBumpMovesTheEpoch) {
  if (!ready_) return;
  objects<Product>().create({{"name", "a"}, {"price", 1}});
  (void)cached_products().list();
  EXPECT_EQ(seen([] { (void)cached_products().list(); }), Seen::Hit);
  const std::string generation = redis_->cli("KEYS '" + prefix_ + "g:*:product'");
  const std::string before = redis_->get_raw(generation);
  ASSERT_FALSE(before.empty()) << generation;
  redis_->freeze();
  // Reads go to the database; a write commits; no exception reaches the caller.
  EXPECT_EQ(cached_products().list().size(), 1u);
  objects<Product>().update({{"name", "b"}});  // its new generation cannot be written
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(names(cached_products().list()), std::vector<std::string>{"b"});
  }
  EXPECT_GE(cache_stats().errors, 1u);
  redis_->thaw();
  // The bump the server never answered may still have run when it woke (its bytes were in
  // the socket): the old generation goes back, so that the entry of "a" is valid by its
  // table and only the new epoch stands between it and a reader.
  redis_->set_raw(generation, before);
  ASSERT_EQ(redis_->get_raw(generation), before);
  std::this_thread::sleep_for(350ms);  // the breaker's open_ms
  EXPECT_EQ(names(cached_products().list()), std::vector<std::string>{"b"});
  EXPECT_EQ(names(cached_products().list()), std::vector<std::string>{"b"});
  EXPECT_EQ(seen([] { (void)cached_products().list(); }), Seen::Hit) << "and it works again";
}

TEST_F(CacheOutage, ARedisShutDownIsTheDatabaseAndOneRestartedEmptyIsCold) {
  if (!ready_) return;
  objects<Product>().create({{"name", "a"}, {"price", 1}});
  (void)cached_products().list();
  redis_->shutdown();
  EXPECT_EQ(cached_products().list().size(), 1u);
  objects<Product>().create({{"name", "b"}, {"price", 2}});
  EXPECT_EQ(cached_products().list().size(), 2u);
  redis_->start();
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(cached_products().list().size(), 2u);
  EXPECT_EQ(seen([] { EXPECT_EQ(cached_products().list().size(), 2u); }), Seen::Hit);
  objects<Product>().create({{"name", "c"}, {"price", 3}});
  EXPECT_EQ(seen([] { EXPECT_EQ(cached_products().list().size(), 3u); }), Seen::Miss);
}

// CLIENT PAUSE: the server holds every client's commands; the timeouts bound the wait.
TEST_F(CacheOutage, APausedRedisCostsNoWrongAnswer) {
  if (!ready_) return;
  objects<Product>().create({{"name", "a"}, {"price", 1}});
  (void)cached_products().list();
  redis_->cli("CLIENT PAUSE 1500");
  EXPECT_EQ(cached_products().list().size(), 1u);
  objects<Product>().create({{"name", "b"}, {"price", 2}});
  EXPECT_EQ(cached_products().list().size(), 2u);
  std::this_thread::sleep_for(1600ms);
  EXPECT_EQ(cached_products().list().size(), 2u);
}

}  // namespace
}  // namespace quarry::test
