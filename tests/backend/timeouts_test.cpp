// A statement sent to a frozen server ends with ConnectionLost after about read_timeout,
// instead of waiting for as long as the server stays frozen (issue 15, point 9).
//
// The server frozen is a private one the test starts (scripts/test-servers.sh
// start-postgres), never the shared test servers: its postmaster and the session's
// backend are stopped with SIGSTOP and go on with SIGCONT at the end, whatever happens.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "quarry/quarry.hpp"
#include "support/backend.hpp"
#include "support/errors.hpp"

namespace quarry::test {
namespace {

// A PostgreSQL of the test's own, stopped and removed when it goes.
class PrivatePostgres {
 public:
  PrivatePostgres() {
    FILE* out = ::popen("bash " QUARRY_SOURCE_DIR "/scripts/test-servers.sh start-postgres", "r");
    if (!out) return;
    char line[512];
    while (std::fgets(line, sizeof line, out)) {
      std::string l(line);
      while (!l.empty() && l.back() == '\n') l.pop_back();
      if (l.rfind("export QUARRY_SERVERS_DIR=", 0) == 0) dir_ = l.substr(l.find('=') + 1);
      if (l.rfind("export QUARRY_TEST_POSTGRES_URL=", 0) == 0) url_ = l.substr(l.find('=') + 1);
    }
    ::pclose(out);
  }
  ~PrivatePostgres() {
    resume();
    if (!dir_.empty()) {
      const std::string stop =
          "bash " QUARRY_SOURCE_DIR "/scripts/test-servers.sh stop '" + dir_ + "'";
      if (std::system(stop.c_str()) != 0) ADD_FAILURE() << "could not stop " << dir_;
    }
  }
  const std::string& url() const { return url_; }

  // Stops the postmaster and the sessions' backends, as a frozen host would.
  void freeze(std::initializer_list<int64_t> backends) {
    std::ifstream pid_file(dir_ + "/pg/data/postmaster.pid");
    pid_t postmaster = 0;
    pid_file >> postmaster;
    frozen_.push_back(postmaster);
    for (int64_t b : backends) frozen_.push_back(static_cast<pid_t>(b));
    for (pid_t p : frozen_) ::kill(p, SIGSTOP);
  }
  void resume() {
    for (pid_t p : frozen_) ::kill(p, SIGCONT);
    frozen_.clear();
  }

  // What f raised while the server is frozen. It runs where a missing bound cannot hang
  // the suite: past a minute (sixty times the bound) the server is resumed, which lets f
  // go on, and the test fails.
  std::string outcome_while_frozen(const std::function<void()>& f) {
    auto outcome = std::async(std::launch::async, [&] {
      try {
        f();
        return std::string("(no error)");
      } catch (const ConnectionLost& e) {
        return "ConnectionLost " + e.sqlstate() + ": " + e.message();
      } catch (const Error& e) {
        return std::string("another error: ") + e.what();
      }
    });
    if (outcome.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      resume();
      ADD_FAILURE() << "the query waited for the frozen server past read_timeout";
    }
    return outcome.get();
  }

 private:
  std::string dir_, url_;
  std::vector<pid_t> frozen_;
};

const char* const kTimedOut =
    "ConnectionLost HYT00: PostgreSQL did not answer within read_timeout (1 s): the "
    "connection is given up";

struct Ticket {
  int64_t id = 0;
  std::string code{};
};

void quarry_model(ModelDef<Ticket>& m) {
  m.table("qt_timeout_ticket");
  m.field("id", &Ticket::id, BigAutoField());
  m.field("code", &Ticket::code, CharField(10));
}

TEST(Timeouts, AQueryToAFrozenPostgresEndsWithConnectionLostAfterReadTimeout) {
  if (backend() != "postgres") {
    GTEST_SKIP() << "the private server this test freezes is a PostgreSQL";
  }
  PrivatePostgres server;
  ASSERT_FALSE(server.url().empty()) << "the private PostgreSQL did not start";
  Databases dbs(Config::parse(
      "databases:\n  default:\n    url: \"" + server.url() + "\"\n    options: {read_timeout: 1}\n",
      "<timeout test>"));
  auto buffered = dbs["default"].connect();
  auto streamed = dbs["default"].connect();
  server.freeze({buffered->query_value<int64_t>("SELECT pg_backend_pid()"),
                 streamed->query_value<int64_t>("SELECT pg_backend_pid()")});

  EXPECT_EQ(server.outcome_while_frozen([&] { buffered->query_value<int64_t>("SELECT 2"); }),
            kTimedOut);
  EXPECT_FALSE(buffered->is_usable());
  EXPECT_EQ(server.outcome_while_frozen([&] {
    ResultSet rs = streamed->query("SELECT 3", {}, {.stream = true});
    rs.next();
  }),
            kTimedOut);
  EXPECT_FALSE(streamed->is_usable());
  server.resume();
  buffered.reset();  // closing them after the timeout waits for nothing either
  streamed.reset();
}

// A read that timed out is not run again on a new connection: the server is frozen, not
// gone (and connecting to it would wait as long as it stays frozen).
TEST(Timeouts, AQuerysetReadThatTimedOutOnAFrozenPostgresIsNotRetried) {
  if (backend() != "postgres") {
    GTEST_SKIP() << "the private server this test freezes is a PostgreSQL";
  }
  PrivatePostgres server;
  ASSERT_FALSE(server.url().empty()) << "the private PostgreSQL did not start";
  configure(Config::parse("databases:\n  default:\n    url: \"" + server.url() +
                              "\"\n    options: {read_timeout: 1}\n"
                              "    pool: {size: 1, health_check_after_ms: -1}\n",
                          "<timeout test>"));
  create_tables<Ticket>();
  objects<Ticket>().create({.code = "a"});
  server.freeze({database().acquire()->query_value<int64_t>("SELECT pg_backend_pid()")});
  EXPECT_EQ(server.outcome_while_frozen([] { objects<Ticket>().count(); }), kTimedOut);
  server.resume();
}

TEST(Timeouts, ReadTimeoutIsAWholeNumberOfSeconds) {
  if (!require_backend() || serverless()) {
    GTEST_SKIP() << "an SQLite file has no server to wait for";
  }
  const std::string what = error_of<Error>([] {
    auto dbs = open_databases("    options: {read_timeout: soon}\n");
    (*dbs)["default"].connect();
  });
  EXPECT_NE(what.find("option read_timeout: 'soon' is not a whole number"), std::string::npos)
      << what;
}

}  // namespace
}  // namespace quarry::test
