// The query log: what ran, with its parameters and how long it took.
//
// Two views of the same events:
//   QueryLog      per alias, switchable, bounded (Django's connection.queries);
//   QueryCapture  everything run on this thread while it lives (assertNumQueries), the
//                 tool for proving a loop is free of N+1 queries.
// Both show the statements the routing layer sends of its own accord (where a replica
// has replayed to, the primary's position after a commit: docs/guide.md "Multiple
// databases"), marked `routing`; QueryCapture::count() leaves them out, so a query count
// means the same with and without replicas, and routing_count() counts them. A result the
// query cache served (quarry/cache.hpp) is recorded too, marked `cache_hit`: no statement
// reached the database, so count() leaves it out and cache_hits() counts it.
// Nothing is formatted unless one of them is listening.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/plugin/abi.h"

namespace quarry {

struct QueryRecord {
  std::string alias;
  std::string sql;
  std::vector<std::string> params;  // each as a short SQL literal: 42, 'text', NULL
  std::chrono::microseconds duration{0};
  // Empty when the statement succeeded; else what the database answered (a statement it
  // refused while preparing it is logged too: it was sent all the same).
  std::string error;
  // Sent by the routing layer to decide where reads go, not by the application's code.
  bool routing = false;
  // Served by the query cache: the statement that would have run (`cache: hit` in the
  // tour's log); nothing was sent.
  bool cache_hit = false;
};

class QueryLog {
 public:
  explicit QueryLog(std::size_t limit = 9000) : limit_(limit) {}
  void enable(bool on = true) { enabled_.store(on, std::memory_order_relaxed); }
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  // The newest `limit` records, oldest first.
  std::vector<QueryRecord> entries() const;
  std::size_t size() const;
  void clear();
  void add(QueryRecord record);

 private:
  std::atomic<bool> enabled_{false};
  std::size_t limit_;
  mutable std::mutex mutex_;
  std::deque<QueryRecord> records_;
};

class QueryCapture {
 public:
  QueryCapture();                            // every alias
  explicit QueryCapture(std::string alias);  // one alias
  ~QueryCapture();
  QueryCapture(const QueryCapture&) = delete;
  QueryCapture& operator=(const QueryCapture&) = delete;

  // The statements the application's code ran (routing statements and cache hits left
  // out).
  std::size_t count() const { return records_.size() - routing_ - cache_hits_; }
  // The reads the query cache answered among queries().
  std::size_t cache_hits() const { return cache_hits_; }
  // The routing layer's own statements among queries().
  std::size_t routing_count() const { return routing_; }
  // Every statement, in order, routing ones included.
  const std::vector<QueryRecord>& queries() const { return records_; }
  void clear() {
    records_.clear();
    routing_ = 0;
    cache_hits_ = 0;
  }

 private:
  friend struct QueryEvents;
  std::optional<std::string> alias_;
  std::vector<QueryRecord> records_;
  std::size_t routing_ = 0;
  std::size_t cache_hits_ = 0;
  QueryCapture* outer_;
};

// Where connections report; the hot path asks wants() before timing anything.
struct QueryEvents {
  static bool wants(const QueryLog& log) noexcept;
  static void record(QueryLog& log, std::string_view alias, std::string_view sql,
                     std::span<const quarry_value> params, std::chrono::microseconds duration,
                     std::string_view error = {}, bool cache_hit = false);
  // While one lives, what this thread records is marked `routing` (the routing layer's
  // own statements).
  class RoutingStatements {
   public:
    RoutingStatements();
    ~RoutingStatements();
    RoutingStatements(const RoutingStatements&) = delete;
    RoutingStatements& operator=(const RoutingStatements&) = delete;

   private:
    bool outer_;
  };
};

}  // namespace quarry
