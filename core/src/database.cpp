#include "quarry/database.hpp"

#include <cctype>

#include "cache/query_cache.hpp"
#include "plugin/plugin_error.hpp"
#include "quarry/errors.hpp"
#include "quarry/write_events.hpp"
#include "routing/replica_set.hpp"
#include "routing/router_chain.hpp"

namespace quarry {

namespace {
std::atomic<uint64_t> g_next_database_id{1};
}

Database::Database(DatabaseSettings settings)
    : settings_(std::move(settings)),
      id_(g_next_database_id++),
      engine_(Engine::load(settings_.engine, settings_.plugin_path)),
      log_(std::make_shared<QueryLog>(settings_.log_limit)) {
  log_->enable(settings_.log_queries);
  pool_ = std::make_unique<Pool>(settings_.alias, settings_.pool, [this] { return connect(); });
}

Database::~Database() {
  pool_.reset();
}

std::shared_ptr<const Dialect> Database::dialect_for(const std::string& server_version) {
  std::call_once(dialect_once_, [&] {
    dialect_ = std::make_shared<const Dialect>(engine_, server_version);
    ready_dialect_.store(dialect_.get(), std::memory_order_release);
  });
  return dialect_;
}

const Dialect& Database::dialect() {
  if (const Dialect* d = ready_dialect_.load(std::memory_order_acquire)) return *d;
  if (!settings_.server_version.empty()) {
    return *dialect_for(settings_.server_version);
  }
  acquire();  // the first connection fixes the dialect for its server
  return *ready_dialect_.load(std::memory_order_acquire);
}

bool immediate_blocks(const DatabaseSettings& s, const Dialect& d) {
  return !d.features().has("has_select_for_update") && s.select_for_update != "strict" &&
         !d.text("tx.begin_immediate").empty();
}

std::unique_ptr<Connection> Database::connect() {
  auto params = settings_.connect_params();
  // Who is connecting, for plugins that label sessions (application_name) or share
  // state between the connections of one configured database (SQLite's :memory:).
  params.emplace_back("alias", settings_.alias);
  params.emplace_back("database_id", std::to_string(id_));
  std::vector<quarry_param> abi;
  abi.reserve(params.size());
  for (const auto& [k, v] : params) abi.push_back({k.c_str(), v.c_str()});

  quarry_connection* handle = nullptr;
  quarry_error err{};
  if (engine_->table().connect(abi.data(), abi.size(), &handle, &err) != 0) {
    // A failure to connect is operational whatever the driver called it, unless the
    // plugin said the settings themselves are wrong.
    if (err.error_class != QUARRY_ERR_INTERFACE && err.error_class != QUARRY_ERR_PROGRAMMING &&
        err.error_class != QUARRY_ERR_NOT_SUPPORTED) {
      err.error_class = QUARRY_ERR_OPERATIONAL;
    }
    throw_plugin_error(err, {}, settings_.alias);
  }
  std::unique_ptr<Connection> conn(
      new Connection(engine_, handle, settings_.alias, log_, settings_.statement_cache_size));
  conn->attach_dialect(dialect_for(settings_.server_version.empty() ? conn->server_version()
                                                                    : settings_.server_version));
  const Dialect& d = *conn->dialect_;
  if (!settings_.isolation_level.empty()) {
    const std::string_view set = d.text("tx.isolation");
    if (!set.empty()) {
      std::string level = settings_.isolation_level;  // one of four names, checked
      for (char& c : level) c = c == '_' ? ' ' : static_cast<char>(std::toupper(c));
      conn->run_control(Dialect::render_text(set, {{"level", level}}));
    } else if (settings_.isolation_level != "serializable") {
      throw ImproperlyConfigured("databases." + settings_.alias + ".isolation_level: " +
                                 d.engine_name() + " runs every transaction serializable; '" +
                                 settings_.isolation_level + "' cannot be set");
    }
  }
  // Without row locks, select_for_update() relies on transactions that take the write
  // lock when they begin.
  // (Not for a read-only database, which takes no write lock, nor SQLite's shared
  // in-memory one, whose table locks are not waited for: a block there would fail at once.)
  const auto mode = settings_.options.find("mode");
  const bool read_only = mode != settings_.options.end() && mode->second == "ro";
  if (immediate_blocks(settings_, d) && !read_only && settings_.name != ":memory:") {
    conn->begin_sql_ = std::string(d.text("tx.begin_immediate"));
  }
  return conn;
}

Databases::Databases(const Config& config)
    : config_(config), routers_(std::make_unique<detail::RouterChain>(config_)) {
  for (const auto& s : config_.databases) databases_.push_back(std::make_unique<Database>(s));
  for (auto& db : databases_) {
    if (db->settings().replicas.empty()) continue;
    std::vector<Database*> replicas;
    for (const auto& r : db->settings().replicas) replicas.push_back(&(*this)[r]);
    replica_sets_.push_back(std::make_unique<detail::ReplicaSet>(*db, std::move(replicas)));
    db->replica_set_ = replica_sets_.back().get();
  }
  // A primary's cache serves its replicas' reads too (a miss reads the primary).
  for (auto& db : databases_) {
    const DatabaseSettings& s = db->settings();
    if (s.cache.backend.empty() || !s.replica_of.empty()) continue;
    caches_.push_back(std::make_unique<detail::QueryCache>(
        s.alias, detail::database_identity(s), s.cache,
        detail::open_cache_store(s.cache, s.plugin_path, s.alias)));
    db->query_cache_ = caches_.back().get();
  }
  if (!caches_.empty()) {
    // A write through any alias of a database moves its generations in every cache of
    // that database (two aliases of one database share what they read).
    cache_listener_ = add_write_listener([this](const WriteEvent& e) {
      for (const auto& d : databases_) {
        if (d->alias() != e.alias) continue;
        const std::string written = detail::database_identity(d->settings());
        for (auto& c : caches_) {
          if (c->database() == written) c->written(e);
        }
        return;
      }
    });
  }
}

Databases::~Databases() {
  if (!caches_.empty()) remove_write_listener(cache_listener_);
  replica_sets_.clear();  // their health checks use the databases
}

Database& Databases::operator[](std::string_view alias) {
  for (auto& d : databases_) {
    if (d->alias() == alias) return *d;
  }
  std::string names;
  for (auto& d : databases_) names += (names.empty() ? "" : ", ") + d->alias();
  throw ImproperlyConfigured("no database alias '" + std::string(alias) + "' in " + config_.source +
                             "; the aliases are: " + names);
}

bool Databases::contains(std::string_view alias) const {
  for (const auto& d : databases_) {
    if (d->alias() == alias) return true;
  }
  return false;
}

std::vector<std::string> Databases::aliases() const {
  std::vector<std::string> out;
  for (const auto& d : databases_) out.push_back(d->alias());
  return out;
}

namespace {
std::mutex g_mutex;
std::unique_ptr<Databases> g_databases;
std::atomic<Databases*> g_current{nullptr};
}  // namespace

void configure(const Config& config) {
  auto fresh = std::make_unique<Databases>(config);
  std::lock_guard lock(g_mutex);
  g_current.store(fresh.get());
  g_databases = std::move(fresh);
}

void configure(const std::string& config_path) {
  configure(Config::load(config_path));
}

bool is_configured() {
  return g_current.load() != nullptr;
}

Databases& databases() {
  Databases* d = g_current.load(std::memory_order_acquire);
  if (!d) {
    throw ImproperlyConfigured(
        "quarry is not configured: call quarry::configure(\"path/to/config.yaml\") first");
  }
  return *d;
}

Database& database(std::string_view alias) {
  return databases()[alias];
}

}  // namespace quarry
