// select_for_update() and contention on a live backend, with real threads on separate
// connections: nothing is lost to concurrent increments, locks held elsewhere give
// LockNotAvailable (NOWAIT) or are skipped (SKIP LOCKED), deadlocks and serialization
// failures raise their errors and leave the other transaction free to commit.
#include <atomic>
#include <chrono>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Student;

class RowLocks : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    // More connections than threads, and (an SQLite file) WAL and patience for the writers.
    std::string url = backend_url();
    if (serverless()) url += "?journal_mode=wal&synchronous=normal&busy_timeout_ms=60000";
    const std::string db = "    url: \"" + url + "\"\n    pool: {size: 12}\n";
    configure(Config::parse("databases:\n  default:\n" + db + "  serial:\n" + db +
                                "    isolation_level: serializable\n  strict:\n" + db +
                                "    select_for_update: strict\n  lax:\n" + db +
                                "    select_for_update: ignore_options\n",
                            "<row locks test config>"));
    for (int i = 0; i < 4; ++i) {
      Student s;
      s.name = "S" + std::to_string(i);
      s.course = "Math";
      s.gpa = 3;
      ids_.push_back(objects<Student>().create(s).id);
    }
  }
  int marks(int64_t id) { return objects<Student>().get("id", id).marks; }

  // A thread that holds rows locked in its own transaction while the Holder lives. If
  // it fails, the failure is reported and nobody waits for it.
  class Holder {
   public:
    Holder(int64_t id, std::vector<int64_t> more = {}) {
      thread_ = std::thread([this, id, more] {
        bool signalled = false;
        try {
          atomic([&] {
            objects<Student>().select_for_update().filter("id", id).list();
            for (int64_t m : more) objects<Student>().select_for_update().filter("id", m).list();
            holding_.count_down();
            signalled = true;
            release_.wait();
          });
        } catch (const std::exception& e) {
          ADD_FAILURE() << "the holder failed: " << e.what();
        }
        if (!signalled) holding_.count_down();
      });
      holding_.wait();
    }
    ~Holder() {
      release_.count_down();
      thread_.join();
    }

   private:
    std::latch holding_{1}, release_{1};
    std::thread thread_;
  };

  std::vector<int64_t> ids_;
};

constexpr int kThreads = 8;
constexpr int kIncrements = 1000;

// Runs fn `times` times in each of kThreads threads; any exception fails the test
// (after every thread has ended).
template <class Fn>
void in_threads(Fn&& fn, int times = kIncrements) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      try {
        for (int i = 0; i < times; ++i) fn();
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      } catch (...) {
        ADD_FAILURE() << "an exception that is not a std::exception";
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
}

// Arrives at the latch when it leaves scope, unless it has arrived already: a thread that
// fails before its rendezvous does not leave the other waiting.
struct Arrival {
  std::latch& latch;
  bool done = false;
  void arrive_and_wait() {
    done = true;
    latch.arrive_and_wait();
  }
  ~Arrival() {
    if (!done) latch.count_down();
  }
};

TEST_F(RowLocks, ConcurrentUpdatesWithFLoseNothing) {
  const int64_t id = ids_[0];
  in_threads([&] { objects<Student>().filter("id", id).update({{"marks", F("marks") + 1}}); });
  EXPECT_EQ(marks(id), kThreads * kIncrements);
}

TEST_F(RowLocks, ReadModifyWriteUnderSelectForUpdateLosesNothing) {
  // Without row locks (SQLite) blocks begin IMMEDIATE, so the writers take turns.
  const int64_t id = ids_[1];
  in_threads([&] {
    atomic([&] {
      Student s = objects<Student>().select_for_update().get("id", id);
      s.marks += 1;
      save(s, {.update_fields = {"marks"}});
    });
  });
  EXPECT_EQ(marks(id), kThreads * kIncrements);
}

