#include "cache.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>

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

  // The key of the one entry `fill` stores (the keys under the prefix before and after).
  const auto entry_key = [&](const std::function<void()>& fill) {
    const auto keys = [&] {
      std::set<std::string> out;
      redisReply* r = redis.command("KEYS %b", prefix + "r:*");
      for (std::size_t i = 0; r && i < r->elements; ++i) {
        out.emplace(r->element[i]->str, r->element[i]->len);
      }
      if (r) freeReplyObject(r);
      return out;
    };
    const auto before = keys();
    fill();
    for (const auto& k : keys()) {
      if (!before.count(k)) return k;
    }
    std::fprintf(stderr, "cache bench: the fill stored no entry\n");
    std::exit(1);
  };
  const auto raw_gets = [&](const std::string& key, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      redisReply* r = redis.command("GET %b", key);
      check += static_cast<int64_t>(r->len);
      freeReplyObject(r);
    }
  };

  // 1. A hit: the whole evaluation of the queryset into 100 structs, against a GET of
  // the entry's bytes on a connection of the benchmark's own to the same Redis. Then
  // count(), whose entry is one cell: the cache's own cost, with nothing to build.
  if (wanted(hit)) {
    const auto qs = [] { return objects<Item>().order_by({"id"}).cache(600s); };
    const std::string key = entry_key([&] { check += static_cast<int64_t>(qs().list().size()); });
    out.push_back(run(backend,
                      {hit,
                       kHits,
                       kRows,
                       [&] { raw_gets(key, kHits); },
                       [&] {
                         for (std::size_t i = 0; i < kHits; ++i) {
                           check += static_cast<int64_t>(qs().list().size());
                         }
                       },
                       {},
                       "raw hiredis GET"},
                      rounds));
    const std::string count_key = entry_key([&] { check += qs().count(); });
    out.push_back(run(backend,
                      {"count(): cache hit",
                       kHits,
                       1,
                       [&] { raw_gets(count_key, kHits); },
                       [&] {
                         for (std::size_t i = 0; i < kHits; ++i) check += qs().count();
                       },
                       {},
                       "raw hiredis GET"},
                      rounds));
  }

  // 2. A miss each time (a parameter never asked before: a new entry, looked up, read
  // from the database and stored) against the same get() uncached.
  if (wanted(miss)) {
    int64_t n = 0;
    const int64_t first = rows.front().id;  // a backend's keys need not start at 1
    out.push_back(
        run(backend,
            {miss,
             kMisses,
             kMisses,
             [&] {
               for (std::size_t i = 0; i < kMisses; ++i) {
                 check += objects<Item>().get({{"pk", first}, {"qty__gt", -(++n)}}).qty;
               }
             },
             [&] {
               for (std::size_t i = 0; i < kMisses; ++i) {
                 check += objects<Item>().cache(600s).get({{"pk", first}, {"qty__gt", -(++n)}}).qty;
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
