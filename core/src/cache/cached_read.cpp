#include "cache/cached_read.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "cache/query_cache.hpp"
#include "cache/stored_rows.hpp"
#include "quarry/database.hpp"
#include "quarry/errors.hpp"

namespace quarry::detail {
namespace {

// ---- the test hook (quarry::testing::set_before_cache_fill) ----------------------

std::atomic<bool> g_hooked{false};
std::mutex g_hook_mutex;
std::function<void(std::string_view)> g_hook;

void before_fill(std::string_view sql) {
  if (!g_hooked.load(std::memory_order_acquire)) return;
  std::function<void(std::string_view)> hook;
  {
    std::lock_guard lock(g_hook_mutex);
    hook = g_hook;
  }
  if (hook) hook(sql);
}

// ---- single flight: one reader per entry and generations, the others wait ---------

struct Flight {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::shared_ptr<const StoredRows> rows;  // null when the reader failed
};

std::mutex g_flights_mutex;
std::map<std::string, std::shared_ptr<Flight>, std::less<>> g_flights;

// The reader of a flight publishes what it read (or nothing, if it failed) when it goes.
class FlightLead {
 public:
  FlightLead(std::string key, std::shared_ptr<Flight> f) : key_(std::move(key)), f_(std::move(f)) {}
  ~FlightLead() {
    {
      std::lock_guard lock(g_flights_mutex);
      g_flights.erase(key_);
    }
    {
      std::lock_guard lock(f_->mutex);
      f_->done = true;
    }
    f_->done_cv.notify_all();
  }
  void publish(std::shared_ptr<const StoredRows> rows) {
    std::lock_guard lock(f_->mutex);
    f_->rows = std::move(rows);
  }

