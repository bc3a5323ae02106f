#include "cache/query_cache.hpp"

#include <unistd.h>

#include <mutex>
#include <random>

#include "string_hash.hpp"

namespace quarry::detail {
namespace {

// Eight random bytes drawn for each process (again in a child after fork(), which would
// otherwise go on with its parent's sequence), then a counter: a token no process has
// made before, 15 bytes (a std::string holds it without allocating).
uint64_t process_bits() {
  static std::mutex m;
  static pid_t drawn_for = 0;
  static uint64_t bits = 0;
  std::lock_guard lock(m);
  if (drawn_for != ::getpid()) {
    std::random_device rd;
    bits = (uint64_t{rd()} << 32) ^ rd();
    drawn_for = ::getpid();
  }
  return bits;
}

std::string make_token() {
  static std::atomic<uint64_t> counter{0};
  const uint64_t process = process_bits();
  const uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::string t(15, '\0');
  for (int i = 0; i < 8; ++i) t[i] = static_cast<char>((process >> (8 * i)) & 0xff);
  for (int i = 0; i < 7; ++i) t[8 + i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return t;
}

std::string hex64(uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[i] = kDigits[v & 0xf];
  return s;
}

}  // namespace

std::string database_identity(const DatabaseSettings& s) {
  std::string id = s.engine;
  for (const std::string* part : {&s.host, &s.port, &s.name}) {
    id.push_back('\0');
    id += *part;
  }
  return hex64(StringHash{}(id));
}

QueryCache::QueryCache(std::string alias, std::string database, CacheSettings settings,
                       std::shared_ptr<CacheStore> store)
    : alias_(std::move(alias)),
      database_(std::move(database)),
      settings_(std::move(settings)),
      store_(std::move(store)),
      epoch_key_(settings_.key_prefix + "e:" + database_) {}

std::string QueryCache::fresh_token() {
  return make_token();
}

void QueryCache::suspect() {
  lost_.fetch_add(1, std::memory_order_acq_rel);
  errors_.fetch_add(1, std::memory_order_relaxed);
}

bool QueryCache::settle_suspicion() {
  const uint64_t lost = lost_.load(std::memory_order_acquire);
  if (lost == settled_.load(std::memory_order_acquire)) return true;
  const std::string key[] = {epoch_key_};
  const std::string token[] = {fresh_token()};
  if (!store_->set_many(key, token)) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  invalidations_.fetch_add(1, std::memory_order_relaxed);
  // Covers the losses counted before the epoch moved, never one counted since.
  uint64_t was = settled_.load(std::memory_order_acquire);
  while (was < lost && !settled_.compare_exchange_weak(was, lost, std::memory_order_acq_rel)) {
  }
  return lost_.load(std::memory_order_acquire) == settled_.load(std::memory_order_acquire);
}

// The generations of r.keys[1..] into r.tokens; a generation that is absent (never
// written, evicted, or the store restarted empty) is made now, a new token.
bool QueryCache::current_tokens(Read& r, std::vector<std::optional<std::string>>& got) {
  r.tokens.assign(r.keys.size() - 1, std::string());
  for (std::size_t i = 1; i < r.keys.size(); ++i) {
    if (got[i]) {
      r.tokens[i - 1] = std::move(*got[i]);
      continue;
    }
    std::string token = fresh_token();
    bool set = false;
    if (!store_->set(r.keys[i], token, 0, true, &set)) return false;
    if (!set) {  // another reader made it first: read the one it made
      std::vector<std::optional<std::string>> again;
      const std::string key[] = {r.keys[i]};
      if (!store_->get_many(key, again) || !again[0]) return false;
      token = std::move(*again[0]);
    }
    r.tokens[i - 1] = std::move(token);
  }
  return true;
}

std::shared_ptr<const StoredRows> QueryCache::lookup(std::string_view sql,
                                                     std::span<const Value> params,
                                                     std::span<const std::string> tables, Read& r) {
  r.usable = false;
  if (!settle_suspicion()) {
    bypasses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  r.material.clear();
  r.material.push_back(static_cast<char>(kResultFormatVersion));
  r.material += settings_.schema_version;
  r.material.push_back('\0');
  r.material += database_;
  r.material.push_back('\0');
  r.material += alias_;
  r.material.push_back('\0');
  r.material += sql;
  r.material.push_back('\0');
  append_values(r.material, params);

  r.keys.clear();
  r.keys.reserve(tables.size() + 2);
  r.keys.push_back(settings_.key_prefix + "r:" + database_ + ":" + hex64(StringHash{}(r.material)));
  r.keys.push_back(epoch_key_);
  for (const auto& t : tables) r.keys.push_back(settings_.key_prefix + "g:" + database_ + ":" + t);

  std::vector<std::optional<std::string>> got;
  if (!store_->get_many(r.keys, got) || !current_tokens(r, got)) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    bypasses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  r.usable = true;
  EntryHeader h;
  if (got[0] && read_header(*got[0], h) && h.material == r.material &&
      h.tokens.size() == r.tokens.size() &&
      std::equal(h.tokens.begin(), h.tokens.end(), r.tokens.begin())) {
    if (auto rows = read_rows(std::move(*got[0]))) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return rows;
    }
    errors_.fetch_add(1, std::memory_order_relaxed);  // not an entry of ours: a miss
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void QueryCache::fill(const Read& r, std::string_view bytes, int64_t ttl_ms) {
  if (!r.usable) return;
  if (store_->set(r.entry_key(), bytes, ttl_ms)) {
    fills_.fetch_add(1, std::memory_order_relaxed);
  } else {
    errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

bool QueryCache::lock(const Read& r, std::string& token) {
  token = fresh_token();
  bool got = true;
  if (!store_->set(r.entry_key() + ":fill", token, settings_.fill_lock_ms, true, &got)) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  return got;
}

void QueryCache::release(const Read& r, const std::string& token) {
  if (!store_->delete_if(r.entry_key() + ":fill", token)) {
    errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

void QueryCache::written(const WriteEvent& e) {
  std::vector<std::string> keys, tokens;
  if (e.all_tables) {
    keys.push_back(epoch_key_);
  } else {
    for (const auto& t : e.tables) {
      keys.push_back(settings_.key_prefix + "g:" + database_ + ":" + t);
    }
  }
  if (keys.empty()) return;
  for (std::size_t i = 0; i < keys.size(); ++i) tokens.push_back(fresh_token());
  // A bump that did not reach the store leaves entries that missed it: nothing is
  // served again before the epoch moves (settle_suspicion).
  if (!store_->set_many(keys, tokens)) {
    suspect();
    return;
  }
  invalidations_.fetch_add(keys.size(), std::memory_order_relaxed);
  settle_suspicion();  // a process that only writes settles an earlier loss here
}

CacheStats QueryCache::stats() const {
  return CacheStats{hits_.load(),          misses_.load(), fills_.load(),
                    invalidations_.load(), errors_.load(), bypasses_.load()};
}

void QueryCache::reset_stats() {
  for (auto* c : {&hits_, &misses_, &fills_, &invalidations_, &errors_, &bypasses_}) c->store(0);
}

}  // namespace quarry::detail
