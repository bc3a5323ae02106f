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
#include <future>
#include <string>

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

  // Stops the postmaster and one backend, as a frozen host would.
  void freeze(int64_t backend_pid) {
    std::ifstream pid_file(dir_ + "/pg/data/postmaster.pid");
    pid_file >> postmaster_;
    backend_ = static_cast<pid_t>(backend_pid);
    ::kill(postmaster_, SIGSTOP);
    ::kill(backend_, SIGSTOP);
  }
  void resume() {
    if (postmaster_ > 0) ::kill(postmaster_, SIGCONT);
    if (backend_ > 0) ::kill(backend_, SIGCONT);
    postmaster_ = backend_ = 0;
  }

 private:
  std::string dir_, url_;
  pid_t postmaster_ = 0, backend_ = 0;
};

TEST(Timeouts, AQueryToAFrozenPostgresEndsWithConnectionLostAfterReadTimeout) {
  if (backend() != "postgres") {
    GTEST_SKIP() << "the private server this test freezes is a PostgreSQL";
  }
  PrivatePostgres server;
  ASSERT_FALSE(server.url().empty()) << "the private PostgreSQL did not start";
  Databases dbs(Config::parse(
      "databases:\n  default:\n    url: \"" + server.url() + "\"\n    options: {read_timeout: 1}\n",
      "<timeout test>"));
  auto conn = dbs["default"].connect();
  server.freeze(conn->query_value<int64_t>("SELECT pg_backend_pid()"));

  // Run where a missing bound cannot hang the suite: past a minute (sixty times the
  // bound) the server is resumed, which ends the query, and the test fails.
  auto outcome = std::async(std::launch::async, [&] {
    try {
      conn->query_value<int64_t>("SELECT 2");
      return std::string("(no error)");
    } catch (const ConnectionLost& e) {
      return "ConnectionLost " + e.sqlstate() + ": " + e.message();
    } catch (const Error& e) {
      return std::string("another error: ") + e.what();
    }
  });
  if (outcome.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    server.resume();
    ADD_FAILURE() << "the query waited for the frozen server past read_timeout";
  }
  EXPECT_EQ(outcome.get(),
            "ConnectionLost HYT00: PostgreSQL did not answer within read_timeout (1 s): the "
            "connection is given up");
  EXPECT_FALSE(conn->is_usable());
  server.resume();
  conn.reset();  // closing it after the timeout does not wait for the server either
}

TEST(Timeouts, ReadTimeoutIsAWholeNumberOfSeconds) {
  if (!require_backend() || backend() == "sqlite") {
    GTEST_SKIP() << "SQLite has no server to wait for";
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