// Without row locks, blocks that begin IMMEDIATE (tx.begin_immediate) take the write lock
// for select_for_update: there is nothing to wait for, so its options are refused unless
// the alias's policy says otherwise.
TEST_F(RowLocks, WithoutRowLocksThePolicySaysWhatOptionsMean) {
  if (has_feature("has_select_for_update")) GTEST_SKIP() << "the backend has row locks";
  if (db().dialect().text("tx.begin_immediate").empty()) {
    GTEST_SKIP() << "no tx.begin_immediate: select_for_update is refused outright";
  }
  atomic([&] {
    EXPECT_THROW(objects<Student>().select_for_update({.nowait = true}).list(), NotSupportedError);
  });
  atomic("lax", [&] {
    EXPECT_EQ(objects<Student>().using_("lax").select_for_update({.nowait = true}).count(), 4);
  });
  atomic("strict", [&] {
    EXPECT_THROW(objects<Student>().using_("strict").select_for_update().list(), NotSupportedError);
  });
}

TEST_F(RowLocks, NowaitRaisesLockNotAvailable) {
  if (!require_feature("has_select_for_update_nowait")) return;
  Holder holder(ids_[0]);
  EXPECT_THROW(
      atomic([&] {
        objects<Student>().select_for_update({.nowait = true}).filter("id", ids_[0]).list();
      }),
      LockNotAvailable);
  // Another row is free.
  atomic([&] {
    EXPECT_EQ(objects<Student>().select_for_update({.nowait = true}).filter("id", ids_[1]).count(),
              1);
  });
}

TEST_F(RowLocks, SkipLockedReturnsOnlyUnlockedRows) {
  if (!require_feature("has_select_for_update_skip_locked")) return;
  Holder holder(ids_[0], {ids_[2]});
  atomic([&] {
    std::set<int64_t> got;
    for (const Student& s : objects<Student>().select_for_update({.skip_locked = true})) {
      got.insert(s.id);
    }
    EXPECT_EQ(got, (std::set<int64_t>{ids_[1], ids_[3]}));
  });
}

