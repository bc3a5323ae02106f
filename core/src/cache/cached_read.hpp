// Internal: the query cache's step in the read funnel. The executor asks cache_use()
// whether a read may use its alias's cache (the rules of quarry/cache.hpp), then reads
// with read_through(): from the cache, or from the database, storing what it read.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "orm/lease.hpp"
#include "orm/query.hpp"
#include "orm/route.hpp"

namespace quarry::detail {

class QueryCache;

struct CacheUse {
  QueryCache* cache = nullptr;  // null: the read does not use a cache
  int64_t ttl_ms = 0;
};

// Whether q, routed by route, reads through its alias's cache: it asks for it (cache(),
// or its model's default, and not nocache()), the alias has one, it takes no row locks,
// is not streamed (iterator()), and the thread has no atomic block open on the alias.
CacheUse cache_use(const Query& q, const ReadRoute& route, bool stream);

// Runs the read of sql: with use.cache, a hit from the store (no connection is leased,
// the query log marks it cache_hit), else a read of the primary whose rows are stored
// (threads of this process missing the same entry wait for one reader: single flight);
// without, a plain read through the lease. `lease` is left holding the connection read,
// if one was.
ResultSet read_through(std::optional<Lease>& lease, const ReadRoute& route, const CacheUse& use,
                       std::string_view sql, std::span<const Value> params,
                       std::span<const std::string> tables, ExecOptions opts = {});

}  // namespace quarry::detail
