// Internal: a cache store, the bytes side of the query cache. Two kinds behind one
// interface: the in-process store (memory_store.cpp) and a plugin's store reached through
// quarry/plugin/cache_abi.h (plugin_store.cpp: Redis). They keep keys and values only;
// every rule of the cache (keys, generations, epochs) is query_cache.cpp's, the same for
// both.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/config.hpp"

namespace quarry::detail {

class CacheStore {
 public:
  virtual ~CacheStore() = default;
  // Each call is one round trip and returns false, having thrown nothing, when the store
  // could not answer (down, timed out, its breaker open); last_error() says why.
  //
  // out[i] is keys[i]'s value, or nullopt when the key is absent.
  virtual bool get_many(std::span<const std::string> keys,
                        std::vector<std::optional<std::string>>& out) = 0;
  // Sets key, expiring after ttl_ms (0: never); with only_if_absent, only a key that is
  // absent, and *done says whether it was set.
  virtual bool set(std::string_view key, std::string_view value, int64_t ttl_ms,
                   bool only_if_absent = false, bool* done = nullptr) = 0;
  // Sets keys[i] to values[i], without expiry.
  virtual bool set_many(std::span<const std::string> keys, std::span<const std::string> values) = 0;
  // Deletes key if its value is still `value`.
  virtual bool delete_if(std::string_view key, std::string_view value) = 0;
  virtual std::string last_error() const = 0;
};

// The store an alias's settings name: "memory", or a plugin found on plugin_path (as the
// dialect plugins are: libquarry_cache_<backend>.so). Throws ImproperlyConfigured when the
// plugin is missing or is not one; a store that is down is not an error here.
std::shared_ptr<CacheStore> open_cache_store(const CacheSettings& settings,
                                             const std::vector<std::string>& plugin_path,
                                             const std::string& alias);

// The in-process store, bounded to max_bytes (least recently used entries go first).
std::shared_ptr<CacheStore> make_memory_store(std::size_t max_bytes);

}  // namespace quarry::detail