TEST_F(RowLocks, ADeadlockRaisesDeadlockDetectedAndTheOtherCommits) {
  // Without row locks the writers are serialised: no deadlock between rows.
  if (!require_feature("has_select_for_update")) return;
  std::latch both_hold_one(2);
  std::atomic<int> deadlocks{0}, commits{0};
  auto worker = [&](int64_t first, int64_t second) {
    Arrival rendezvous{both_hold_one};
    try {
      atomic([&] {
        objects<Student>().filter("id", first).update({{"marks", F("marks") + 1}});
        rendezvous.arrive_and_wait();
        objects<Student>().filter("id", second).update({{"marks", F("marks") + 1}});
      });
      ++commits;
    } catch (const DeadlockDetected&) {
      ++deadlocks;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  };
  std::thread a(worker, ids_[0], ids_[1]);
  std::thread b(worker, ids_[1], ids_[0]);
  a.join();
  b.join();
  EXPECT_EQ(deadlocks.load(), 1);
  EXPECT_EQ(commits.load(), 1);
  // The one that committed changed both rows; the other changed nothing.
  EXPECT_EQ(marks(ids_[0]) + marks(ids_[1]), 2);
}

TEST_F(RowLocks, ALockWaitTimeoutLeavesTheTransactionRolledBackNotHalfDone) {
  if (!require_feature("has_select_for_update")) return;
  if (!is("postgres") && !is("mysql")) GTEST_SKIP() << "no known lock timeout setting";
  Holder holder(ids_[0]);
  try {
    atomic([&] {
      objects<Student>().filter("id", ids_[1]).update({{"marks", 99}});  // the first half
      Connection& conn = atomic_connection();                            // the block's connection
      // The server's own setting (no dialect key spells a lock timeout).
      conn.execute(is("postgres") ? "SET LOCAL lock_timeout = '200ms'"
                                  : "SET SESSION innodb_lock_wait_timeout = 1");
      // MariaDB rolls back only this statement; quarry rolls back the whole block.
      try {
        objects<Student>().filter("id", ids_[0]).update({{"marks", 1}});
        ADD_FAILURE() << "no timeout";
      } catch (const LockNotAvailable&) {
      }
      objects<Student>().count();  // the block is broken: refused
    });
    FAIL() << "the broken block went on";
  } catch (const TransactionManagementError&) {
  }
  EXPECT_EQ(marks(ids_[1]), 0) << "the first half was rolled back";
}

// MariaDB's SERIALIZABLE takes locks (a deadlock, not 40001); PostgreSQL's fails a
// transaction that read what another changed.
TEST_F(RowLocks, PostgresSerializationFailureAndTheRetryHelper) {
  if (!is("postgres")) GTEST_SKIP() << "PostgreSQL's SERIALIZABLE raises 40001";
  const int64_t id = ids_[2];
  // Two serializable transactions that read then write the same row: one must fail.
  std::latch both_read(2);
  std::atomic<int> failures{0};
  auto once = [&] {
    Arrival rendezvous{both_read};
    try {
      atomic("serial", [&] {
        const int m = objects<Student>().using_("serial").get("id", id).marks;
        rendezvous.arrive_and_wait();
        objects<Student>().using_("serial").filter("id", id).update({{"marks", m + 1}});
      });
    } catch (const SerializationFailure&) {
      ++failures;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  };
  std::thread a(once), b(once);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 1);
  EXPECT_EQ(marks(id), 1);
  // The retry helper runs the loser again: 8 threads x 50 increments, none lost.
  in_threads(
      [&] {
        retry_transaction(
            "serial",
            [&] {
              const int m = objects<Student>().using_("serial").get("id", id).marks;
              objects<Student>().using_("serial").filter("id", id).update({{"marks", m + 1}});
            },
            1000);
      },
      50);
  EXPECT_EQ(marks(id), 1 + kThreads * 50);
  // Only a whole transaction can be retried.
  atomic("serial",
         [&] { EXPECT_THROW(retry_transaction("serial", [] {}), TransactionManagementError); });
}

TEST_F(RowLocks, IsolationLevelPerAlias) {
  if (db().dialect().text("tx.isolation").empty()) {
    // One level only (SQLite: serializable); asking for another is a configuration error.
    configure(Config::parse("databases:\n  default:\n    url: \"" + backend_url() +
                                "\"\n    isolation_level: read_committed\n",
                            "<isolation test config>"));
    EXPECT_THROW(objects<Student>().count(), ImproperlyConfigured);
    configure(Config::parse("databases:\n  default:\n    url: \"" + backend_url() + "\"\n",
                            "<orm test config>"));
    return;
  }
  // The level as the server reports it: its own variable, and its own spelling.
  auto level = [&](const char* alias) {
    auto conn = database(alias).acquire();
    // MariaDB before 11.1 names it tx_isolation; MySQL 8 only transaction_isolation.
    const bool maria = conn->server_version().find("MariaDB") != std::string::npos;
    ResultSet rs = conn->query(is("postgres") ? "SHOW transaction_isolation"
                               : maria        ? "SELECT @@tx_isolation"
                                              : "SELECT @@transaction_isolation");
    rs.next();
    return rs.row().get<std::string>(0);
  };
  EXPECT_EQ(level("serial"), is("postgres") ? "serializable" : "SERIALIZABLE");
  EXPECT_NE(level("default"), level("serial"));
}

TEST_F(RowLocks, WithoutRowLocksBlocksBeginImmediate) {
  if (has_feature("has_select_for_update")) GTEST_SKIP() << "the backend has row locks";
  const std::string immediate(db().dialect().text("tx.begin_immediate"));
  if (immediate.empty()) GTEST_SKIP() << "no tx.begin_immediate";
  QueryCapture capture;
  atomic([&] { objects<Student>().select_for_update().filter("id", ids_[0]).list(); });
  ASSERT_FALSE(capture.queries().empty());
  EXPECT_EQ(capture.queries().front().sql, immediate);
  // Every block on the alias, with select_for_update or without.
  capture.clear();
  atomic([&] { objects<Student>().count(); });
  ASSERT_FALSE(capture.queries().empty());
  EXPECT_EQ(capture.queries().front().sql, immediate);
  QueryCapture strict("strict");
  atomic("strict", [&] { objects<Student>().using_("strict").count(); });
  ASSERT_FALSE(strict.queries().empty());
  EXPECT_EQ(strict.queries().front().sql, db().dialect().text("tx.begin"));
}

}  // namespace
}  // namespace quarry::test
