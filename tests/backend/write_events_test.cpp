// Write events (quarry/write_events.hpp) on a live backend: every write path through the
// ORM reports the tables it changed, after each statement and after its transaction;
// a block reports once at its outermost COMMIT, a rolled-back one not at all.
#include "quarry/write_events.hpp"

#include <functional>
#include <set>
#include <stdexcept>

#include "support/orm_fixture.hpp"
#include "support/write_paths.hpp"

namespace quarry::test {
namespace {

using namespace seed;
using Tables = std::set<std::string>;

// What the listener heard while it lived: the union of the tables of each kind of event.
struct Heard {
  Tables statements, commits;
  int commit_events = 0;
  bool all_tables = false;
};

class WriteEvents : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    id_ = add_write_listener([this](const WriteEvent& e) {
      EXPECT_EQ(e.alias, "default");
      Tables& into = e.when == WriteEvent::When::Statement ? heard_.statements : heard_.commits;
      into.insert(e.tables.begin(), e.tables.end());
      if (e.when == WriteEvent::When::Commit) ++heard_.commit_events;
      heard_.all_tables = heard_.all_tables || e.all_tables;
    });
  }
  void TearDown() override {
    remove_write_listener(id_);
    OrmTest::TearDown();
  }
  // What `write` made the listener hear.
  template <class F>
  Heard during(F&& write) {
    heard_ = {};
    write();
    return heard_;
  }

  std::size_t id_ = 0;
  Heard heard_;
};

TEST_F(WriteEvents, EveryWritePathReportsTheTablesItChanged) {
  for (const WritePath& c : every_write_path()) {
    const Heard h = during(c.write);
    // Exactly the tables it should: nothing it only read (get_or_create's first read,
    // the cascade's collecting reads) is reported.
    EXPECT_EQ(h.statements, c.tables) << c.what;
    EXPECT_EQ(h.commits, c.tables) << c.what;
    EXPECT_GE(h.commit_events, 1) << c.what;
    EXPECT_FALSE(h.all_tables) << c.what;
  }
}

TEST_F(WriteEvents, ABlockReportsItsStatementsAndOnceAtItsCommitAndARollbackNotAtAll) {
  Heard h = during([] {
    atomic([] {
      objects<Product>().create({{"name", "P"}, {"price", 1}});
      objects<Classroom>().create({{"name", "C"}});
    });
  });
  EXPECT_EQ(h.statements, (Tables{"classroom", "product"}));
  EXPECT_EQ(h.commits, (Tables{"classroom", "product"}));
  EXPECT_EQ(h.commit_events, 1);
  // Nested blocks: one COMMIT, the outermost's, with a rolled-back savepoint's table too.
  h = during([] {
    atomic([] {
      objects<Product>().create({{"name", "Q"}, {"price", 1}});
      try {
        atomic([] {
          objects<Classroom>().create({{"name", "D"}});
          throw std::runtime_error("undo the inner block");
        });
      } catch (const std::runtime_error&) {
      }
    });
  });
  EXPECT_EQ(h.commits, (Tables{"classroom", "product"}));
  EXPECT_EQ(h.commit_events, 1);
  // A rolled-back block: its statements were reported, its commit never is.
  h = during([] {
    try {
      atomic([] {
        objects<Product>().create({{"name", "R"}, {"price", 1}});
        throw std::runtime_error("roll back");
      });
    } catch (const std::runtime_error&) {
    }
  });
  EXPECT_EQ(h.statements, Tables{"product"});
  EXPECT_EQ(h.commit_events, 0);
}

TEST_F(WriteEvents, SqlQuarryDoesNotReadReportsAllTables) {
  const Dialect& d = database().dialect();
  Heard h = during([&] { execute_sql("DELETE FROM " + d.quote("product") + " WHERE 1 = 0"); });
  EXPECT_TRUE(h.all_tables);
  EXPECT_EQ(h.commit_events, 1);
  // A block whose connection was handed out for SQL of one's own.
  h = during([] { atomic([] { (void)atomic_connection(); }); });
  EXPECT_TRUE(h.all_tables);
  EXPECT_EQ(h.commit_events, 1);
  // A read reports nothing.
  h = during([] { (void)objects<Product>().count(); });
  EXPECT_TRUE(h.statements.empty());
  EXPECT_EQ(h.commit_events, 0);
  EXPECT_FALSE(h.all_tables);
}

}  // namespace
}  // namespace quarry::test
