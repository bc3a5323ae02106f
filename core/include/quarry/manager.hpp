// Managers: where every query on a model starts (Django's Model.objects).
//
// quarry::objects<T>() is the default manager: T::objects() if the model declares one,
// otherwise a plain Manager<T> over every row. A manager is a queryset (every QuerySet
// method works on it) made fresh from get_queryset() at each call, so a default filter
// is applied when the query is made (a tenant read from the current request, say).
//
//   struct ActiveManager : quarry::Manager<Product, quarry::QuerySet<Product>, ActiveManager> {
//     static quarry::QuerySet<Product> get_queryset() {
//       return Manager::get_queryset().filter("is_active", true);
//     }
//   };
//   struct Product { ...; static ActiveManager objects() { return {}; }
//                         static quarry::Manager<Product> all_objects() { return {}; } };
#pragma once

#include <type_traits>

#include "quarry/queryset.hpp"

namespace quarry {

template <class T, class QS = QuerySet<T>, class Self = void>
class Manager : public QS {
 public:
  using queryset_type = QS;

  Manager() : QS(initial()) {}

  // The queryset every call starts from: all rows. A custom manager redefines this
  // (as a static function) and calls Manager::get_queryset() for the rows to filter.
  static QS get_queryset() { return QS(); }

 private:
  static QS initial() {
    if constexpr (std::is_void_v<Self>) {
      return Manager::get_queryset();
    } else {
      return Self::get_queryset();
    }
  }
};

template <Model T>
auto objects() {
  if constexpr (requires { T::objects(); }) {
    return T::objects();
  } else {
    return Manager<T>();
  }
}

}  // namespace quarry
