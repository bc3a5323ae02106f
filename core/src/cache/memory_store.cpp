// The in-process cache store: a map bounded in bytes, least recently used first out,
// with per-key expiry. For single-process applications and for tests; it never fails.
#include <chrono>
#include <list>
#include <mutex>
#include <unordered_map>

#include "cache/cache_store.hpp"
#include "string_hash.hpp"

namespace quarry::detail {
namespace {

using Clock = std::chrono::steady_clock;

class MemoryStore final : public CacheStore {
 public:
  explicit MemoryStore(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  bool get_many(std::span<const std::string> keys,
                std::vector<std::optional<std::string>>& out) override {
    out.resize(keys.size());
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      Node* n = find(keys[i], now);
      if (n) {
        out[i] = n->value;
      } else {
        out[i].reset();
      }
    }
    return true;
  }

  bool set(std::string_view key, std::string_view value, int64_t ttl_ms, bool only_if_absent,
           bool* done) override {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    if (only_if_absent && find(key, now)) {
      if (done) *done = false;
      return true;
    }
    put(key, value, ttl_ms > 0 ? now + std::chrono::milliseconds(ttl_ms) : Clock::time_point{});
    if (done) *done = true;
    return true;
  }

  bool set_many(std::span<const std::string> keys, std::span<const std::string> values) override {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < keys.size(); ++i) put(keys[i], values[i], Clock::time_point{});
    return true;
  }

  bool delete_if(std::string_view key, std::string_view value) override {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end() && it->second->value == value) erase(it);
    return true;
  }

  std::string last_error() const override { return {}; }

 private:
  struct Node {
    std::string key;
    std::string value;
    Clock::time_point expires;  // zero: never
  };
  using Index =
      std::unordered_map<std::string_view, std::list<Node>::iterator, StringHash, std::equal_to<>>;

  static std::size_t cost(const Node& n) { return n.key.size() + n.value.size() + 64; }

  // The live node of key, made the most recently used; an expired one is dropped.
  Node* find(std::string_view key, Clock::time_point now) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    if (it->second->expires != Clock::time_point{} && it->second->expires <= now) {
      erase(it);
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    return &*it->second;
  }

  void put(std::string_view key, std::string_view value, Clock::time_point expires) {
    auto it = index_.find(key);
    if (it != index_.end()) erase(it);
    lru_.push_front(Node{std::string(key), std::string(value), expires});
    index_.emplace(lru_.front().key, lru_.begin());
    bytes_ += cost(lru_.front());
    while (bytes_ > max_bytes_ && lru_.size() > 1) erase(index_.find(lru_.back().key));
  }

  void erase(Index::iterator it) {
    auto node = it->second;
    bytes_ -= cost(*node);
    index_.erase(it);
    lru_.erase(node);
  }

  std::mutex mutex_;
  std::list<Node> lru_;  // most recently used first
  Index index_;
  std::size_t bytes_ = 0;
  const std::size_t max_bytes_;
};

}  // namespace

std::shared_ptr<CacheStore> make_memory_store(std::size_t max_bytes) {
  return std::make_shared<MemoryStore>(max_bytes);
}

}  // namespace quarry::detail
