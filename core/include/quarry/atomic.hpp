// Transactions across the whole query language, as Django's transaction.atomic: every
// query a thread runs on an alias inside an atomic block uses that block's connection.
//
//   { auto tx = quarry::atomic("default");      // BEGIN (SAVEPOINT when nested)
//     ...
//   }                                           // COMMIT (RELEASE) at the end of the
//                                               // scope, ROLLBACK if an exception leaves it
//
//   quarry::atomic("default", [&] { ... });     // the same around a function
//   quarry::on_commit([] { send_mail(); });     // after the outermost COMMIT only
//   quarry::set_rollback(true);                 // this block rolls back at its end
//
// A statement that fails inside a block breaks it: until the block (or a savepoint
// block inside it, around the failing statement) is rolled back, further queries raise
// TransactionManagementError, on every backend (PostgreSQL would refuse them anyway;
// MySQL and SQLite would go on with half a transaction).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "quarry/connection.hpp"
#include "quarry/errors.hpp"
#include "quarry/pool.hpp"

namespace quarry {

class Database;

namespace detail {
struct ThreadTransaction;
}  // namespace detail

struct AtomicOptions {
  // Django's durable=True: the block must be the outermost one (its COMMIT is final);
  // opening it inside another raises TransactionManagementError.
  bool durable = false;
};

// A block is a local variable (or the function form): it must end on the thread that
// opened it, innermost first; its destructor may throw (a failed COMMIT), so it is not
// kept in containers.
class [[nodiscard]] Atomic {
 public:
  explicit Atomic(std::string alias = "default", AtomicOptions options = {});
  Atomic(Atomic&& other) noexcept;
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;
  Atomic& operator=(Atomic&&) = delete;
  // Commits, unless an exception is leaving the scope or the block is marked for
  // rollback (set_rollback, a failed statement): then rolls back. A failed COMMIT throws.
  ~Atomic() noexcept(false);

  // Commits (releases the savepoint, when nested) now. A block marked for rollback is
  // rolled back instead, and TransactionManagementError says so.
  void commit();
  // Rolls back (to the savepoint, when nested) now.
  void rollback();
  // The connection the block runs on.
  Connection& connection();
  const std::string& alias() const { return alias_; }

 private:
  detail::ThreadTransaction& own_block();
  std::string alias_;
  std::string savepoint_;         // empty for the outermost block
  std::size_t callbacks_at_ = 0;  // on_commit callbacks registered before this block
  int uncaught_ = 0;              // exceptions in flight when it began
  int level_ = 0;                 // 1 for the outermost block, 2 inside it, ...
  bool open_ = false;
};

[[nodiscard]] inline Atomic atomic(std::string alias = "default", AtomicOptions options = {}) {
  return Atomic(std::move(alias), options);
}

// The block around a function: its end (the scope guard's) commits when fn returns and
// rolls back when it throws.
template <class F>
requires std::is_invocable_v<F> std::invoke_result_t<F> atomic(std::string alias, F&& fn,
                                                               AtomicOptions options = {}) {
  Atomic tx(std::move(alias), options);
  return std::forward<F>(fn)();
}

template <class F>
requires std::is_invocable_v<F>
decltype(auto) atomic(F&& fn) {
  return atomic(std::string("default"), std::forward<F>(fn));
}

// Runs fn in an outermost atomic block, again (up to `attempts` times in all) when the
// database rolled the transaction back to resolve a conflict: SerializationFailure or
// DeadlockDetected. fn must be safe to run again: everything it did in the database was
// rolled back, its other effects were not. Inside another block it raises
// TransactionManagementError (only a whole transaction can be retried).
template <class F>
requires std::is_invocable_v<F> std::invoke_result_t<F> retry_transaction(std::string alias, F&& fn,
                                                                          int attempts = 5) {
  for (int attempt = 1;; ++attempt) {
    try {
      return atomic(alias, fn, {.durable = true});
    } catch (const TransactionRollbackError&) {
      if (attempt >= attempts) throw;
    }
  }
}

// Marks the innermost open block on alias to roll back at its end (true), or clears the
// mark (false) after handling what caused it. While marked, queries in the block raise
// TransactionManagementError.
void set_rollback(bool rollback, std::string_view alias = "default");
bool get_rollback(std::string_view alias = "default");

// Django's transaction.savepoint(), savepoint_rollback() and savepoint_commit(): a
// savepoint of the atomic block open on alias, by the name savepoint() returns; rolling
// back to it also lets a block whose statement failed take queries again. Outside a
// block, TransactionManagementError.
std::string savepoint(std::string_view alias = "default");
void savepoint_rollback(std::string_view sid, std::string_view alias = "default");
void savepoint_commit(std::string_view sid, std::string_view alias = "default");

// Runs fn after the outermost block on alias commits; dropped if that block, or the
// savepoint block fn was registered in, rolls back. Outside any block, runs fn now. A
// callback that throws stops the ones after it, and the exception reaches the caller
// of commit (the COMMIT itself has happened).
void on_commit(std::function<void()> fn, std::string_view alias = "default");

// The connection of the innermost atomic block open on alias in this thread, for SQL of
// one's own inside the block (Django's connection.cursor() in transaction.atomic()).
// Outside a block, TransactionManagementError.
Connection& atomic_connection(std::string_view alias = "default");

}  // namespace quarry
