// The query-result cache: a QuerySet read once from the database and then from a cache
// store (Redis, or memory in this process) until a write changes a table it read.
//
//   databases: {default: {engine: sqlite, name: shop.db,
//                         cache: {backend: memory, ttl_s: 300}}}
//
//   auto top = Customer::objects().order_by("-total").limit(10).cache(60s);
//   top.all();         // a miss: the database answers, the rows are stored
//   top.all();         // a hit: no query reaches the database
//   customer.save();   // a write to the table bumps its generation...
//   top.all();         // ...so this reads the database again
//
// What is cached: a queryset's evaluation, get(), first(), last(), count(), exists(),
// aggregate(), values() and values_list(), with select_related, prefetch_related (each
// prefetch query an entry of its own), subqueries and CTEs, when the queryset says
// cache(ttl) or its model declares a default (ModelDef::cache) and the alias it reads
// has a `cache:` in the config; without one, cache() changes nothing, so that one code
// base runs with the cache switched off. nocache() opts one queryset out.
//
// The guarantees (docs/guide.md "Caching query results" says them in full):
// - An entry is served only while every table it read keeps the generation it had when
//   the read began: every write through the ORM (quarry/write_events.hpp) gives the
//   tables it changes new generations, after its statement and again after the
//   outermost COMMIT, and raw SQL gives the alias a new epoch. The check is in the same
//   round trip as the read of the entry.
// - A read that began before a write never fills an entry served after it: a reader
//   notes the generations before it queries the database and stores its entry under
//   those.
// - Never cached: select_for_update(), iterator(), and every read inside an atomic block
//   on the alias (the block's own snapshot and writes are the database's to answer). A
//   miss that fills reads the primary, never a replica.
// - A store that is down, slow or frozen costs speed, never correctness: every call is
//   bounded by the config's timeouts, a circuit breaker stops asking a store that keeps
//   failing, reads go to the database and writes commit, with no exception. A
//   generation that could not be written moves the database to a new epoch before this
//   process serves or writes anything through the cache again (docs/config.md "Cache"
//   says what other processes may see meanwhile).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace quarry {

// What an alias's cache did since the process started (or since reset_cache_stats).
struct CacheStats {
  uint64_t hits = 0;           // reads answered by the store
  uint64_t misses = 0;         // reads the database answered, the store consulted
  uint64_t fills = 0;          // entries stored
  uint64_t invalidations = 0;  // generations and epochs moved by writes
  uint64_t errors = 0;         // calls to the store that failed or timed out
  uint64_t bypasses = 0;       // reads that did not use the store (a block, an outage)
};

// Throws ImproperlyConfigured when the alias has no cache.
CacheStats cache_stats(std::string_view alias = "default");
void reset_cache_stats(std::string_view alias = "default");

namespace testing {
// A test hook: called on the reading thread after a cacheable read got its rows from the
// database and before it stores them, with the SQL; a test pauses a reader there while a
// writer commits. Empty: none. Not for production code.
void set_before_cache_fill(std::function<void(std::string_view sql)> hook);
}  // namespace testing

}  // namespace quarry
