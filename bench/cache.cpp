#include "cache.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "bench_item.hpp"

namespace bench {
namespace {

using namespace quarry;
using namespace std::chrono_literals;

constexpr int64_t kRows = 100;        // the queryset a hit serves
constexpr std::size_t kHits = 5'000;  // per run
constexpr std::size_t kMisses = 1'000;

struct Redis {
  std::unique_ptr<redisContext, decltype(&redisFree)> c{nullptr, &redisFree};
  explicit Redis(const std::string& url) {
    const auto colon = url.rfind(':');
    const std::string host = url.substr(8, colon - 8);
    c.reset(redisConnect(host.c_str(), std::stoi(url.substr(colon + 1))));
  }
  redisReply* command(const char* fmt, const std::string& arg) {
    return static_cast<redisReply*>(redisCommand(c.get(), fmt, arg.data(), arg.size()));
  }
};

}  // namespace

std::vector<Result> run_cache(const std::string& backend, const std::string& url,
                              const std::string& redis_url, int rounds,
                              const std::function<bool(const std::string&)>& wanted) {
  std::vector<Result> out;
  const std::string hit = "100-row queryset: cache hit";
  const std::string miss = "get(pk) through a cache that misses";
  if (redis_url.empty() || (!wanted(hit) && !wanted(miss))) return out;
  const std::string prefix =
      "bench:" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ":";
  configure(Config::parse("databases:\n  default:\n    url: \"" + url +
                          "\"\n    pool: {size: 1}\n    cache: {backend: redis, url: \"" +
                          redis_url + "\", key_prefix: \"" + prefix + "\"}\n"));
  drop_tables<Item>();
  create_tables<Item>();
  std::vector<Item> rows;
  for (int64_t i = 1; i <= kRows; ++i) rows.push_back(make_item<Item>(i));
  objects<Item>().bulk_create(rows);
  int64_t check = 0;
  Redis redis(redis_url);

  // 1. A hit: the whole evaluation of the queryset into 100 structs, against a GET of
  // the entry's bytes on a connection of the benchmark's own to the same Redis.
  if (wanted(hit)) {
    const auto qs = [] { return objects<Item>().order_by({"id"}).cache(600s); };
    check += static_cast<int64_t>(qs().list().size());  // the fill
    redisReply* keys = redis.command("KEYS %b", prefix + "r:*");
    if (!keys || keys->type != REDIS_REPLY_ARRAY || keys->elements != 1) {
      std::fprintf(stderr, "cache bench: expected one entry under %s\n", prefix.c_str());
      return out;
    }
    const std::string key(keys->element[0]->str, keys->element[0]->len);
    freeReplyObject(keys);
    out.push_back(run(backend,
                      {hit,
                       kHits,
                       kRows,
                       [&] {
                         for (std::size_t i = 0; i < kHits; ++i) {
                           redisReply* r = redis.command("GET %b", key);
                           check += static_cast<int64_t>(r->len);
                           freeReplyObject(r);
                         }
                       },
                       [&] {
                         for (std::size_t i = 0; i < kHits; ++i) {
                           check += static_cast<int64_t>(qs().list().size());
                         }
                       },
                       {},
                       "raw hiredis GET"},
                      rounds));
  }

  // 2. A miss each time (a parameter never asked before: a new entry, looked up, read
  // from the database and stored) against the same get() uncached.
  if (wanted(miss)) {
    int64_t n = 0;
    out.push_back(
        run(backend,
            {miss,
             kMisses,
             kMisses,
             [&] {
               for (std::size_t i = 0; i < kMisses; ++i) {
                 check += objects<Item>().get({{"pk", 1}, {"qty__gt", -(++n)}}).qty;
               }
             },
             [&] {
               for (std::size_t i = 0; i < kMisses; ++i) {
                 check += objects<Item>().cache(600s).get({{"pk", 1}, {"qty__gt", -(++n)}}).qty;
               }
             },
             {},
             "uncached"},
            rounds));
  }
  drop_tables<Item>();
  if (check == 42) std::fprintf(stderr, "(checksum %lld)\n", static_cast<long long>(check));
  return out;
}

}  // namespace bench
