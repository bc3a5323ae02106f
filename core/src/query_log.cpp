#include "quarry/query_log.hpp"

#include "quarry/value.hpp"

namespace quarry {
namespace {
// The innermost live capture on this thread; captures nest like scopes.
thread_local QueryCapture* t_capture = nullptr;
// Whether what this thread records now is the routing layer's.
thread_local bool t_routing = false;
}  // namespace

std::vector<QueryRecord> QueryLog::entries() const {
  std::lock_guard lock(mutex_);
  return {records_.begin(), records_.end()};
}

std::size_t QueryLog::size() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

void QueryLog::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

void QueryLog::add(QueryRecord record) {
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(record));
  while (records_.size() > limit_) records_.pop_front();
}

QueryCapture::QueryCapture() : outer_(t_capture) {
  t_capture = this;
}
QueryCapture::QueryCapture(std::string alias) : alias_(std::move(alias)), outer_(t_capture) {
  t_capture = this;
}
QueryCapture::~QueryCapture() {
  t_capture = outer_;
}

bool QueryEvents::wants(const QueryLog& log) noexcept {
  return t_capture != nullptr || log.enabled();
}

void QueryEvents::record(QueryLog& log, std::string_view alias, std::string_view sql,
                         std::span<const quarry_value> params, std::chrono::microseconds duration,
                         std::string_view error, bool cache_hit) {
  QueryRecord r;
  r.alias = std::string(alias);
  r.sql = std::string(sql);
  r.params.reserve(params.size());
  for (const auto& p : params) r.params.push_back(ValueRef(p).repr());
  r.duration = duration;
  r.error = std::string(error);
  r.routing = t_routing;
  r.cache_hit = cache_hit;
  for (QueryCapture* c = t_capture; c; c = c->outer_) {
    if (!c->alias_ || *c->alias_ == alias) {
      c->records_.push_back(r);
      if (r.routing) ++c->routing_;
      if (r.cache_hit) ++c->cache_hits_;
    }
  }
  if (log.enabled()) log.add(std::move(r));
}

QueryEvents::RoutingStatements::RoutingStatements() : outer_(t_routing) {
  t_routing = true;
}
QueryEvents::RoutingStatements::~RoutingStatements() {
  t_routing = outer_;
}

}  // namespace quarry
