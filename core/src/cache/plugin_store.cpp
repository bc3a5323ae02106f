// A cache store reached through a plugin (quarry/plugin/cache_abi.h), found on the plugin
// path as the dialect plugins are. The store's connections are kept for reuse, one thread
// on each at a time; a connection that failed is closed, never reused. The circuit
// breaker lives here, where the network is: after breaker_failures failures in a row the
// store is not asked for breaker_open_ms, then one caller tries it again.
#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "cache/cache_store.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"
#include "quarry/plugin/cache_abi.h"

namespace quarry::detail {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMinTableSize = offsetof(quarry_cache_plugin, delete_if) + sizeof(void*);

struct Library {
  boost::dll::shared_library lib;
  const quarry_cache_plugin* table = nullptr;
};

// Loaded libraries, by path: every alias using one shares it.
std::shared_ptr<Library> load_library(const std::string& backend,
                                      const std::vector<std::string>& plugin_path) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<Library>> loaded;
  const std::string file = "libquarry_cache_" + backend + ".so";
  std::string tried;
  for (const auto& dir : Engine::search_dirs(plugin_path)) {
    const fs::path candidate = fs::path(dir.path) / file;
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) {
      tried += "\n  " + candidate.string() + "  (" + dir.origin + ")";
      continue;
    }
    const std::string key = fs::weakly_canonical(candidate, ec).string();
    std::lock_guard lock(mutex);
    if (auto existing = loaded[key].lock()) return existing;
    auto l = std::make_shared<Library>();
    try {
      l->lib.load(key, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
      throw ImproperlyConfigured("could not load cache plugin " + key + ": " + e.what());
    }
    if (!l->lib.has(QUARRY_CACHE_ENTRY_SYMBOL)) {
      throw ImproperlyConfigured("cache plugin " + key + " exports no '" +
                                 QUARRY_CACHE_ENTRY_SYMBOL + "' symbol");
    }
    auto& entry =
        l->lib.get<const quarry_cache_plugin*(uint32_t, uint32_t)>(QUARRY_CACHE_ENTRY_SYMBOL);
    l->table = entry(QUARRY_CACHE_ABI_MAJOR, QUARRY_CACHE_ABI_MINOR);
    const std::string ours =
        std::to_string(QUARRY_CACHE_ABI_MAJOR) + "." + std::to_string(QUARRY_CACHE_ABI_MINOR);
    if (!l->table || l->table->abi_major != QUARRY_CACHE_ABI_MAJOR) {
      throw ImproperlyConfigured("cache plugin " + key +
                                 " does not speak this quarry's cache ABI " + ours +
                                 ": rebuild it against this quarry's headers");
    }
    if (l->table->struct_size < kMinTableSize) {
      throw ImproperlyConfigured("cache plugin " + key + " has a table smaller than cache ABI " +
                                 std::to_string(QUARRY_CACHE_ABI_MAJOR) + ".0 requires");
    }
    loaded[key] = l;
    return l;
  }
  throw ImproperlyConfigured("no cache plugin for backend '" + backend + "': " + file +
                             " was not found; paths tried, in order:" + tried);
}

quarry_cache_bytes bytes(std::string_view s) {
  return {s.data(), s.size()};
}

class PluginStore final : public CacheStore {
 public:
  PluginStore(std::shared_ptr<Library> lib, const CacheSettings& s)
      : lib_(std::move(lib)),
        api_(lib_->table),
        url_(s.url),
        options_{url_.c_str(), s.connect_timeout_ms, s.command_timeout_ms},
        failures_to_open_(s.breaker_failures),
        open_for_(std::chrono::milliseconds(s.breaker_open_ms)) {}

  ~PluginStore() override {
    for (quarry_cache_conn* c : idle_) api_->close(c);
  }

