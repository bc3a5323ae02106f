#include "connection/statement_cache.hpp"

namespace quarry::detail {

StatementEntry* StatementCache::find_idle(std::string_view sql) {
  // The statement used last is the likeliest to be asked for again (a loop of get()s):
  // comparing its text costs less than hashing the new one.
  if (!lru_.empty() && !lru_.front()->busy && lru_.front()->sql == sql) {
    lru_.front()->busy = true;
    return lru_.front();
  }
  auto it = map_.find(sql);
  if (it == map_.end() || it->second->busy) return nullptr;
  StatementEntry* e = it->second.get();
  lru_.splice(lru_.begin(), lru_, e->lru);
  e->busy = true;
  return e;
}

StatementEntry* StatementCache::adopt(std::string_view sql, quarry_statement* handle, bool cache) {
  const bool can_cache = cache && capacity_ > 0 && map_.find(sql) == map_.end();
  if (can_cache && map_.size() >= capacity_) evict_one();
  if (!can_cache || map_.size() >= capacity_) {
    auto* e = new StatementEntry{handle, std::string(sql), true, false, {}, {}};
    return e;
  }
  auto entry = std::make_unique<StatementEntry>();
  StatementEntry* e = entry.get();
  e->handle = handle;
  e->sql = std::string(sql);
  e->busy = true;
  e->cached = true;
  lru_.push_front(e);
  e->lru = lru_.begin();
  map_.emplace(e->sql, std::move(entry));
  return e;
}

void StatementCache::give_back(StatementEntry* e) noexcept {
  if (e->cached) {
    e->busy = false;
    return;
  }
  api_->finalize(e->handle);
  delete e;
}

void StatementCache::evict_one() noexcept {
  for (auto it = lru_.rbegin(); it != lru_.rend(); ++it) {
    StatementEntry* e = *it;
    if (e->busy) continue;
    api_->finalize(e->handle);
    lru_.erase(e->lru);
    map_.erase(e->sql);
    return;
  }
}

void StatementCache::clear() noexcept {
  for (auto& [sql, e] : map_) api_->finalize(e->handle);
  map_.clear();
  lru_.clear();
}

}  // namespace quarry::detail
