// The lookups the tests register as an application would (quarry/lookups.hpp), once per
// process: "ne" on every kind, and "ieq" (equal, ignoring case) on text, spelt its own
// way on SQLite.
#pragma once

#include <mutex>

#include "quarry/lookups.hpp"

namespace quarry::test {

inline void register_test_lookups() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_lookup({.name = "ne", .sql = "{lhs} <> {rhs}"});
    register_lookup({.name = "ieq",
                     .sql = "UPPER({lhs}) = UPPER({rhs})",
                     .applies_to = {FieldKind::Char, FieldKind::Text},
                     .sql_for = {{"sqlite", "{lhs} = {rhs} COLLATE NOCASE"}}});
  });
}

}  // namespace quarry::test
