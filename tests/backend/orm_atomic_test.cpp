// atomic() on a live backend, as Django's transaction.atomic: a scope guard and a
// function, savepoints when nested, durable blocks, set_rollback, on_commit, and blocks
// broken by a failed statement.
#include <stdexcept>
#include <vector>

#include "support/errors.hpp"
#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Product;

class AtomicBlocks : public OrmTest {
 protected:
  static void add(const char* name) { objects<Product>().create({{"name", name}, {"price", 1}}); }
  // Two INSERTs of which every backend refuses the second: two students with one primary
  // key (the seed's CHECK on the GPA is not on every backend).
  static void bad_student() {
    for (int i = 0; i < 2; ++i) {
      seed::Student s;
      s.id = 4242;
      s.name = "X";
      s.course = "Math";
      objects<seed::Student>().create(s);
    }
  }
  static std::vector<std::string> names() {
    return objects<Product>().order_by({"name"}).values_list<std::string>("name").list();
  }
};

TEST_F(AtomicBlocks, AScopeCommitsAtItsEndAndRollsBackWhenAnExceptionLeavesIt) {
  {
    auto tx = atomic();
    add("a");
  }
  try {
    auto tx = atomic();
    add("b");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(names(), std::vector<std::string>{"a"});
  // The function form: its value, and its exception.
  EXPECT_EQ(atomic("default",
                   [] {
                     add("c");
                     return 7;
                   }),
            7);
  EXPECT_THROW(atomic([] {
                 add("d");
                 throw std::runtime_error("boom");
               }),
               std::runtime_error);
  EXPECT_EQ(names(), (std::vector<std::string>{"a", "c"}));
}

TEST_F(AtomicBlocks, NestedBlocksAreSavepoints) {
  atomic([] {
    add("outer");
    try {
      atomic([] {
        add("inner");
        throw std::runtime_error("undo the inner block only");
      });
    } catch (const std::runtime_error&) {
    }
    atomic([] { add("second inner"); });
    EXPECT_EQ(names(), (std::vector<std::string>{"outer", "second inner"}));
  });
  EXPECT_EQ(names(), (std::vector<std::string>{"outer", "second inner"}));
}

TEST_F(AtomicBlocks, AtomicConnectionIsTheBlocksOwnAndRefusedOutsideOne) {
  EXPECT_THROW(atomic_connection(), TransactionManagementError);
  {
    auto tx = atomic();
    add("raw");
    Connection& conn = atomic_connection();
    EXPECT_EQ(&conn, &tx.connection());
    // What the block wrote is visible on its connection before COMMIT.
    const std::string sql = "SELECT COUNT(*) FROM " + database().dialect().quote("product");
    EXPECT_EQ(conn.query_value<int64_t>(sql), 1);
    tx.rollback();
  }
  EXPECT_TRUE(names().empty());
  EXPECT_THROW(atomic_connection(), TransactionManagementError);
}

TEST_F(AtomicBlocks, ADurableBlockRefusesToNest) {
  atomic("default", [] { add("alone"); }, {.durable = true});
  atomic([] {
    EXPECT_THROW(atomic("default", [] { add("nested"); }, {.durable = true}),
                 TransactionManagementError);
  });
  EXPECT_EQ(names(), std::vector<std::string>{"alone"});
}

TEST_F(AtomicBlocks, SetRollbackUndoesTheInnermostBlockAndRefusesQueriesMeanwhile) {
  EXPECT_THROW(set_rollback(true), TransactionManagementError);  // outside a block
  atomic([] {
    add("kept");
    atomic([] {
      add("dropped");
      set_rollback(true);
      EXPECT_TRUE(get_rollback());
      EXPECT_THROW(objects<Product>().count(), TransactionManagementError);
    });
    EXPECT_FALSE(get_rollback());
    add("after");
  });
  EXPECT_EQ(names(), (std::vector<std::string>{"after", "kept"}));
  // Cleared again, the block goes on and commits.
  atomic([] {
    add("cleared");
    set_rollback(true);
    set_rollback(false);
  });
  EXPECT_EQ(objects<Product>().filter("name", "cleared").count(), 1);
}

TEST_F(AtomicBlocks, OnCommitRunsAfterTheOutermostCommitOnly) {
  std::vector<std::string> ran;
  on_commit([&] { ran.push_back("no transaction: at once"); });
  EXPECT_EQ(ran.size(), 1u);
  atomic([&] {
    on_commit([&] { ran.push_back("outer"); });
    atomic([&] { on_commit([&] { ran.push_back("kept savepoint"); }); });
    try {
      atomic([&] {
        on_commit([&] { ran.push_back("rolled back savepoint"); });
        throw std::runtime_error("boom");
      });
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(ran.size(), 1u) << "nothing runs before the COMMIT";
  });
  EXPECT_EQ(ran, (std::vector<std::string>{"no transaction: at once", "outer", "kept savepoint"}));
  // A block that rolls back drops its callbacks.
  try {
    atomic([&] {
      on_commit([&] { ran.push_back("never"); });
      throw std::runtime_error("boom");
    });
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(ran.size(), 3u);
}

TEST_F(AtomicBlocks, AFailedStatementBreaksTheBlockUntilItIsRolledBack) {
  add("taken");
  atomic([] {
    add("mine");
    // An error before any SQL is sent breaks nothing.
    EXPECT_THROW(objects<Product>().filter("nmae", "x").count(), FieldError);
  });
  // Caught inside the block, with no savepoint around it: the block is broken.
  const std::string refused = error_of<TransactionManagementError>([] {
    atomic([] {
      add("lost");
      try {
        bad_student();
      } catch (const IntegrityError&) {
      }
      objects<Product>().count();  // refused on every backend
    });
  });
  EXPECT_PRED_FORMAT2(::testing::IsSubstring,
                      "You can't execute queries until the end of the 'atomic' block", refused);
  // With a savepoint around the failing statement the block goes on.
  atomic([] {
    add("survivor");
    try {
      atomic([] { bad_student(); });
    } catch (const IntegrityError&) {
    }
    EXPECT_EQ(objects<Product>().count(), 3);  // taken, mine, survivor
  });
  EXPECT_EQ(names(), (std::vector<std::string>{"mine", "survivor", "taken"}));
}

TEST_F(AtomicBlocks, OnlyTheInnermostBlockCanBeEnded) {
  {
    auto outer = atomic();
    add("outer");
    {
      auto inner = atomic();
      add("inner");
      EXPECT_THROW(outer.commit(), TransactionManagementError);
      EXPECT_THROW(outer.rollback(), TransactionManagementError);
    }  // the inner block commits (releases its savepoint); the outer goes on
  }
  EXPECT_EQ(names(), (std::vector<std::string>{"inner", "outer"}));
  // A callback that registers another, and one that throws after the COMMIT.
  std::vector<std::string> ran;
  atomic([&] {
    on_commit([&] {
      ran.push_back("first");
      on_commit([&] { ran.push_back("registered by the first: at once"); });
    });
  });
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "registered by the first: at once"}));
  EXPECT_THROW(atomic([&] {
                 add("committed");
                 on_commit([] { throw std::runtime_error("after the COMMIT"); });
               }),
               std::runtime_error);
  EXPECT_EQ(objects<Product>().filter("name", "committed").count(), 1);
}

TEST_F(AtomicBlocks, CommittingABrokenBlockRollsItBackAndSaysSo) {
  auto tx = atomic();
  add("gone");
  set_rollback(true);
  EXPECT_THROW(tx.commit(), TransactionManagementError);
  EXPECT_TRUE(names().empty());
}

}  // namespace
}  // namespace quarry::test
