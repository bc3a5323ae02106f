// Database: one configured alias (its plugin, dialect, pool and query log), and
// Databases: every alias of a config. The process-wide registry that models and
// querysets use is set with quarry::configure().
//
//   quarry::configure("configs/sqlite.yaml");
//   auto conn = quarry::database().acquire();        // "default", from the pool
//   for (quarry::Row r : conn->query("SELECT 1")) ...
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/config.hpp"
#include "quarry/connection.hpp"
#include "quarry/dialect.hpp"
#include "quarry/engine.hpp"
#include "quarry/pool.hpp"
#include "quarry/query_log.hpp"

namespace quarry {

namespace detail {
class RouterChain;
class ReplicaSet;
class QueryCache;
}  // namespace detail

class Database {
 public:
  // Loads the engine's plugin now (so a missing plugin is reported at start-up);
  // connects only when a connection is first needed.
  explicit Database(DatabaseSettings settings);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& alias() const { return settings_.alias; }
  uint64_t id() const { return id_; }  // unique in this process
  const DatabaseSettings& settings() const { return settings_; }
  const Engine& engine() const { return *engine_; }
  // The dialect for this server: from settings.server_version if given, otherwise from
  // the first connection's server (opening one if needed).
  const Dialect& dialect();
  const Features& features() { return dialect().features(); }
  QueryLog& query_log() { return *log_; }
  Pool& pool() { return *pool_; }

  // A connection from the pool, returned when the lease is destroyed.
  PooledConnection acquire() { return pool_->acquire(); }
  // A new connection of its own, outside the pool.
  std::unique_ptr<Connection> connect();

  // The replicas serving this alias's reads (settings().replicas), or null.
  detail::ReplicaSet* replica_set() const { return replica_set_; }
  // Its query cache (settings().cache, quarry/cache.hpp), or null.
  detail::QueryCache* query_cache() const { return query_cache_; }

 private:
  friend class Databases;
  std::shared_ptr<const Dialect> dialect_for(const std::string& server_version);

  DatabaseSettings settings_;
  uint64_t id_;  // unique in this process
  std::shared_ptr<const Engine> engine_;
  std::shared_ptr<QueryLog> log_;
  std::once_flag dialect_once_;
  std::shared_ptr<const Dialect> dialect_;
  std::atomic<const Dialect*> ready_dialect_{nullptr};  // set once dialect_ exists
  std::unique_ptr<Pool> pool_;
  detail::ReplicaSet* replica_set_ = nullptr;  // owned by the Databases
  detail::QueryCache* query_cache_ = nullptr;  // owned by the Databases
};

class Databases {
 public:
  // Makes every alias (loading its plugin) and the config's routers; starts the health
  // checks of the replicas.
  explicit Databases(const Config& config);
  ~Databases();
  // Throws ImproperlyConfigured listing the aliases there are.
  Database& operator[](std::string_view alias);
  bool contains(std::string_view alias) const;
  std::vector<std::string> aliases() const;
  const Config& config() const { return config_; }
  // The routers of the config, asked in order (quarry/routing.hpp).
  const detail::RouterChain& routers() const { return *routers_; }

 private:
  Config config_;
  std::vector<std::unique_ptr<Database>> databases_;
  std::unique_ptr<detail::RouterChain> routers_;
  std::vector<std::unique_ptr<detail::ReplicaSet>> replica_sets_;  // go before the databases
  std::vector<std::unique_ptr<detail::QueryCache>> caches_;
  std::size_t cache_listener_ = 0;  // the caches' write listener, if there are caches
};

// The process-wide registry. configure() replaces it; nothing may still be using the
// old one (no open leases) when it does.
void configure(const Config& config);
void configure(const std::string& config_path);
bool is_configured();
// Throws ImproperlyConfigured if configure() was never called.
Databases& databases();
Database& database(std::string_view alias = "default");
// Whether atomic blocks on a database begin with the write lock taken (SQLite's
// select_for_update policy, where the backend has no row locks and can do that).
bool immediate_blocks(const DatabaseSettings& s, const Dialect& d);

}  // namespace quarry
