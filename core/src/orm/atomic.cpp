#include "quarry/atomic.hpp"

#include <exception>
#include <map>
#include <optional>
#include <vector>

#include "cache/stored_rows.hpp"
#include "orm/lease.hpp"
#include "orm/route.hpp"
#include "orm/write_events.hpp"
#include "quarry/database.hpp"
#include "quarry/errors.hpp"
#include "quarry/plugin/abi.h"
#include "routing/causal_tokens.hpp"
#include "routing/replica_set.hpp"

namespace quarry {
namespace detail {

// The open atomic blocks of this thread on one alias: the connection they share, how
// deep they are, whether the innermost is marked for rollback, and the callbacks
// waiting for the outermost COMMIT.
struct ThreadTransaction {
  Database* db = nullptr;
  PooledConnection lease;
  int depth = 0;
  bool needs_rollback = false;
  std::vector<std::function<void()>> on_commit;
  WrittenTables written;  // for the Commit event, while write listeners exist
};

}  // namespace detail

namespace {

using detail::ThreadTransaction;

std::map<std::string, ThreadTransaction, std::less<>>& transactions() {
  thread_local std::map<std::string, ThreadTransaction, std::less<>> t;
  return t;
}

ThreadTransaction* open_block(std::string_view alias) {
  auto& all = transactions();
  auto it = all.find(alias);
  return it != all.end() && it->second.depth > 0 ? &it->second : nullptr;
}

// A block marked for rollback, or whose connection saw a statement fail, takes no more
// queries until it is rolled back.
bool broken(const ThreadTransaction& tx) {
  return tx.needs_rollback || tx.lease->transaction_failed();
}

ThreadTransaction& innermost_or_throw(std::string_view alias) {
  ThreadTransaction* tx = open_block(alias);
  if (!tx) {
    throw TransactionManagementError("The rollback flag doesn't work outside of an 'atomic' block.",
                                     ErrorContext{{}, 0, {}, std::string(alias)});
  }
  return *tx;
}

// The block a savepoint helper (or atomic_connection()) works in.
ThreadTransaction& block_for(std::string_view alias, const char* what) {
  ThreadTransaction* tx = open_block(alias);
  if (!tx) {
    throw TransactionManagementError(std::string(what) + " works only inside an 'atomic' block.",
                                     ErrorContext{{}, 0, {}, std::string(alias)});
  }
  return *tx;
}

[[noreturn]] void refuse(std::string_view alias) {
  throw TransactionManagementError(
      "An error occurred in the current transaction. You can't execute queries until the "
      "end of the 'atomic' block.",
      ErrorContext{{}, 0, {}, std::string(alias)});
}

}  // namespace

std::string savepoint(std::string_view alias) {
  ThreadTransaction* tx = open_block(alias);
  if (tx && broken(*tx)) refuse(alias);
  return block_for(alias, "savepoint()").lease->savepoint();
}

void savepoint_rollback(std::string_view sid, std::string_view alias) {
  block_for(alias, "savepoint_rollback()").lease->rollback_to_savepoint(sid);
}

void savepoint_commit(std::string_view sid, std::string_view alias) {
  block_for(alias, "savepoint_commit()").lease->release_savepoint(sid);
}

Atomic::Atomic(std::string alias, AtomicOptions options)
    : alias_(std::move(alias)), uncaught_(std::uncaught_exceptions()) {
  auto& tx = transactions()[alias_];
  if (tx.depth == 0) {
    try {
      tx.db = &database(alias_);
      tx.lease = tx.db->acquire();
      tx.lease->begin();
    } catch (...) {
      transactions().erase(alias_);
      throw;
    }
  } else {
    if (options.durable) {
      throw TransactionManagementError(
          "A durable atomic block cannot be nested within another atomic block.",
          ErrorContext{{}, 0, {}, alias_});
    }
    if (broken(tx)) refuse(alias_);
    savepoint_ = tx.lease->savepoint();
  }
  callbacks_at_ = tx.on_commit.size();
  level_ = ++tx.depth;
  open_ = true;
}

Atomic::Atomic(Atomic&& o) noexcept
    : alias_(std::move(o.alias_)),
      savepoint_(std::move(o.savepoint_)),
      callbacks_at_(o.callbacks_at_),
      uncaught_(o.uncaught_),
      level_(o.level_),
      open_(o.open_) {
  o.open_ = false;
}

Atomic::~Atomic() noexcept(false) {
  if (!open_) return;
  ThreadTransaction* tx = open_block(alias_);
  if (!tx || tx->depth != level_) {
    // Ended out of order (a block around it closed first): nothing of its own is left.
    open_ = false;
    return;
  }
  if (std::uncaught_exceptions() > uncaught_) {
    try {
      rollback();
    } catch (...) {  // the connection may be gone; the pool will not reuse it
    }
    return;
  }
  if (broken(*tx)) {
    rollback();  // as Django: the block was marked, and its work is undone
    return;
  }
  commit();
}

ThreadTransaction& Atomic::own_block() {
  if (!open_) throw TransactionManagementError("this atomic block is already closed");
  ThreadTransaction* tx = open_block(alias_);
  if (!tx || tx->depth != level_) {
    throw TransactionManagementError(
        "only the innermost atomic block can be ended, on the thread that opened it",
        ErrorContext{{}, 0, {}, alias_});
  }
  return *tx;
}

Connection& Atomic::connection() {
  ThreadTransaction& tx = transactions().at(alias_);
  tx.written.all = true;  // what is sent on it directly is not known
  return *tx.lease;
}

void Atomic::commit() {
  ThreadTransaction& tx = own_block();
  if (broken(tx)) {
    rollback();
    throw TransactionManagementError(
        "this atomic block was marked for rollback (set_rollback, or a statement failed in "
        "it): it has been rolled back, not committed",
        ErrorContext{{}, 0, {}, alias_});
  }
  open_ = false;
  --tx.depth;
  if (!savepoint_.empty()) {
    tx.lease->release_savepoint(savepoint_);
    return;
  }
  // The outermost COMMIT: the thread's transaction is over whatever happens next.
  std::vector<std::function<void()>> callbacks = std::move(tx.on_commit);
  const detail::WrittenTables written = std::move(tx.written);
  const bool report = detail::write_listeners_exist() && (written.all || !written.tables.empty());
  try {
    tx.lease->commit();
    // Reads after it, on replicas, wait for it (read-your-writes).
    if (tx.db->replica_set()) detail::note_commit(*tx.db, *tx.lease);
  } catch (...) {
    transactions().erase(alias_);
    // A COMMIT that failed may have happened: listeners are told all the same.
    if (report) detail::emit_written(WriteEvent::When::Commit, alias_, written);
    throw;
  }
  transactions().erase(alias_);
  if (report) detail::emit_written(WriteEvent::When::Commit, alias_, written);
  for (auto& fn : callbacks) fn();
}

void Atomic::rollback() {
  ThreadTransaction& tx = own_block();
  open_ = false;
  --tx.depth;
  tx.needs_rollback = false;
  if (!savepoint_.empty()) {
    if (tx.on_commit.size() > callbacks_at_) tx.on_commit.resize(callbacks_at_);  // its own go
    try {
      if (!tx.lease->is_usable()) throw ConnectionLost("the connection was lost");
      tx.lease->rollback_to_savepoint(savepoint_);
      tx.lease->release_savepoint(savepoint_);
    } catch (...) {
      tx.needs_rollback = true;  // its work may still be there: the block around must not commit
      throw;
    }
    return;
  }
  struct Release {
    std::string alias;
    ~Release() { transactions().erase(alias); }
  } release{alias_};
  if (tx.lease->in_transaction()) tx.lease->rollback();
}

void set_rollback(bool rollback, std::string_view alias) {
  innermost_or_throw(alias).needs_rollback = rollback;
}

bool get_rollback(std::string_view alias) {
  return broken(innermost_or_throw(alias));
}

void on_commit(std::function<void()> fn, std::string_view alias) {
  if (ThreadTransaction* tx = open_block(alias)) {
    tx->on_commit.push_back(std::move(fn));
    return;
  }
  fn();  // no transaction: as Django, at once
}

Connection& atomic_connection(std::string_view alias) {
  ThreadTransaction& tx = block_for(alias, "atomic_connection()");
  tx.written.all = true;  // what is sent on it directly is not known
  return *tx.lease;
}

namespace detail {

bool Lease::in_atomic_block(std::string_view alias) {
  return open_block(alias) != nullptr;
}

bool Lease::block_has_written(std::string_view alias) {
  const ThreadTransaction* tx = open_block(alias);
  return tx && (tx->written.all || !tx->written.tables.empty());
}

bool Lease::in_any_atomic_block() {
  for (const auto& [alias, tx] : transactions()) {
    if (tx.depth > 0) return true;
  }
  return false;
}

Lease::Lease(std::string_view alias) : Lease(quarry::database(alias)) {}

Lease::Lease(Database& db) {
  use(db);
}

void Lease::use(Database& db) {
  if (ThreadTransaction* tx = open_block(db.alias())) {
    if (broken(*tx)) refuse(db.alias());
    conn_ = tx->lease.get();
    db_ = &db;
    tx_ = tx;
    return;
  }
  lease_from(db);
}

Lease::Lease(const ReadRoute& route) {
  if (route.replica_ok) {
    ReplicaSet& set = *route.db->replica_set();
    if (const int i = set.pick(); i >= 0) {
      Database& replica = set.replica(static_cast<std::size_t>(i));
      try {
        lease_from(replica);
        if (caught_up(set, static_cast<std::size_t>(i), *conn_)) return;
      } catch (const OperationalError& e) {  // down or gone: the primary serves, no error
        set.set_down(static_cast<std::size_t>(i), e.what());
      }
      pooled_ = PooledConnection();
      conn_ = nullptr;
    }
  }
  use(*route.db);
}

void Lease::lease_from(Database& db) {
  db_ = &db;
  pooled_ = db.acquire();
  conn_ = pooled_.get();
}

void Lease::wrote() {
  if (pooled_ && db_->replica_set()) note_commit(*db_, *conn_);
}

void Lease::changed(std::string_view table) {
  if (!write_listeners_exist()) return;
  if (tx_) note_written(tx_->written, table);
  WrittenTables w;
  note_written(w, table);
  emit_written(WriteEvent::When::Statement, db_->alias(), w);
  if (!tx_) emit_written(WriteEvent::When::Commit, db_->alias(), w);  // autocommit
}

ResultSet Lease::write(std::string_view sql, std::span<const Value> params,
                       std::string_view table) {
  std::optional<ResultSet> done;
  try {
    done.emplace(StoredResult::drained(conn_->query(sql, params)));
  } catch (const Error& e) {
    // The session went: the statement may have been done (and committed, outside a
    // block) before it did, so it is reported as done.
    if (e.poisons_connection()) changed(table);
    throw;
  }
  changed(table);  // the statement is complete: its rows are read
  return std::move(*done);
}

int64_t Lease::execute(std::string_view sql, std::span<const Value> params,
                       std::string_view table) {
  return write(sql, params, table).affected_rows();
}

void Lease::execute_script(std::string_view sql, std::string_view table) {
  try {
    conn_->execute_script(sql);
  } catch (const Error& e) {
    if (e.poisons_connection()) changed(table);
    throw;
  }
  changed(table);
}

bool Lease::bulk_insert(const std::string& table, std::span<const std::string> columns,
                        std::span<const quarry_value> rows, const std::string& key_column,
                        std::span<int64_t> keys) {
  try {
    if (!conn_->bulk_insert(table, columns, rows, key_column, keys)) return false;
  } catch (const Error& e) {
    if (e.poisons_connection()) changed(table);
    throw;
  }
  changed(table);
  return true;
}

ResultSet Lease::read(std::string_view sql, std::span<const Value> params, ExecOptions opts) {
  try {
    return conn_->query(sql, params, opts);
  } catch (const Error& e) {
    if (!e.poisons_connection() || !pooled_ || conn_->is_usable() || conn_->in_transaction() ||
        e.sqlstate() == QUARRY_SQLSTATE_TIMED_OUT) {
      throw;
    }
  }
  pooled_ = PooledConnection();  // back first: a pool of one would wait for it
  lease_from(*db_);
  return conn_->query(sql, params, opts);
}

}  // namespace detail
}  // namespace quarry
