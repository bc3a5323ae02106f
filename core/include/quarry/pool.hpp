// Pool: the connections of one alias, shared by threads.
//
// acquire() hands out an idle connection (checking its health first if it has been idle
// longer than health_check_after), opens a new one while there are fewer than `size`,
// or waits up to acquire_timeout for one to come back. A connection that comes back
// broken, or still inside a transaction, is closed rather than reused.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "quarry/connection.hpp"

namespace quarry {

struct PoolSettings {
  std::size_t size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
  // Ping a connection at checkout when it has been idle longer than this; zero pings
  // every time, a negative value never.
  std::chrono::milliseconds health_check_after{1000};
};

class Pool;

// A connection on loan from a pool; goes back when destroyed.
class PooledConnection {
 public:
  PooledConnection() = default;
  PooledConnection(PooledConnection&& o) noexcept : pool_(o.pool_), conn_(std::move(o.conn_)) {
    o.pool_ = nullptr;
  }
  PooledConnection& operator=(PooledConnection&& o) noexcept;
  ~PooledConnection();

  Connection* operator->() const { return conn_.get(); }
  Connection& operator*() const { return *conn_; }
  Connection* get() const { return conn_.get(); }
  explicit operator bool() const { return conn_ != nullptr; }

 private:
  friend class Pool;
  PooledConnection(Pool* pool, std::unique_ptr<Connection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  Pool* pool_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

class Pool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  Pool(std::string alias, PoolSettings settings, Factory factory);
  ~Pool();

  // Throws OperationalError when no connection frees up within acquire_timeout, and
  // whatever connecting throws when a new connection cannot be opened.
  PooledConnection acquire();

  const PoolSettings& settings() const { return settings_; }
  std::size_t open_count() const;  // idle + in use
  std::size_t idle_count() const;
  // Connections closed because they were found dead or came back broken.
  std::size_t replaced_count() const;
  // Closes every idle connection (those in use close when they come back).
  void clear();

 private:
  friend class PooledConnection;
  struct Idle {
    std::unique_ptr<Connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  void give_back(std::unique_ptr<Connection> conn) noexcept;
  bool healthy(Connection& conn, std::chrono::steady_clock::time_point idle_since);

  std::string alias_;
  PoolSettings settings_;
  Factory factory_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Idle> idle_;  // back = most recently returned
  std::size_t open_ = 0;
  std::size_t replaced_ = 0;
};

}  // namespace quarry
