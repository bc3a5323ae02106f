// Saving, deleting and reloading single objects (Django's Model.save(), delete(),
// refresh_from_db()).
//
//   Student s{.name = "Ann", .course = "Math", .gpa = 3.9};
//   quarry::save(s);               // INSERT; s.id is filled in
//   s.gpa = 4.0;
//   quarry::save(s);               // UPDATE
//   quarry::remove(s);             // DELETE (or the model's on_remove(), e.g. a soft delete)
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "quarry/queryset.hpp"

namespace quarry {

// A new object with every field's declared default applied (Django's Model()): values,
// and callables such as Uuid::v4 run once per object.
template <Model T>
T make() {
  T obj{};
  detail::apply_defaults(meta<T>(), &obj);
  return obj;
}

// The label of a field's current value among its choices (Django's
// get_FOO_display()); the value itself as text when it is not one of them.
template <Model T>
std::string display(const T& obj, std::string_view field) {
  const Field& f = meta<T>().field(field);
  const Value v = f.get(&obj);
  for (const auto& [value, label] : f.spec().choice_list()) {
    if (value == v) return label;
  }
  return v.is_null() ? std::string() : v.as<std::string>();
}

struct SaveOptions {
  std::string using_{};                      // the alias; "": where the routers write it
  std::vector<std::string> update_fields{};  // only these, on UPDATE (Django's update_fields)
  bool force_insert = false;                 // INSERT, never UPDATE (Django's force_insert)
};

// INSERT when the primary key is unset (0, empty, nil); otherwise UPDATE, and INSERT if
// no row had that key. auto_now fields get the time on every save, auto_now_add on the
// first. Returns the object's primary key value.
template <Model T>
void save(T& obj, const SaveOptions& options = {}) {
  detail::save(meta<T>(), &obj, options.using_, options.update_fields, options.force_insert);
}

// DELETE of this object, or what the model's on_remove() hook does instead. Returns
// the rows deleted, in all and per model (a hook counts as the object's one row).
template <Model T>
DeleteResult remove(T& obj, const std::string& alias = {}) {
  return detail::remove_object(meta<T>(), &obj, alias);
}

// Reads the object's fields (or only those named) again from the database.
template <Model T>
void refresh_from_db(T& obj, const std::vector<std::string>& fields = {},
                     const std::string& alias = {}) {
  detail::refresh(meta<T>(), &obj, alias, fields);
}

// The member, read from the database first if only() or defer() left it out (one query,
// in the query log). Needs a ModelState in the model; without one it is the member.
template <Model T, class M>
M& loaded(T& obj, M T::*member) {
  const ModelMeta& m = meta<T>();
  if (ModelState* st = m.state_of(&obj); st && !st->deferred.empty()) {
    for (const auto& f : m.fields()) {
      auto* bound = dynamic_cast<const detail::MemberField<T, M>*>(f.get());
      if (!bound || bound->member() != member) continue;
      if (std::find(st->deferred.begin(), st->deferred.end(), f->name()) != st->deferred.end()) {
        detail::refresh(m, &obj, {}, {f->name()});  // where it was read from, as routed
      }
      break;
    }
  }
  return obj.*member;
}

}  // namespace quarry
