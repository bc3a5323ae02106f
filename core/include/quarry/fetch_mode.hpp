// What touching a relation that no query loaded does (Django 6's fetch modes).
//
//   FetchMode::One    reads the one related object now: a query per object (the default,
//                     and the N+1 of a loop over rows).
//   FetchMode::Peers  reads it for every object of the same result at once: the first
//                     touch costs one query, the rest none.
//   FetchMode::Raise  throws FieldFetchBlocked, so a test proves a loop is N+1 free.
//
// Per queryset: objects<Order>().fetch_mode(FetchMode::Peers). Per scope, for every
// queryset that does not set its own, on this thread:
//   { quarry::FetchModeScope guard(quarry::FetchMode::Raise); render(orders); }
#pragma once

#include <optional>

#include "quarry/model.hpp"

namespace quarry {

enum class FetchMode { One, Peers, Raise };

// Under FetchMode::Raise, FieldFetchBlocked (quarry/errors.hpp).

// Sets the thread's fetch mode until it goes out of scope (scopes nest).
class FetchModeScope {
 public:
  explicit FetchModeScope(FetchMode mode);
  ~FetchModeScope();
  FetchModeScope(const FetchModeScope&) = delete;
  FetchModeScope& operator=(const FetchModeScope&) = delete;

 private:
  std::optional<FetchMode> previous_;
};

// The innermost FetchModeScope's mode on this thread, if any.
std::optional<FetchMode> scoped_fetch_mode();

}  // namespace quarry
