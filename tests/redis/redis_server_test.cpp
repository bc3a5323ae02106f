// The Redis server that scripts/test-servers.sh starts for the query cache answers on
// loopback. This is the redis-labelled suite's first member; the cache's own tests join
// it when the cache lands.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

TEST(RedisServer, AnswersOnLoopback) {
  const char* url = std::getenv("QUARRY_TEST_REDIS_URL");
  if (!url) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL() << "no Redis server under CI";
    GTEST_SKIP() << "set QUARRY_TEST_REDIS_URL (scripts/test-all.sh starts Redis and sets it)";
  }
  const std::string u = url;  // redis://127.0.0.1:PORT
  const auto colon = u.rfind(':');
  const std::string host = u.substr(8, colon - 8);
  const int port = std::stoi(u.substr(colon + 1));
  std::unique_ptr<redisContext, decltype(&redisFree)> c(redisConnect(host.c_str(), port),
                                                        &redisFree);
  ASSERT_TRUE(c && !c->err) << (c ? c->errstr : "out of memory");
  Reply pong(static_cast<redisReply*>(redisCommand(c.get(), "PING")));
  ASSERT_TRUE(pong);
  EXPECT_EQ(std::string(pong->str, pong->len), "PONG");
  Reply set(static_cast<redisReply*>(
      redisCommand(c.get(), "SET %s %b", "quarry:test", "v\0x", size_t{3})));
  ASSERT_TRUE(set);
  Reply get(static_cast<redisReply*>(redisCommand(c.get(), "GET %s", "quarry:test")));
  ASSERT_TRUE(get);
  EXPECT_EQ(std::string(get->str, get->len), std::string("v\0x", 3));
}

}  // namespace
