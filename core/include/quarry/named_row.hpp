// One row of values_list(named, ...), Django's values_list(..., named=True): a tuple of
// the types given, whose columns are also found by name.
//
//   for (const auto& row : qs.values_list<int64_t, std::string>(quarry::named, "id", "name"))
//     row.get<std::string>("name");   // or std::get<1>(row.values())
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "quarry/errors.hpp"

namespace quarry {

// The tag asking values_list() for named rows.
struct NamedTag {};
inline constexpr NamedTag named{};

template <class... Ts>
class NamedRow {
 public:
  const std::tuple<Ts...>& values() const { return values_; }
  std::tuple<Ts...>& values() { return values_; }
  // The names of the columns, in order.
  const std::vector<std::string>& names() const {
    static const std::vector<std::string> kNone;
    return names_ ? *names_ : kNone;
  }
  void set_names(std::shared_ptr<const std::vector<std::string>> names) {
    names_ = std::move(names);
  }
  // The column of that name, of the type it was asked for; ProgrammingError naming the
  // columns there are, or the type it has.
  template <class T>
  const T& get(std::string_view name) const {
    const auto& n = names();
    for (std::size_t i = 0; i < n.size() && i < sizeof...(Ts); ++i) {
      if (n[i] == name) return at<T>(i, std::index_sequence_for<Ts...>{});
    }
    std::string list;
    for (const auto& s : n) list += (list.empty() ? "" : ", ") + s;
    throw ProgrammingError("no column '" + std::string(name) + "' in this row; it has: " + list);
  }

 private:
  template <class T, std::size_t... I>
  const T& at(std::size_t i, std::index_sequence<I...>) const {
    const T* found = nullptr;
    (
        [&] {
          if constexpr (std::is_same_v<std::tuple_element_t<I, std::tuple<Ts...>>, T>) {
            if (I == i) found = &std::get<I>(values_);
          }
        }(),
        ...);
    if (!found) {
      throw ProgrammingError("column '" + names()[i] +
                             "' is not of the type asked for: ask for the type given to "
                             "values_list()");
    }
    return *found;
  }

  std::tuple<Ts...> values_{};
  std::shared_ptr<const std::vector<std::string>> names_;
};

}  // namespace quarry
