// quarry against the raw C drivers, workload by workload, in one process.
//
//   quarry_bench [--backend=sqlite|postgres|mysql|all] [--rounds=N] [--json=FILE]
//                [--only=SUBSTRING]
//
// PostgreSQL and MariaDB come from QUARRY_TEST_POSTGRES_URL and QUARRY_TEST_MYSQL_URL
// (scripts/bench.sh starts servers and sets them); SQLite uses a file in /tmp.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>

#include "cache.hpp"
#include "harness.hpp"
#include "raw_driver.hpp"
#include "routing.hpp"
#include "seed/models.hpp"

namespace bench {
namespace {

using namespace quarry;

constexpr int64_t kTableRows = 100'000;
constexpr std::size_t kGets = 20'000;
constexpr int64_t kFetchRows = 10'000;

std::string url_for(const std::string& backend) {
  if (backend == "sqlite")
    return "sqlite://" + std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
           "/quarry-bench.db";
  const char* v =
      std::getenv(backend == "postgres" ? "QUARRY_TEST_POSTGRES_URL" : "QUARRY_TEST_MYSQL_URL");
  return v ? v : "";
}

// The backend's replica (scripts/test-servers.sh starts one of each server), or "".
std::string replica_url_for(const std::string& backend) {
  const char* v = backend == "postgres" ? std::getenv("QUARRY_TEST_POSTGRES_REPLICA_URL")
                  : backend == "mysql"  ? std::getenv("QUARRY_TEST_MYSQL_REPLICA_URL")
                                        : nullptr;
  return v ? v : "";
}

std::unique_ptr<RawDriver> raw_for(const std::string& backend, const DatabaseSettings& s) {
  if (backend == "postgres") return raw_postgres(s);
  if (backend == "mysql") return raw_mysql(s);
  return raw_sqlite(s);
}

// The raw driver on the connection quarry's pool (of one) holds. The lease ends at once:
// the connection stays open and idle in the pool, and quarry takes it for each query.
std::unique_ptr<RawDriver> raw_on_quarrys_session(const std::string& backend) {
  void* session = database().acquire()->native_handle();
  if (backend == "postgres") return raw_postgres_on(session);
  if (backend == "mysql") return raw_mysql_on(session);
  return raw_sqlite_on(session);
}

// The table of 100k rows, written once through the raw multi-row INSERT.
void fill(RawDriver& raw) {
  std::vector<Item> rows;
  rows.reserve(kTableRows);
  for (int64_t i = 1; i <= kTableRows; ++i) rows.push_back(make_item(i));
  raw.insert_batches(rows, 1000);
  raw.exec(
      "INSERT INTO bench_item (id, name, price, qty, created_at, is_active) "
      "SELECT id, name, price, qty, created_at, is_active FROM bench_bulk");
  raw.exec("DELETE FROM bench_bulk");
}

// The iterator() memory workload runs each side in a process of its own (this program,
// with --rss=BACKEND,quarry|raw,ROWS), whose peak resident set size is then its alone.
long child_peak_rss(const std::string& backend, const std::string& side, int64_t rows) {
  char self[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return -1;
  const std::string cmd = "'" + std::string(self, static_cast<std::size_t>(n)) +
                          "' --rss=" + backend + "," + side + "," + std::to_string(rows);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  long kb = -1;
  if (std::fscanf(p, "%ld", &kb) != 1) kb = -1;
  pclose(p);
  return kb;
}

int rss_child(const std::string& spec) {
  const auto a = spec.find(','), b = spec.rfind(',');
  const std::string backend = spec.substr(0, a), side = spec.substr(a + 1, b - a - 1);
  const int64_t rows = std::atoll(spec.c_str() + b + 1);
  const std::string url = url_for(backend);
  int64_t sum = 0;
  if (side == "raw") {
    sum = raw_for(backend, parse_database_url(url))->stream("bench_big", rows);
  } else {
    configure(
        Config::parse("databases:\n  default:\n    url: \"" + url + "\"\n    pool: {size: 1}\n"));
    for (const BigItem& it : objects<BigItem>().filter("id__lte", rows).iterator()) sum += it.qty;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%ld %lld\n", usage.ru_maxrss, static_cast<long long>(sum));
  return 0;
}

std::string g_only;  // --only=SUBSTRING: run just the workloads whose name holds it
bool wanted(const std::string& name) {
  return g_only.empty() || name.find(g_only) != std::string::npos;
}

std::vector<Result> run_backend(const std::string& backend, int rounds) {
  std::vector<Result> out;
  const std::string url = url_for(backend);
  if (url.empty()) {
    std::fprintf(stderr, "%s: no server (set %s)\n", backend.c_str(),
                 backend == "postgres" ? "QUARRY_TEST_POSTGRES_URL" : "QUARRY_TEST_MYSQL_URL");
    return out;
  }
  std::fprintf(stderr, "== %s\n", backend.c_str());
  configure(
      Config::parse("databases:\n  default:\n    url: \"" + url + "\"\n    pool: {size: 1}\n"));
  drop_tables<Item, BulkItem>();
  create_tables<Item, BulkItem>();
  auto raw = raw_on_quarrys_session(backend);
  fill(*raw);
  const std::string truncate =
      backend == "sqlite" ? "DELETE FROM bench_bulk" : "TRUNCATE TABLE bench_bulk";

  std::vector<int64_t> ids(kGets);
  std::mt19937_64 rng(42);
  for (auto& id : ids) id = static_cast<int64_t>(rng() % kTableRows) + 1;

  // 1. get(pk)
  Item sink;
  int64_t check = 0;
  if (wanted("get(pk)"))
    out.push_back(run(backend,
                      {"get(pk)",
                       kGets,
                       kGets,
                       [&] {
                         for (int64_t id : ids) {
                           raw->get(id, sink);
                           check += sink.qty;
                         }
                       },
                       [&] {
                         for (int64_t id : ids) {
                           const Item it = objects<Item>().get("pk", id);
                           check += it.qty;
                         }
                       },
                       {},
                       raw->label()},
                      rounds));

  // 2. 10k rows into structs
  if (wanted("10k rows into structs"))
    out.push_back(run(backend,
                      {"10k rows into structs",
                       1,
                       kFetchRows,
                       [&] {
                         std::vector<Item> rows;
                         raw->fetch(kFetchRows, rows);
                         check += rows.size();
                       },
                       [&] {
                         const auto qs =
                             objects<Item>().filter("id__lte", kFetchRows).order_by({"id"});
                         check += qs.list().size();
                       },
                       {},
                       raw->label()},
                      rounds));

  // 4. values_list and GROUP BY
  if (wanted("values_list over 10k rows"))
    out.push_back(run(backend,
                      {"values_list over 10k rows",
                       1,
                       kFetchRows,
                       [&] {
                         std::vector<std::pair<int64_t, Decimal>> rows;
                         raw->id_price(kFetchRows, rows);
                         check += rows.size();
                       },
                       [&] {
                         const auto qs = objects<Item>()
                                             .filter("id__lte", kFetchRows)
                                             .order_by({"id"})
                                             .values_list<int64_t, Decimal>("id", "price");
                         check += qs.list().size();
                       },
                       {},
                       raw->label()},
                      rounds));
  if (wanted("aggregate with GROUP BY"))
    out.push_back(run(backend,
                      {"aggregate with GROUP BY",
                       1,
                       2,
                       [&] {
                         std::vector<std::tuple<bool, int64_t, int64_t>> rows;
                         raw->group_by(rows);
                         check += rows.size();
                       },
                       [&] {
                         const auto qs = objects<Item>()
                                             .values({"is_active"})
                                             .annotate({{"n", CountAll()}, {"total", Sum("qty")}});
                         check += qs.list().size();
                       },
                       {},
                       raw->label()},
                      rounds));

  // 3. bulk_create of 100k rows
  std::vector<Item> items;
  std::vector<BulkItem> bulk;
  for (int64_t i = 1; i <= kTableRows; ++i) {
    items.push_back(make_item(i));
    bulk.push_back(make_item<BulkItem>(i));
  }
  auto reset = [&] {
    raw->exec(truncate);
    for (auto& b : bulk) b.id = 0;
  };
  if (wanted("bulk_create 100k rows"))
    out.push_back(
        run(backend,
            {"bulk_create 100k rows", 1, static_cast<std::size_t>(kTableRows),
             [&] { raw->insert_batches(items, 1000); },
             [&] { objects<BulkItem>().bulk_create(bulk); }, reset, raw->label() + " INSERT x1000"},
            rounds));
  if (raw->has_copy() && wanted("bulk_create 100k rows vs COPY")) {
    out.push_back(run(backend,
                      {"bulk_create 100k rows vs COPY", 1, static_cast<std::size_t>(kTableRows),
                       [&] { raw->copy(items); }, [&] { objects<BulkItem>().bulk_create(bulk); },
                       reset, raw->label() + " COPY"},
                      rounds));
  }

  // 5. SQL generation alone
  constexpr std::size_t kCompiles = 100'000;
  if (wanted("SQL for filter(pk=1)"))
    out.push_back(run_alone(
        backend, "SQL for filter(pk=1)", kCompiles,
        [&] {
          for (std::size_t i = 0; i < kCompiles; ++i) {
            check += objects<Item>().filter("pk", 1).sql().sql.size();
          }
        },
        rounds));
  if (wanted("SQL for the seed's section 9"))
    out.push_back(run_alone(
        backend, "SQL for the seed's section 9", kCompiles / 10,
        [&] {
          for (std::size_t i = 0; i < kCompiles / 10; ++i) {
            check += seed::section9_students().sql().sql.size();
          }
        },
        rounds));
  // 6. iterator() over 10^5 and 10^6 rows: peak memory, which should not grow with them.
  if (wanted("iterator()")) {
    drop_tables<BigItem>();
    create_tables<BigItem>();
    for (int k = 0; k < 10; ++k) {
      raw->exec("INSERT INTO bench_big (id, name, price, qty, created_at, is_active) SELECT id + " +
                std::to_string(k * kTableRows) +
                ", name, price, qty, created_at, is_active FROM bench_item");
    }
    for (const int64_t rows : {kTableRows, 10 * kTableRows}) {
      out.push_back(run_memory(backend, "iterator() over " + std::to_string(rows) + " rows",
                               static_cast<std::size_t>(rows),
                               child_peak_rss(backend, "quarry", rows),
                               child_peak_rss(backend, "raw", rows), raw->label() + " streaming"));
    }
    drop_tables<BigItem>();
  }
  drop_tables<Item, BulkItem>();
  if (check == 42) std::fprintf(stderr, "(checksum %lld)\n", static_cast<long long>(check));
  return out;
}

std::string machine() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string cpu = "unknown cpu";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  return cpu + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores";
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  std::string backend = "all", json;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--rss=", 6) == 0) return bench::rss_child(argv[i] + 6);
    if (std::strncmp(argv[i], "--backend=", 10) == 0) backend = argv[i] + 10;
    if (std::strncmp(argv[i], "--rounds=", 9) == 0) rounds = std::atoi(argv[i] + 9);
    if (std::strncmp(argv[i], "--json=", 7) == 0) json = argv[i] + 7;
    if (std::strncmp(argv[i], "--only=", 7) == 0) bench::g_only = argv[i] + 7;
  }
  std::vector<bench::Result> results;
  for (const char* b : {"sqlite", "postgres", "mysql"}) {
    if (backend != "all" && backend != b) continue;
    auto r = bench::run_backend(b, rounds);
    results.insert(results.end(), r.begin(), r.end());
    if (!bench::url_for(b).empty()) {
      r = bench::run_routing(b, bench::url_for(b), bench::replica_url_for(b), rounds,
                             bench::wanted);
      results.insert(results.end(), r.begin(), r.end());
      const char* redis = std::getenv("QUARRY_TEST_REDIS_URL");
      r = bench::run_cache(b, bench::url_for(b), redis ? redis : "", rounds, bench::wanted);
      results.insert(results.end(), r.begin(), r.end());
    }
  }
  bench::print_table(results);
  if (!json.empty()) {
    std::ofstream(json) << bench::to_json(results, bench::machine());
    std::fprintf(stderr, "figures written to %s\n", json.c_str());
  }
  return 0;
}
