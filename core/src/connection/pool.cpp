#include "quarry/pool.hpp"

#include <optional>

#include "quarry/errors.hpp"

namespace quarry {

PooledConnection& PooledConnection::operator=(PooledConnection&& o) noexcept {
  if (this != &o) {
    if (pool_ && conn_) pool_->give_back(std::move(conn_));
    pool_ = o.pool_;
    conn_ = std::move(o.conn_);
    o.pool_ = nullptr;
  }
  return *this;
}

PooledConnection::~PooledConnection() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

Pool::Pool(std::string alias, PoolSettings settings, Factory factory)
    : alias_(std::move(alias)), settings_(settings), factory_(std::move(factory)) {
  if (settings_.size == 0) settings_.size = 1;
}

Pool::~Pool() {
  clear();
}

bool Pool::healthy(Connection& conn, std::chrono::steady_clock::time_point idle_since) {
  if (!conn.is_usable()) return false;
  if (settings_.health_check_after.count() < 0) return true;
  if (std::chrono::steady_clock::now() - idle_since < settings_.health_check_after) return true;
  try {
    conn.ping();
    return true;
  } catch (const Error&) {
    return false;
  }
}

PooledConnection Pool::acquire() {
  std::unique_lock lock(mutex_);
  // The clock is read only when it comes to waiting: most leases find a connection idle.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  for (;;) {
    while (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();  // a health check is a round trip: not under the lock
      const bool ok = healthy(*idle.conn, idle.since);
      if (ok) return PooledConnection(this, std::move(idle.conn));
      idle.conn.reset();
      lock.lock();
      --open_;
      ++replaced_;
    }
    if (open_ < settings_.size) {
      ++open_;
      lock.unlock();
      try {
        return PooledConnection(this, factory_());
      } catch (...) {
        lock.lock();
        --open_;
        available_.notify_one();
        throw;
      }
    }
    if (!deadline) deadline = std::chrono::steady_clock::now() + settings_.acquire_timeout;
    if (available_.wait_until(lock, *deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.size) {
      throw OperationalError("connection pool exhausted: all " + std::to_string(settings_.size) +
                                 " connections are in use and none came back within " +
                                 std::to_string(settings_.acquire_timeout.count()) + " ms",
                             ErrorContext{{}, 0, {}, alias_});
    }
  }
}

void Pool::give_back(std::unique_ptr<Connection> conn) noexcept {
  bool keep = conn->is_usable();
  if (keep && conn->in_transaction()) {
    // A transaction left open is rolled back rather than handed to the next thread.
    try {
      conn->rollback();
    } catch (...) {
      keep = false;
    }
  }
  if (!keep) conn.reset();  // closes outside the lock
  std::lock_guard lock(mutex_);
  if (keep) {
    idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
  } else {
    --open_;
    ++replaced_;
  }
  available_.notify_one();
}

std::size_t Pool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t Pool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t Pool::replaced_count() const {
  std::lock_guard lock(mutex_);
  return replaced_;
}

void Pool::clear() {
  std::vector<Idle> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(idle_);
    open_ -= closing.size();
  }
  available_.notify_all();
}

}  // namespace quarry
