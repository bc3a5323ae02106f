// A hash of text for unordered containers keyed by std::string that are searched with a
// std::string_view (no string is made to look one up). Internal to the core.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace quarry::detail {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

}  // namespace quarry::detail
