#include "quarry/atomic.hpp"

#include <map>

#include "quarry/database.hpp"
#include "quarry/errors.hpp"

namespace quarry {
namespace {

// The open atomic blocks of this thread, by alias.
struct ThreadTransaction {
  PooledConnection lease;
  int depth = 0;
};

std::map<std::string, ThreadTransaction, std::less<>>& transactions() {
  thread_local std::map<std::string, ThreadTransaction, std::less<>> t;
  return t;
}

}  // namespace

Atomic::Atomic(std::string alias) : alias_(std::move(alias)) {
  auto& tx = transactions()[alias_];
  if (tx.depth == 0) {
    try {
      tx.lease = database(alias_).acquire();
      tx.lease->begin();
    } catch (...) {
      transactions().erase(alias_);
      throw;
    }
  } else {
    savepoint_ = tx.lease->savepoint();
  }
  ++tx.depth;
  open_ = true;
}

Atomic::Atomic(Atomic&& o) noexcept
    : alias_(std::move(o.alias_)), savepoint_(std::move(o.savepoint_)), open_(o.open_) {
  o.open_ = false;
}

Atomic::~Atomic() {
  if (!open_) return;
  try {
    rollback();
  } catch (...) {  // the connection may be gone; the pool will not reuse it
  }
}

Connection& Atomic::connection() {
  return *transactions().at(alias_).lease;
}

void Atomic::commit() {
  if (!open_) throw TransactionManagementError("this atomic block is already closed");
  auto& tx = transactions().at(alias_);
  open_ = false;
  --tx.depth;
  if (!savepoint_.empty()) {
    tx.lease->release_savepoint(savepoint_);
    return;
  }
  try {
    tx.lease->commit();
  } catch (...) {
    transactions().erase(alias_);
    throw;
  }
  transactions().erase(alias_);
}

void Atomic::rollback() {
  if (!open_) throw TransactionManagementError("this atomic block is already closed");
  auto& tx = transactions().at(alias_);
  open_ = false;
  --tx.depth;
  if (!savepoint_.empty()) {
    if (tx.lease->is_usable()) {
      tx.lease->rollback_to_savepoint(savepoint_);
      tx.lease->release_savepoint(savepoint_);
    }
    return;
  }
  struct Release {
    std::string alias;
    ~Release() { transactions().erase(alias); }
  } release{alias_};
  if (tx.lease->in_transaction()) tx.lease->rollback();
}

namespace detail {

bool Lease::in_atomic_block(std::string_view alias) {
  auto& all = transactions();
  auto it = all.find(alias);
  return it != all.end() && it->second.depth > 0;
}

Lease::Lease(std::string_view alias) {
  auto& all = transactions();
  if (auto it = all.find(alias); it != all.end() && it->second.depth > 0) {
    conn_ = it->second.lease.get();
    return;
  }
  pooled_ = database(alias).acquire();
  conn_ = pooled_.get();
}

}  // namespace detail
}  // namespace quarry
