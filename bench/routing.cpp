#include "routing.hpp"

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "bench_item.hpp"

namespace bench {
namespace {

using namespace quarry;

constexpr int64_t kRows = 10'000;
constexpr std::size_t kGets = 20'000;
constexpr int kThreads = 8;

// A fresh table of kRows rows, and kGets of their keys picked at random (the keys a
// backend gives need not start at 1: PostgreSQL's bulk path takes a sequence value first).
std::vector<int64_t> fill() {
  drop_tables<Item>();
  create_tables<Item>();
  std::vector<Item> rows;
  rows.reserve(kRows);
  for (int64_t i = 1; i <= kRows; ++i) rows.push_back(make_item<Item>(i));
  objects<Item>().bulk_create(rows);
  std::vector<int64_t> ids(kGets);
  std::mt19937_64 rng(7);
  for (auto& id : ids) id = rows[rng() % rows.size()].id;
  return ids;
}

// kGets reads of random keys, split over kThreads threads, on `alias` ("" for the
// routers' choice).
void parallel_gets(const std::vector<int64_t>& ids, const std::string& alias, int64_t& check) {
  std::vector<std::thread> threads;
  std::vector<int64_t> sums(kThreads, 0);
  const std::size_t per = ids.size() / kThreads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto qs = alias.empty() ? objects<Item>().all() : objects<Item>().using_(alias);
      for (std::size_t i = t * per; i < (t + 1) * per; ++i) sums[t] += qs.get("pk", ids[i]).qty;
    });
  }
  for (auto& th : threads) th.join();
  for (int64_t s : sums) check += s;
}

// Waits until the replica has the rows fill() wrote (this thread's reads would go to the
// primary until then; the workload's threads have no writes of their own to wait for).
void await_replica(const std::string& replica_alias) {
  for (int i = 0; i < 1000; ++i) {
    try {
      if (objects<Item>().using_(replica_alias).count() == kRows) return;
    } catch (const ProgrammingError&) {  // the table is not there yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fprintf(stderr, "the replica did not catch up\n");
}

}  // namespace

std::vector<Result> run_routing(const std::string& backend, const std::string& url,
                                const std::string& replica_url, int rounds,
                                const std::function<bool(const std::string&)>& wanted) {
  std::vector<Result> out;
  const std::string chain = "get(pk) via router chain";
  const std::string replica = "8 threads get(pk): primary + replica";
  int64_t check = 0;

  // 1. One router that answers every read (by_model, the model to 'default') against
  // using("default"), which asks no router: the chain's cost per statement.
  if (wanted(chain)) {
    configure(
        Config::parse("routers:\n  - {name: by_model, routes: {Item: default}}\n"
                      "databases:\n  default:\n    url: \"" +
                      url + "\"\n    pool: {size: 1}\n"));
    const std::vector<int64_t> ids = fill();
    const auto by_using = objects<Item>().using_("default");
    const auto by_router = objects<Item>();
    out.push_back(run(backend,
                      {chain,
                       kGets,
                       kGets,
                       [&] {
                         for (int64_t id : ids) check += by_using.get("pk", id).qty;
                       },
                       [&] {
                         for (int64_t id : ids) check += by_router.get("pk", id).qty;
                       },
                       {},
                       "using()"},
                      rounds));
    drop_tables<Item>();
  }

  // 2. Reads from 8 threads that wrote nothing: served by the replica (routed) against
  // the primary alone (using() an alias of the same server with no replicas).
  if (!replica_url.empty() && wanted(replica)) {
    configure(Config::parse("databases:\n  default:\n    url: \"" + url +
                            "\"\n    pool: {size: 8}\n    replicas: [replica]\n"
                            "    health_check_ms: 1000\n  alone:\n    url: \"" +
                            url + "\"\n    pool: {size: 8}\n  replica:\n    url: \"" + replica_url +
                            "\"\n    pool: {size: 8}\n"));
    const std::vector<int64_t> ids = fill();
    await_replica("replica");
    // The routed reads must be the replica's, or the comparison says nothing.
    std::string served;
    std::thread([&] {
      QueryCapture log;
      (void)objects<Item>().get("pk", ids.front());
      served = log.queries().back().alias;
    }).join();
    if (served != "replica") {
      std::fprintf(stderr, "routed reads are served by '%s', not the replica\n", served.c_str());
    }
    out.push_back(run(backend,
                      {replica,
                       kGets,
                       kGets,
                       [&] { parallel_gets(ids, "alone", check); },
                       [&] { parallel_gets(ids, "", check); },
                       {},
                       "primary alone"},
                      rounds));
    drop_tables<Item>();
  }
  if (check == 42) std::fprintf(stderr, "(checksum %lld)\n", static_cast<long long>(check));
  return out;
}

}  // namespace bench
