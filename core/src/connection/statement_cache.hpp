// The prepared statements of one connection, least recently used first out.
//
// A statement whose result is still open is "busy"; asking for the same SQL then gives
// a fresh, uncached statement, so nested use of one query never disturbs an open
// result. Internal to the core.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quarry/plugin/abi.h"
#include "string_hash.hpp"

namespace quarry::detail {

struct StatementEntry {
  quarry_statement* handle = nullptr;
  std::string sql;
  bool busy = false;
  bool cached = false;
  std::list<StatementEntry*>::iterator lru;
  // The row buffer of the statement's open result (one at a time), kept between
  // executions so that running a cached statement allocates nothing for it.
  std::vector<quarry_value> row;
};

class StatementCache {
 public:
  StatementCache(const quarry_plugin* api, std::size_t capacity) : api_(api), capacity_(capacity) {}
  ~StatementCache() { clear(); }

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return map_.size(); }

  // A cached idle statement for sql, marked busy and made most recent; nullptr if none.
  StatementEntry* find_idle(std::string_view sql);
  // Takes a newly prepared statement; cached when `cache` and there is room (evicting
  // the least recently used idle statement), otherwise finalized when given back.
  StatementEntry* adopt(std::string_view sql, quarry_statement* handle, bool cache);
  // Marks an entry idle again; finalizes it if it was never cached.
  void give_back(StatementEntry* entry) noexcept;
  // Finalizes every statement (before the connection goes).
  void clear() noexcept;

 private:
  void evict_one() noexcept;

  const quarry_plugin* api_;
  std::size_t capacity_;
  std::unordered_map<std::string, std::unique_ptr<StatementEntry>, StringHash, std::equal_to<>>
      map_;
  std::list<StatementEntry*> lru_;  // front = most recently used
};

}  // namespace quarry::detail