  bool get_many(std::span<const std::string> keys,
                std::vector<std::optional<std::string>>& out) override {
    out.resize(keys.size());
    return call([&](quarry_cache_conn* c, quarry_cache_error* err) {
      std::vector<quarry_cache_bytes> k(keys.size()), v(keys.size());
      for (std::size_t i = 0; i < keys.size(); ++i) k[i] = bytes(keys[i]);
      if (api_->get_many(c, k.data(), k.size(), v.data(), err) != 0) return false;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (v[i].ptr) {
          out[i].emplace(v[i].ptr, v[i].len);
        } else {
          out[i].reset();
        }
      }
      return true;
    });
  }

  bool set(std::string_view key, std::string_view value, int64_t ttl_ms, bool only_if_absent,
           bool* done) override {
    return call([&](quarry_cache_conn* c, quarry_cache_error* err) {
      int set = 0;
      if (api_->set(c, bytes(key), bytes(value), ttl_ms, only_if_absent ? 1 : 0, &set, err) != 0)
        return false;
      if (done) *done = set != 0;
      return true;
    });
  }

  bool set_many(std::span<const std::string> keys, std::span<const std::string> values) override {
    return call([&](quarry_cache_conn* c, quarry_cache_error* err) {
      std::vector<quarry_cache_bytes> k(keys.size()), v(keys.size());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        k[i] = bytes(keys[i]);
        v[i] = bytes(values[i]);
      }
      return api_->set_many(c, k.data(), v.data(), k.size(), err) == 0;
    });
  }

  bool delete_if(std::string_view key, std::string_view value) override {
    return call([&](quarry_cache_conn* c, quarry_cache_error* err) {
      return api_->delete_if(c, bytes(key), bytes(value), err) == 0;
    });
  }

  std::string last_error() const override {
    std::lock_guard lock(mutex_);
    return last_error_;
  }

 private:
  // Runs one call on an idle connection (or a new one), unless the breaker is open.
  template <class F>
  bool call(F&& f) {
    if (!allowed()) return false;
    quarry_cache_error err{};
    quarry_cache_conn* c = take(&err);
    bool ok = false;
    try {
      ok = c && f(c, &err);
    } catch (...) {  // out of memory copying a reply: a failed call, never an escape
    }
    if (ok) {
      give_back(c);
      succeeded();
      return true;
    }
    if (c) api_->close(c);
    failed(err);
    return false;
  }

  quarry_cache_conn* take(quarry_cache_error* err) {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        quarry_cache_conn* c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    quarry_cache_conn* c = nullptr;
    if (api_->open(&options_, &c, err) != 0) return nullptr;
    return c;
  }

  void give_back(quarry_cache_conn* c) {
    std::lock_guard lock(mutex_);
    idle_.push_back(c);
  }

  bool allowed() {
    std::lock_guard lock(mutex_);
    if (failures_ < failures_to_open_) return true;
    const auto now = Clock::now();
    if (now < retry_at_) return false;
    retry_at_ = now + open_for_;  // this caller tries; the others wait for its outcome
    return true;
  }

  void succeeded() {
    std::lock_guard lock(mutex_);
    failures_ = 0;
  }

  void failed(const quarry_cache_error& err) {
    std::lock_guard lock(mutex_);
    const std::size_t n = strnlen(err.message, sizeof err.message);
    last_error_ = n ? std::string(err.message, n) : std::string("the cache store failed");
    if (++failures_ >= failures_to_open_) retry_at_ = Clock::now() + open_for_;
  }

  std::shared_ptr<Library> lib_;
  const quarry_cache_plugin* api_;
  std::string url_;
  quarry_cache_options options_;
  const int failures_to_open_;
  const Clock::duration open_for_;
  mutable std::mutex mutex_;
  std::vector<quarry_cache_conn*> idle_;
  int failures_ = 0;
  Clock::time_point retry_at_{};
  std::string last_error_;
};

}  // namespace

std::shared_ptr<CacheStore> open_cache_store(const CacheSettings& settings,
                                             const std::vector<std::string>& plugin_path,
                                             const std::string& alias) {
  if (settings.backend == "memory") return make_memory_store(settings.max_bytes);
  try {
    return std::make_shared<PluginStore>(load_library(settings.backend, plugin_path), settings);
  } catch (const ImproperlyConfigured& e) {
    throw ImproperlyConfigured("databases." + alias + ".cache: " + e.message());
  }
}

}  // namespace quarry::detail
