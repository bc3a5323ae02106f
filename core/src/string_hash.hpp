// A hash of text for unordered containers keyed by std::string that are searched with a
// std::string_view (no string is made to look one up). Internal to the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace quarry::detail {

struct StringHash {
  using is_transparent = void;
  // Eight bytes a step, each mixed by a multiply and a shift: the keys (SQL text, query
  // shapes) are looked up on every query, and std::hash's byte-wise tail and extra
  // rounds cost twice as much. Spread enough for a table that takes it modulo a prime.
  std::size_t operator()(std::string_view s) const noexcept {
    constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
    uint64_t h = s.size() * kMul;
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; n -= 8, p += 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    if (n > 0) {
      uint64_t w = 0;
      std::memcpy(&w, p, n);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    return static_cast<std::size_t>(h ^ (h >> 32));
  }
};

}  // namespace quarry::detail
