// Internal: the query cache of one alias. Its keys, table generations and epoch over a
// CacheStore; looking an entry up and filling one; moving generations when the write
// events (quarry/write_events.hpp) say a table changed. The rules are quarry/cache.hpp's;
// cached_read.cpp puts this in the read funnel.
//
// Keys, under the settings' key_prefix, where <db> names the database itself (a hash of
// its engine, host, port and name), so that two aliases of one database share its
// generations and two databases behind one alias name never meet:
//   r:<db>:<hash>    an entry: the rows of one statement, under the generations it was
//                    read with; its material (format version, schema version, database,
//                    alias, SQL, parameters) is kept in it and compared, so a hash
//                    collision is a miss, never a wrong answer
//   e:<db>           the database's epoch: part of every entry's generations
//   g:<db>:<table>   a table's generation
// A generation is a token no process has used before (random bits and a counter), never
// a count: a key lost to eviction or to a restart comes back as a new token, so an entry
// stored under the old one is never served (a count restarting from zero could meet an
// old entry's value again).
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_store.hpp"
#include "cache/stored_rows.hpp"
#include "quarry/cache.hpp"
#include "quarry/config.hpp"
#include "quarry/value.hpp"
#include "quarry/write_events.hpp"

namespace quarry::detail {

// What identifies a database across processes: its engine, host, port and name, hashed.
std::string database_identity(const DatabaseSettings& s);

class QueryCache {
 public:
  // `database` identifies the database the alias reaches (database_identity()).
  QueryCache(std::string alias, std::string database, CacheSettings settings,
             std::shared_ptr<CacheStore> store);

  const CacheSettings& settings() const { return settings_; }
  const std::string& alias() const { return alias_; }
  const std::string& database() const { return database_; }

  // One cacheable read, from lookup() to fill().
  struct Read {
    std::string material;
    std::vector<std::string> keys;    // the entry's, the epoch's, each table's generation
    std::vector<std::string> tokens;  // the generations (epoch first) before the read
    bool usable = false;              // the store answered: the entry may be filled
    const std::string& entry_key() const { return keys.front(); }
  };
  // The entry for sql and params, if it is there and every generation it was read under
  // is still current (one round trip). Otherwise null, with r.tokens the generations as
  // they are now, which a fill stores the entry under; r.usable is false when the store
  // did not answer (nothing may be filled, the database serves).
  std::shared_ptr<const StoredRows> lookup(std::string_view sql, std::span<const Value> params,
                                           std::span<const std::string> tables, Read& r);
  // Stores an entry that lookup(r) missed; `bytes` were written under r.tokens.
  void fill(const Read& r, std::string_view bytes, int64_t ttl_ms);
  // A short lock on r's entry across processes (settings' fill_lock_ms): true when this
  // process holds it (or the store cannot say) and so reads the database; release() then.
  bool lock(const Read& r, std::string& token);
  void release(const Read& r, const std::string& token);

  // The write listener's part, for a write to this cache's database: new generations
  // for the tables written (the epoch for all_tables). When the store cannot take them
  // the cache turns suspect and moves to a new epoch before it serves anything again
  // (at its next read or write).
  void written(const WriteEvent& e);

  void count_bypass() { bypasses_.fetch_add(1, std::memory_order_relaxed); }
  CacheStats stats() const;
  void reset_stats();

 private:
  bool settle_suspicion();  // a new epoch, if suspect: false while the store is away
  void suspect();
  bool current_tokens(Read& r, std::vector<std::optional<std::string>>& got);
  std::string fresh_token();

  const std::string alias_;
  const std::string database_;
  const CacheSettings settings_;
  const std::shared_ptr<CacheStore> store_;
  const std::string epoch_key_;
  // Suspect while lost_ (bumps that did not reach the store) is ahead of settled_ (the
  // count that a new epoch has covered): a loss counted while an epoch is being moved
  // stays uncovered.
  std::atomic<uint64_t> lost_{0}, settled_{0};
  std::atomic<uint64_t> hits_{0}, misses_{0}, fills_{0}, invalidations_{0}, errors_{0},
      bypasses_{0};
};

}  // namespace quarry::detail
