// Transactions across the whole query language: everything a thread runs on an alias
// inside an atomic block uses that block's connection.
//
//   { auto tx = quarry::atomic("default");      // BEGIN (or SAVEPOINT when nested)
//     ...
//     tx.commit(); }                            // leaving without commit() rolls back
//
//   quarry::atomic("default", [&] { ... });     // commits if the function returns,
//                                               // rolls back if it throws
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "quarry/connection.hpp"
#include "quarry/pool.hpp"

namespace quarry {

class Atomic {
 public:
  explicit Atomic(std::string alias = "default");
  Atomic(Atomic&& other) noexcept;
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;
  Atomic& operator=(Atomic&&) = delete;
  ~Atomic();

  // Commits (or releases the savepoint, when nested).
  void commit();
  // Rolls back (to the savepoint, when nested).
  void rollback();
  // The connection the block runs on.
  Connection& connection();
  const std::string& alias() const { return alias_; }

 private:
  std::string alias_;
  std::string savepoint_;  // empty for the outermost block
  bool open_ = false;
};

inline Atomic atomic(std::string alias = "default") {
  return Atomic(std::move(alias));
}

template <class F>
requires std::is_invocable_v<F>
decltype(auto) atomic(std::string alias, F&& fn) {
  Atomic tx(std::move(alias));
  if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
    std::forward<F>(fn)();
    tx.commit();
  } else {
    decltype(auto) result = std::forward<F>(fn)();
    tx.commit();
    return result;
  }
}

template <class F>
requires std::is_invocable_v<F>
decltype(auto) atomic(F&& fn) {
  return atomic(std::string("default"), std::forward<F>(fn));
}

namespace detail {
// The connection the current thread uses for alias: its atomic block's, if one is
// open, otherwise one from the pool, held for the lease's life.
class Lease {
 public:
  explicit Lease(std::string_view alias);
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_; }
  bool in_atomic() const { return !pooled_; }
  // Whether this thread has an atomic block open on alias.
  static bool in_atomic_block(std::string_view alias);

 private:
  PooledConnection pooled_;
  Connection* conn_ = nullptr;
};
}  // namespace detail

}  // namespace quarry