 private:
  std::string key_;
  std::shared_ptr<Flight> f_;
};

// The flight for r: {flight, true} when this thread is to read, else the one to wait for.
std::pair<std::shared_ptr<Flight>, bool> join_flight(const QueryCache::Read& r, std::string& key) {
  // The whole material, not its hash: two queries whose hashes meet never share rows.
  key = r.material;
  for (const auto& t : r.tokens) {
    key += '\0';
    key += t;
  }
  auto made = std::make_shared<Flight>();
  std::lock_guard lock(g_flights_mutex);
  auto [it, added] = g_flights.try_emplace(key, std::move(made));
  return {it->second, added};
}

std::shared_ptr<const StoredRows> wait_for(Flight& f) {
  std::unique_lock lock(f.mutex);
  f.done_cv.wait(lock, [&] { return f.done; });
  return f.rows;
}

// ---- reading ---------------------------------------------------------------------

void log_hit(Database& db, std::string_view sql, std::span<const Value> params) {
  if (!QueryEvents::wants(db.query_log())) return;
  struct Scratch {
    char text[Decimal::kTextBuffer];
  };
  std::vector<Scratch> scratch(params.size());
  std::vector<quarry_value> abi(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) abi[i] = params[i].to_abi(scratch[i].text);
  QueryEvents::record(db.query_log(), db.alias(), sql, abi, std::chrono::microseconds(0), {}, true);
}

ResultSet served(const ReadRoute& route, std::string_view sql, std::span<const Value> params,
                 std::shared_ptr<const StoredRows> rows) {
  log_hit(*route.db, sql, params);
  return StoredResult::open(std::move(rows));
}

// Reads sql on the primary into an entry written under r's generations, stores it and
// gives its rows.
std::shared_ptr<const StoredRows> read_and_fill(std::optional<Lease>& lease, const ReadRoute& route,
                                                QueryCache& cache, const QueryCache::Read& r,
                                                int64_t ttl_ms, std::string_view sql,
                                                std::span<const Value> params) {
  ReadRoute primary = route;
  primary.replica_ok = false;  // a replica may not have replayed what the generations say
  lease.emplace(primary);
  EntryWriter w;
  w.header(r.material, r.tokens);
  {
    ResultSet rs = lease->read(sql, params, ExecOptions{.stream = false, .drain = true});
    std::vector<std::string_view> names(rs.column_count());
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = rs.column_name(i);
    w.columns(names);
    std::vector<quarry_value> row(names.size());
    while (rs.next()) {
      const Row now = rs.row();
      for (std::size_t i = 0; i < row.size(); ++i) row[i] = now[i].abi();
      w.row(row.data(), row.size());
    }
  }
  lease.reset();  // the connection goes back before the store is asked
  std::string bytes = w.take();
  before_fill(sql);
  cache.fill(r, bytes, ttl_ms);
  auto rows = read_rows(std::move(bytes));
  if (!rows) throw InternalError("the query cache could not read an entry it wrote");
  return rows;
}

}  // namespace

CacheUse cache_use(const Query& q, const ReadRoute& route, bool stream) {
  if (q.no_cache) return {};
  const std::optional<int64_t>& ttl = q.cache_ttl_ms ? q.cache_ttl_ms : q.model->cache_ttl_ms();
  QueryCache* cache = route.db->query_cache();
  if (!ttl || !cache) return {};
  // Inside a block the database answers: a hit would be newer than the block's snapshot
  // (repeatable read), unseen by the server's serializable checks, and blind to the
  // block's own writes; a fill could store the block's view for everyone.
  if (q.for_update || stream || Lease::in_atomic_block(route.db->alias())) {
    cache->count_bypass();
    return {};
  }
  return CacheUse{cache, *ttl > 0 ? *ttl : cache->settings().ttl_ms};
}

ResultSet read_through(std::optional<Lease>& lease, const ReadRoute& route, const CacheUse& use,
                       std::string_view sql, std::span<const Value> params,
                       std::span<const std::string> tables, ExecOptions opts) {
  const auto plain_read = [&] {
    lease.emplace(route);
    return lease->read(sql, params, opts);
  };
  if (!use.cache) return plain_read();
  QueryCache& cache = *use.cache;
  QueryCache::Read r;
  if (auto rows = cache.lookup(sql, params, tables, r)) return served(route, sql, params, rows);
  if (!r.usable) return plain_read();  // the store is away: the database alone

  // One reader per entry and generations in this process; the others wait for its rows.
  std::string key;
  auto [flight, leader] = join_flight(r, key);
  if (!leader) {
    if (auto rows = wait_for(*flight)) return StoredResult::open(std::move(rows));
    return plain_read();  // its reader failed: this one reads for itself
  }
  FlightLead lead(std::move(key), flight);
  // Across processes, a short lock: the others wait for the holder's entry.
  std::string lock_token;
  bool locked = false;
  if (cache.settings().fill_lock_ms > 0) {
    locked = cache.lock(r, lock_token);
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(cache.settings().fill_lock_ms);
    while (!locked && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      QueryCache::Read again;
      if (auto rows = cache.lookup(sql, params, tables, again)) {
        lead.publish(rows);
        return served(route, sql, params, rows);
      }
      if (!again.usable || again.tokens != r.tokens) break;  // away, or written meanwhile
    }
  }
  struct Unlock {
    QueryCache& cache;
    const QueryCache::Read& r;
    const std::string& token;
    bool locked;
    ~Unlock() {
      if (!locked) return;
      try {
        cache.release(r, token);
      } catch (...) {  // the lock's time to live ends it
      }
    }
  } unlock{cache, r, lock_token, locked};
  auto rows = read_and_fill(lease, route, cache, r, use.ttl_ms, sql, params);
  lead.publish(rows);
  return StoredResult::open(std::move(rows));
}

}  // namespace quarry::detail

namespace quarry {

namespace {
detail::QueryCache& cache_of(std::string_view alias) {
  Database& db = database(alias);
  if (!db.query_cache()) {
    throw ImproperlyConfigured("database alias '" + std::string(alias) +
                               "' has no query cache (give it cache: in the config)");
  }
  return *db.query_cache();
}
}  // namespace

CacheStats cache_stats(std::string_view alias) {
  return cache_of(alias).stats();
}

void reset_cache_stats(std::string_view alias) {
  cache_of(alias).reset_stats();
}

namespace testing {
void set_before_cache_fill(std::function<void(std::string_view sql)> hook) {
  std::lock_guard lock(detail::g_hook_mutex);
  detail::g_hooked.store(static_cast<bool>(hook), std::memory_order_release);
  detail::g_hook = std::move(hook);
}
}  // namespace testing

}  // namespace quarry
