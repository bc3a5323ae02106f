// A pooled connection that died in the pool (an operator's pg_terminate_backend or KILL
// CONNECTION) costs a read nothing: outside an atomic block the read runs again, once,
// on a fresh connection. A write, or a read inside atomic(), raises ConnectionLost
// (issue 15, point 9).
#include "quarry/quarry.hpp"
#include "support/backend.hpp"
#include "support/errors.hpp"

namespace quarry::test {
namespace {

struct Note {
  int64_t id = 0;
  std::string text{};
};

void quarry_model(ModelDef<Note>& m) {
  m.table("qt_retry_note");
  m.field("id", &Note::id, BigAutoField());
  m.field("text", &Note::text, CharField(40));
}

class ReadRetry : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!databases_) return;
    // One connection that is never pinged: the one the pool hands out is the one killed.
    configure(Config::parse("databases:\n  default:\n    url: \"" + backend_url() +
                                "\"\n    pool: {size: 1, health_check_after_ms: -1}\n",
                            "<retry test>"));
    drop_tables<Note>();
    create_tables<Note>();
    objects<Note>().create({.text = "kept"});
  }
  void TearDown() override {
    if (databases_) drop_tables<Note>();
    BackendTest::TearDown();
  }
  // Kills the connection the pool will hand out next, and gives it back to the pool.
  void kill_the_pooled_connection() {
    auto lease = database().acquire();
    kill(*lease);
  }
  Pool& pool() { return database().pool(); }
};

TEST_F(ReadRetry, AReadOnAKilledPooledConnectionRunsAgainOnAFreshOne) {
  if (!databases_) return;
  kill_the_pooled_connection();
  EXPECT_EQ(objects<Note>().count(), 1);
  kill_the_pooled_connection();
  EXPECT_EQ(objects<Note>().get(Q("text", "kept")).text, "kept");
  kill_the_pooled_connection();
  EXPECT_TRUE(objects<Note>().filter("text", "kept").exists());
  // An SQLite file's "kill" closes the handle, which the pool sees; the servers' need the
  // retry.
  if (!serverless()) {
    EXPECT_EQ(pool().replaced_count(), 3u);
  }
}

TEST_F(ReadRetry, AWriteOnAKilledPooledConnectionRaisesConnectionLost) {
  if (!databases_ || serverless()) {
    GTEST_SKIP() << "an SQLite file's pool sees a closed handle before it is used";
  }
  kill_the_pooled_connection();
  EXPECT_THROW(objects<Note>().create({.text = "lost"}), ConnectionLost);
  kill_the_pooled_connection();
  EXPECT_THROW(objects<Note>().filter("text", "kept").update({{"text", "changed"}}),
               ConnectionLost);
  EXPECT_EQ(objects<Note>().filter("text", "kept").count(), 1);
}

TEST_F(ReadRetry, AReadInsideAtomicOnAKilledConnectionRaisesConnectionLost) {
  if (!databases_) return;
  EXPECT_THROW(
      {
        auto tx = atomic();
        kill(tx.connection());
        objects<Note>().count();
      },
      ConnectionLost);
  EXPECT_EQ(objects<Note>().count(), 1);
}

}  // namespace
}  // namespace quarry::test
