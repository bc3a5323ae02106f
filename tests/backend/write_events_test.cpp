// Write events (quarry/write_events.hpp) on a live backend: every write path through the
// ORM reports the tables it changed, after each statement and after its transaction;
// a block reports once at its outermost COMMIT, a rolled-back one not at all.
#include "quarry/write_events.hpp"

#include <functional>
#include <set>
#include <stdexcept>

#include "support/orm_fixture.hpp"

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
  Classroom room = objects<Classroom>().create({{"name", "Lab"}});
  Student ann{.name = "Ann", .course = "Math", .gpa = 3.0};
  ann.classroom = room;
  ann = objects<Student>().create(ann);
  objects<Assignment>().create(Assignment{.student = ann, .title = "Essay", .score = 80});
  Author author = objects<Author>().create({{"name", "Ann"}});
  Book book = objects<Book>().create({{"title", "T"}});

  struct Case {
    const char* what;
    std::function<void()> write;
    Tables tables;
  };
  const std::vector<Case> cases = {
      {"create",
       [] {
         objects<Product>().create({{"name", "P"}, {"price", 1}});
       },
       {"product"}},
      {"save (UPDATE)",
       [&] {
         ann.gpa = 3.5;
         save(ann);
       },
       {"student"}},
      {"update()",
       [] {
         objects<Product>().update({{"price", 2}});
       },
       {"product"}},
      {"bulk_create",
       [] {
         std::vector<Product> ps(3);
         for (auto& p : ps) {
           p.name = "B";
           p.price = Decimal(1);
         }
         objects<Product>().bulk_create(ps);
       },
       {"product"}},
      {"bulk_update",
       [] {
         auto ps = objects<Product>().list();
         for (auto& p : ps) p.price = Decimal(3);
         objects<Product>().bulk_update(ps, {"price"});
       },
       {"product"}},
      {"get_or_create",
       [] {
         objects<Classroom>().get_or_create({{"name", "New"}});
       },
       {"classroom"}},
      {"update_or_create",
       [] {
         objects<Classroom>().update_or_create({{"name", "New"}}, {{"name", "Newer"}});
       },
       {"classroom"}},
      {"many-to-many add", [&] { book.authors.add(author); }, {"book_authors"}},
      {"many-to-many remove", [&] { book.authors.remove(author); }, {"book_authors"}},
      {"many-to-many set", [&] { book.authors.set({author}); }, {"book_authors"}},
      {"many-to-many clear", [&] { book.authors.clear(); }, {"book_authors"}},
      // The cascade: the student's assignments go with it.
      {"delete() with a cascade", [&] { remove(ann); }, {"assignment", "student"}},
      // SET_NULL: the classroom's students are changed, not deleted.
      {"delete() with SET_NULL",
       [&] {
         Student bo{.name = "Bo", .course = "Art", .gpa = 2.0};
         bo.classroom = room;
         objects<Student>().create(bo);
         objects<Classroom>().filter("id", room.id).remove();
       },
       {"classroom", "student"}},
      {"drop and create tables",
       [] {
         drop_tables<Product>();
         create_tables<Product>();
       },
       {"product"}},
  };
  for (const Case& c : cases) {
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
