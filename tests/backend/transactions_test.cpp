// Commit, rollback and savepoints leave exactly what they should.
#include "support/backend.hpp"

namespace quarry::test {
namespace {

class Transactions : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    create_table("qt_tx",
                 "id " + type("IntegerField") + " PRIMARY KEY, note " + type("CharField", "20"));
  }
  int64_t count() { return conn().query_value<int64_t>("SELECT COUNT(*) FROM qt_tx"); }
  void insert(int id) { conn().execute(sql("INSERT INTO qt_tx VALUES (?, ?)"), {id, "n"}); }
};

TEST_F(Transactions, CommitKeepsAndRollbackDiscards) {
  conn().begin();
  insert(1);
  conn().commit();
  conn().begin();
  insert(2);
  EXPECT_EQ(count(), 2);
  conn().rollback();
  EXPECT_EQ(count(), 1);
  // Another connection sees only what was committed.
  auto other = db().connect();
  EXPECT_EQ(other->query_value<int64_t>("SELECT COUNT(*) FROM qt_tx"), 1);
}

TEST_F(Transactions, SavepointRollsBackPartOfATransaction) {
  conn().begin();
  insert(1);
  const std::string sp = conn().savepoint();
  insert(2);
  insert(3);
  conn().rollback_to_savepoint(sp);
  insert(4);
  const std::string sp2 = conn().savepoint();
  insert(5);
  conn().release_savepoint(sp2);
  conn().commit();
  std::vector<int64_t> ids;
  for (Row r : conn().query("SELECT id FROM qt_tx ORDER BY id")) ids.push_back(r.get<int64_t>(0));
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 4, 5}));
}

TEST_F(Transactions, FailedStatementInsideATransactionLeavesNothingBehind) {
  {
    Transaction tx(conn());
    insert(1);
    EXPECT_THROW(insert(1), UniqueViolation);
    // tx goes out of scope without commit(): everything is rolled back.
  }
  EXPECT_FALSE(conn().in_transaction());
  EXPECT_EQ(count(), 0);
}

TEST_F(Transactions, MisuseIsReported) {
  EXPECT_THROW(conn().commit(), TransactionManagementError);
  EXPECT_THROW(conn().savepoint(), TransactionManagementError);
  conn().begin();
  EXPECT_THROW(conn().begin(), TransactionManagementError);
  conn().rollback();
}

}  // namespace
}  // namespace quarry::test
