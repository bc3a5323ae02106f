// The configuration: which databases exist under which aliases, and how to reach them.
//
//   plugin_path: [plugins]            # optional; relative to this file's folder
//   databases:
//     default:
//       engine: sqlite
//       name: ${QUARRY_SQLITE_DB:-quarry.db}
//     pg:
//       url: postgres://app:${PGPASSWORD}@127.0.0.1:5432/app
//       pool: {size: 8, acquire_timeout_ms: 5000}
//
// ${NAME} and ${NAME:-default} are replaced from the environment in every value; $$ is
// a dollar sign. Every error names the file, the line and the key. docs/config.md is the
// full reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/pool.hpp"

namespace quarry {

// The query cache of an alias (quarry/cache.hpp; docs/config.md "cache"):
//   cache: {backend: redis, url: redis://127.0.0.1:6379/0, ttl_s: 300,
//           connect_timeout_ms: 200, command_timeout_ms: 100}
struct CacheSettings {
  std::string backend;       // "" (no cache), "memory", or a store plugin's name: "redis"
  std::string url;           // the store's address (a plugin's own form)
  int64_t ttl_ms = 300'000;  // for a queryset that names no ttl: ttl_s in the config
  // Every call to the store is bounded by these; a store that is down, slow or frozen
  // costs at most this much before the database answers.
  int64_t connect_timeout_ms = 200;
  int64_t command_timeout_ms = 100;
  // The circuit breaker: after this many failures in a row the store is not asked for
  // open_ms, then one call tries it again.
  int breaker_failures = 3;
  int64_t breaker_open_ms = 1000;
  std::size_t max_bytes = 64u << 20;  // the in-process store's bound (backend: memory)
  std::string key_prefix = "quarry:";
  // Part of every key: change it when a deploy changes the schema outside quarry, so
  // that no entry of the old schema is read.
  std::string schema_version = "1";
  // Across processes, a miss takes a short lock in the store so that one process reads
  // the database and the others wait for its entry, at most this long (0: no lock).
  int64_t fill_lock_ms = 0;
};

struct DatabaseSettings {
  std::string alias;
  std::string engine;  // canonical plugin name: sqlite, postgres, mysql, ...
  std::string host;
  std::string port;  // as written; the plugin parses it
  std::string name;  // database name, or the file for SQLite
  std::string user;
  std::string password;
  std::map<std::string, std::string> options;  // passed to the plugin as they are
  std::vector<std::string> plugin_path;        // the config's, then this alias's
  PoolSettings pool;
  bool log_queries = false;
  std::size_t log_limit = 9000;
  std::size_t statement_cache_size = 256;
  // The isolation level of every session ("" keeps the server's default):
  // read_uncommitted, read_committed, repeatable_read or serializable.
  std::string isolation_level;
  // What select_for_update() does where the backend has no row locks (SQLite):
  // immediate: atomic blocks begin with BEGIN IMMEDIATE, so writers take turns and a
  //   read-modify-write is safe; nowait, skip_locked, of and no_key are refused;
  // ignore_options: the same, with those options ignored;
  // strict: select_for_update() raises NotSupportedError.
  std::string select_for_update = "immediate";
  // The server's version, if known: lets SQL be generated without connecting.
  std::string server_version;
  // Replication: the aliases of this alias's replicas (a replica given by URL in the
  // config becomes an alias of its own, "<alias>.replica<N>"), and on a replica the
  // alias it replicates. A replica lagging more than max_lag_ms (0: no bound) or not
  // answering is left out of reads until a health check, every health_check_ms, finds
  // it well again.
  std::vector<std::string> replicas;
  std::string replica_of;
  int64_t max_lag_ms = 5000;
  int64_t health_check_ms = 1000;
  CacheSettings cache;
  std::string source;  // where it was declared: "configs/app.yaml:7"

  // The key/value pairs handed to the plugin's connect().
  std::vector<std::pair<std::string, std::string>> connect_params() const;
};

// Parses postgres://user:password@host:port/name?option=value (also postgresql://,
// mysql://, mariadb://), sqlite:///absolute/path.db, sqlite://relative/path.db and
// sqlite://:memory:. User and password may be percent-encoded. Throws ImproperlyConfigured.
DatabaseSettings parse_database_url(std::string_view url);

// One entry of the config's routers: list (quarry/routing.hpp): a name, and the options
// written beside it, nested keys joined by dots ({routes: {Order: orders}} gives
// "routes.Order" = "orders").
struct RouterSettings {
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;
  std::string source;  // "configs/app.yaml:12"

  // The option's value, or nullptr.
  const std::string* option(std::string_view key) const;
};

struct Config {
  std::string source;  // the file, or "<string>"
  std::vector<std::string> plugin_path;
  std::vector<DatabaseSettings> databases;  // in the order written
  std::vector<RouterSettings> routers;      // the chain, first asked first

  static Config load(const std::string& path);
  static Config parse(std::string_view yaml, const std::string& source = "<string>");
  // Throws ImproperlyConfigured listing the aliases there are.
  const DatabaseSettings& database(std::string_view alias) const;
};

}  // namespace quarry
