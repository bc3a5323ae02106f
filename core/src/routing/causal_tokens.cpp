#include "routing/causal_tokens.hpp"

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "quarry/database.hpp"
#include "quarry/errors.hpp"
#include "quarry/query_log.hpp"
#include "quarry/routing.hpp"
#include "routing/replica_set.hpp"

namespace quarry {

// One primary's position after a commit; which replicas have been seen past it.
struct CausalToken {
  uint64_t primary = 0;   // Database::id()
  std::string position;   // "" when it could not be taken: only the primary may serve
  uint64_t replayed = 0;  // bit i: replica i has replayed it
};

struct ReadYourWrites::State {
  std::mutex mutex;
  // The latest token of each thread that committed while bound, per primary: a thread's
  // later commit supersedes its earlier one; other threads' may be ahead or behind.
  std::vector<std::pair<std::thread::id, CausalToken>> tokens;
};

namespace {

thread_local std::vector<CausalToken> t_tokens;  // the thread's own, per primary
thread_local ReadYourWrites::State* t_bound = nullptr;

void keep(std::vector<CausalToken>& tokens, CausalToken t) {
  for (auto& have : tokens) {
    if (have.primary == t.primary) {
      have = std::move(t);
      return;
    }
  }
  tokens.push_back(std::move(t));
}

// Asks the replica when it is not known yet; remembers a yes.
bool replayed(CausalToken& t, std::size_t i, Connection& conn) {
  const uint64_t bit = i < 64 ? uint64_t{1} << i : 0;
  if (bit && (t.replayed & bit)) return true;
  if (t.position.empty()) return false;
  const QueryEvents::RoutingStatements mark;
  const Value v =
      conn.query_value<Value>(conn.dialect().text("replica.reached"), {Value(t.position)});
  const bool yes = !v.is_null() && v.convert_to(ValueType::Int).as<int64_t>() != 0;
  if (yes) t.replayed |= bit;
  return yes;
}

std::string position_of(Connection& conn) {
  const std::string_view sql = conn.dialect().text("replica.position");
  if (sql.empty()) {
    throw NotSupportedError(conn.dialect().engine_name() +
                            " gives no replica.position: quarry cannot tell when a replica "
                            "has a write, so its aliases cannot list replicas");
  }
  const QueryEvents::RoutingStatements mark;
  return conn.query_value<Value>(sql).convert_to(ValueType::Text).as<std::string>();
}

}  // namespace

ReadYourWrites::ReadYourWrites() : state_(std::make_shared<State>()) {}

ReadYourWrites::Binding ReadYourWrites::bind() const {
  return Binding(state_);
}

void ReadYourWrites::clear() {
  std::lock_guard lock(state_->mutex);
  state_->tokens.clear();
}

ReadYourWrites::Binding::Binding(std::shared_ptr<State> s) : state_(std::move(s)), outer_(t_bound) {
  t_bound = state_.get();
}

ReadYourWrites::Binding::~Binding() {
  t_bound = outer_;
}

namespace detail {

void note_commit(Database& primary, Connection& conn) {
  CausalToken t;
  t.primary = primary.id();
  try {
    t.position = position_of(conn);
  } catch (const NotSupportedError&) {
    throw;
  } catch (const Error&) {
    // The commit is done, but its connection cannot say where: any later position of the
    // primary covers it. Failing that, the empty token sends reads to the primary.
    try {
      PooledConnection other = primary.acquire();
      t.position = position_of(*other);
    } catch (const Error&) {
    }
  }
  if (t_bound) {
    std::lock_guard lock(t_bound->mutex);
    bool replaced = false;
    for (auto& [thread, have] : t_bound->tokens) {
      if (thread == std::this_thread::get_id() && have.primary == t.primary) {
        have = t;
        replaced = true;
      }
    }
    if (!replaced) t_bound->tokens.emplace_back(std::this_thread::get_id(), t);
  }
  keep(t_tokens, std::move(t));
}

bool caught_up(ReplicaSet& set, std::size_t i, Connection& conn) {
  const uint64_t primary = set.primary().id();
  for (auto& t : t_tokens) {
    if (t.primary == primary && !replayed(t, i, conn)) return false;
  }
  if (t_bound) {
    std::lock_guard lock(t_bound->mutex);
    for (auto& [thread, t] : t_bound->tokens) {
      if (t.primary == primary && !replayed(t, i, conn)) return false;
    }
  }
  return true;
}

}  // namespace detail
}  // namespace quarry
