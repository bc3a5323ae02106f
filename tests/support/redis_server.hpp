// A Redis server of the test's own, on a free loopback port in a temporary folder, that
// the test may freeze (SIGSTOP), thaw, shut down and start again empty: the outage drills
// of the query cache never hurt the shared server scripts/test-servers.sh starts.
#pragma once

#include <string>

namespace quarry::test {

// The shared Redis (QUARRY_TEST_REDIS_URL), or "" when none is configured.
std::string shared_redis_url();

class RedisServer {
 public:
  // Starts it; throws std::runtime_error when redis-server cannot be started.
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::string url() const;
  void freeze();    // kill -STOP: it takes connections' bytes and answers nothing
  void thaw();      // kill -CONT
  void shutdown();  // SHUTDOWN NOSAVE: gone, and what it held with it
  void start();     // again, on the same port, empty
  // A command through redis-cli, its reply as the tool prints it.
  std::string cli(const std::string& command) const;
  // A key's value, byte for byte (empty when absent), and setting it so.
  std::string get_raw(const std::string& key) const;
  void set_raw(const std::string& key, const std::string& value) const;

 private:
  std::string dir_;
  int port_ = 0;
  int pid_ = 0;
};

}  // namespace quarry::test
