// iterator(): rows streamed from the server chunk by chunk, the same rows list() gives,
// and the connection back in the pool as soon as the rows run out or the loop is left.
#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Student;

class Iterator : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    std::vector<Student> s(57);
    for (std::size_t i = 0; i < s.size(); ++i) {
      s[i].name = "s" + std::to_string(i);
      s[i].course = i % 3 ? "Math" : "Art";
      s[i].marks = static_cast<int32_t>(i);
    }
    objects<Student>().bulk_create(s);
  }
};

TEST_F(Iterator, GivesTheRowsListGivesChunkByChunk) {
  const auto qs = objects<Student>().filter("course", "Math").order_by({"marks"});
  std::vector<std::string> listed;
  for (const Student& s : qs.list()) listed.push_back(s.name);
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{2000}}) {
    std::vector<std::string> streamed;
    QueryCapture capture;
    for (const Student& s : qs.iterator(chunk)) streamed.push_back(s.name);
    EXPECT_EQ(streamed, listed) << "chunk_size " << chunk;
    EXPECT_EQ(capture.count(), 1u) << "one query, whatever the chunk size";
  }
  // values() and values_list() stream too.
  std::vector<int32_t> marks;
  for (int32_t m : qs.values_list<int32_t>("marks").iterator(5)) marks.push_back(m);
  ASSERT_EQ(marks.size(), listed.size());
  EXPECT_EQ(marks.front(), 1);
  std::size_t records = 0;
  for (const Record& r : qs.values({"name"}).iterator())
    records += r.get<std::string>("name")[0] == 's';
  EXPECT_EQ(records, listed.size());
  // An empty result, and none(), run out at once.
  for (const Student& s : objects<Student>().filter("course", "Nothing").iterator())
    FAIL() << s.name;
  for (const Student& s : objects<Student>().none().iterator()) FAIL() << s.name;
}

TEST_F(Iterator, AnAbandonedIterationGivesItsConnectionBack) {
  Pool& pool = database().pool();
  const std::size_t idle_before = pool.idle_count();
  {
    auto rows = objects<Student>().order_by({"marks"}).iterator(4);
    int seen = 0;
    for (const Student& s : rows) {
      EXPECT_EQ(s.marks, seen);
      if (++seen == 10) break;  // half way, the server still sending
    }
    EXPECT_EQ(pool.idle_count() + 1, std::max<std::size_t>(idle_before, 1))
        << "the stream holds its connection while it lives";
  }
  EXPECT_GE(pool.idle_count(), std::max<std::size_t>(idle_before, 1));
  // The connection it held runs queries again.
  EXPECT_EQ(objects<Student>().count(), 57);
  EXPECT_EQ(objects<Student>().filter("marks__lt", 3).count(), 3);
}

TEST_F(Iterator, InsideAnAtomicBlockTheBlocksConnectionIsBusyUntilTheRowsEnd) {
  atomic([&] {
    int n = 0;
    for (const Student& s : objects<Student>().order_by({"marks"}).iterator(10)) {
      (void)s;
      if (++n == 3) {
        // PostgreSQL and MariaDB stream on the block's connection: it runs nothing else
        // until the rows are read, and says so. SQLite's runs it meanwhile.
        if (has_feature("runs_statements_while_streaming")) {
          EXPECT_EQ(objects<Student>().count(), 57);
        } else {
          EXPECT_THROW(objects<Student>().count(), InterfaceError);
        }
      }
    }
    EXPECT_EQ(n, 57);
    EXPECT_EQ(objects<Student>().count(), 57) << "free again once the rows ran out";
  });
}

}  // namespace
}  // namespace quarry::test
