#include "routing/replica_set.hpp"

#include <chrono>

#include "quarry/database.hpp"
#include "quarry/errors.hpp"
#include "quarry/log.hpp"
#include "quarry/query_log.hpp"

namespace quarry::detail {

ReplicaSet::ReplicaSet(Database& primary, std::vector<Database*> replicas) : primary_(primary) {
  for (Database* db : replicas) {
    auto m = std::make_unique<Member>();
    m->db = db;
    replicas_.push_back(std::move(m));
  }
  thread_ = std::thread([this] { run(); });
}

ReplicaSet::~ReplicaSet() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int ReplicaSet::pick() {
  const std::size_t n = replicas_.size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (start + k) % n;
    if (replicas_[i]->healthy.load(std::memory_order_acquire)) return static_cast<int>(i);
  }
  return -1;
}

void ReplicaSet::set_down(std::size_t i, const std::string& why) {
  std::lock_guard lock(mutex_);
  set_state(*replicas_[i], false, why);
}

void ReplicaSet::set_state(Member& m, bool healthy, const std::string& why) {
  const bool was = m.healthy.exchange(healthy, std::memory_order_acq_rel);
  if (was == healthy && (healthy || why == m.why_down)) return;
  m.why_down = healthy ? std::string() : why;
  log_line(healthy ? LogLevel::Info : LogLevel::Warning,
           healthy
               ? "replica '" + m.db->alias() + "' of '" + primary_.alias() + "' is back in rotation"
               : "replica '" + m.db->alias() + "' of '" + primary_.alias() +
                     "' is out of rotation (" + why + "); its reads go to the primary");
}

void ReplicaSet::run() {
  const auto every = std::chrono::milliseconds(primary_.settings().health_check_ms);
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    for (auto& m : replicas_) check(*m);
    lock.lock();
    wake_.wait_for(lock, every, [this] { return stop_; });
  }
}

// Down when it does not answer, does not replicate, or lags more than max_lag_ms.
void ReplicaSet::check(Member& m) {
  std::string why;
  const QueryEvents::RoutingStatements mark;
  try {
    if (!m.probe || !m.probe->is_usable()) m.probe = m.db->connect();
    const Dialect& d = m.db->dialect();
    const std::string_view sql = d.text("replica.lag");
    if (!sql.empty()) {
      ResultSet rs = m.probe->query(sql);
      std::size_t column = 0;
      if (const std::string_view name = d.text("replica.lag.column"); !name.empty()) {
        const auto found = rs.column_index(name);
        if (!found) throw InterfaceError("replica.lag gave no column " + std::string(name));
        column = *found;
      }
      if (!rs.next()) {
        why = "it does not replicate";
      } else {
        const Value lag = rs.row().get<Value>(column);
        const int64_t max_ms = primary_.settings().max_lag_ms;
        if (lag.is_null()) {
          why = "it does not replicate";
        } else if (const double s = lag.convert_to(ValueType::Double).as<double>();
                   max_ms > 0 && s * 1000.0 > static_cast<double>(max_ms)) {
          why = "it lags " + std::to_string(static_cast<int64_t>(s * 1000.0)) + " ms, more than " +
                "max_lag_ms " + std::to_string(max_ms);
        }
      }
    } else {
      m.probe->ping();
    }
  } catch (const Error& e) {
    m.probe.reset();
    why = e.what();
  }
  std::lock_guard lock(mutex_);
  set_state(m, why.empty(), why);
}

}  // namespace quarry::detail
