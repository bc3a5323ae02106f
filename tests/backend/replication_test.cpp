// The replicas scripts/test-servers.sh starts replicate for real, and the dialect keys
// the primary/replica router stands on (replica.position, replica.reached, replica.lag,
// replica.is_replica) say what they promise: a token taken after a commit is reached
// once, and only once, the replica shows that commit to its reads. Gated on the dialect
// having replica.position; SQLite has none and skips (issue 17).
#include "quarry/quarry.hpp"
#include "support/backend.hpp"
#include "support/errors.hpp"
#include "support/replica.hpp"

namespace quarry::test {
namespace {

class Replication : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!databases_ || !require_replica(dialect())) return;
    replica_ = std::make_unique<ReplicaConnection>();
    create_table("qt_replicated",
                 "id " + type("IntegerField") + " PRIMARY KEY, label " + type("CharField", "20"));
    wait_until_replica_reached(replica(), replica_position(conn()));
  }
  void TearDown() override {
    if (replica_) resume_replay(replica());  // a failed test leaves no paused replica
    replica_.reset();
    BackendTest::TearDown();
  }
  Connection& replica() { return **replica_; }
  void insert(Connection& c, int id) {
    c.execute(sql("INSERT INTO qt_replicated (id, label) VALUES (?, ?)"),
              {id, "row " + std::to_string(id)});
  }
  int64_t rows(Connection& c, int id) {
    return c.query_value<int64_t>(sql("SELECT COUNT(*) FROM qt_replicated WHERE id = ?"), {id});
  }

  std::unique_ptr<ReplicaConnection> replica_;
};

TEST_F(Replication, ARowWrittenOnThePrimaryReachesTheReplica) {
  if (!replica_) return;
  insert(conn(), 1);
  const std::string token = replica_position(conn());
  EXPECT_FALSE(token.empty());
  wait_until_replica_reached(replica(), token);
  EXPECT_EQ(rows(replica(), 1), 1);
  EXPECT_TRUE(replica_reached(replica(), token));
}

TEST_F(Replication, TheReplicaRefusesAWriteWithOperationalError) {
  if (!replica_) return;
  const std::string error = error_of<OperationalError>([&] { insert(replica(), 2); });
  EXPECT_NE(error, "(no error)");
  EXPECT_NE(error.find(is("postgres") ? "read-only transaction" : "read-only"), std::string::npos)
      << error;
  EXPECT_EQ(rows(replica(), 2), 0);
  EXPECT_EQ(rows(conn(), 2), 0);
}

TEST_F(Replication, IsReplicaIsTrueOnTheReplicaAndFalseOnThePrimary) {
  if (!replica_) return;
  EXPECT_TRUE(is_replica(replica()));
  EXPECT_FALSE(is_replica(conn()));
}

TEST_F(Replication, APausedReplicaHasNotReachedATokenTakenAfterACommit) {
  if (!replica_) return;
  pause_replay(replica());
  insert(conn(), 3);
  const std::string token = replica_position(conn());
  EXPECT_FALSE(replica_reached(replica(), token));
  EXPECT_EQ(rows(replica(), 3), 0);
  EXPECT_EQ(rows(conn(), 3), 1);

  resume_replay(replica());
  wait_until_replica_reached(replica(), token);
  EXPECT_TRUE(replica_reached(replica(), token));
  EXPECT_EQ(rows(replica(), 3), 1);
}

TEST_F(Replication, ATokenIsNotReachedOnThePrimaryNorBeforeItsCommitReplays) {
  if (!replica_) return;
  const std::string before = replica_position(conn());
  wait_until_replica_reached(replica(), before);  // it has it before the pause, not maybe
  pause_replay(replica());
  insert(conn(), 4);
  const std::string after = replica_position(conn());
  EXPECT_NE(before, after);
  EXPECT_TRUE(replica_reached(replica(), before));  // reached before the pause
  EXPECT_FALSE(replica_reached(replica(), after));
  // The primary is no replica: it never reports a token reached.
  EXPECT_FALSE(replica_reached(conn(), before));
}

TEST_F(Replication, LagIsZeroWhenCaughtUpAndNullOnThePrimary) {
  if (!replica_) return;
  insert(conn(), 5);
  wait_until_replica_reached(replica(), replica_position(conn()));
  const std::optional<double> lag = replica_lag(replica());
  ASSERT_TRUE(lag.has_value());
  EXPECT_GE(*lag, 0.0);
  EXPECT_LT(*lag, 5.0);  // caught up: 0, or a second's rounding on MariaDB
  EXPECT_FALSE(replica_lag(conn()).has_value());
}

}  // namespace
}  // namespace quarry::test
