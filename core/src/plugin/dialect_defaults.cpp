// The keys the core asks a dialect for, and what it uses when the plugin is silent:
// both from the one declaration in quarry/plugin/dialect_keys.h, which the SDK and
// docs/plugin-guide.md share.
#include <algorithm>

#include "quarry/dialect.hpp"
#include "quarry/plugin/dialect_keys.h"

namespace quarry {

// Both tables are never destroyed: a replica's health check, on a thread of its own,
// may open a dialect while the process runs its exit handlers.
const std::vector<std::pair<std::string, std::string>>& Dialect::default_text() {
  static const auto* const kDefaults = new std::vector<std::pair<std::string, std::string>>([] {
    std::vector<std::pair<std::string, std::string>> d;
    for (const auto& key : dialect_keys::kKeys) d.emplace_back(key.name, key.fallback);
    std::sort(d.begin(), d.end());
    return d;
  }());
  return *kDefaults;
}

const std::vector<std::pair<std::string, bool>>& Features::defaults() {
  static const auto* const kDefaults = new std::vector<std::pair<std::string, bool>>([] {
    std::vector<std::pair<std::string, bool>> d;
    for (const auto& flag : dialect_keys::kFlags) d.emplace_back(flag.name, flag.fallback);
    return d;
  }());
  return *kDefaults;
}

}  // namespace quarry
