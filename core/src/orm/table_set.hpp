// Internal: a set of table names as a sorted vector, each once (what a statement reads,
// what a transaction wrote); small, and read far more often than added to.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::detail {

inline void add_table(std::vector<std::string>& tables, std::string_view name) {
  const auto at = std::lower_bound(tables.begin(), tables.end(), name);
  if (at == tables.end() || *at != name) tables.emplace(at, name);
}

}  // namespace quarry::detail
