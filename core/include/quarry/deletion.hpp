// What deleting rows does to the rows that point at them (Django's on_delete); the
// errors it raises, ProtectedError and RestrictedError, are in quarry/errors.hpp. delete() on an
// object or a queryset collects, in one transaction, every row a CASCADE reaches, sets SET_NULL /
// SET_DEFAULT columns, and deletes the rows that point at others before those they point at. The
// database is not asked to do it (the tables' foreign keys have no ON DELETE), so every backend
// behaves the same.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "quarry/errors.hpp"

namespace quarry {

// What a delete did, as Django's delete() returns it: the rows deleted in all (cascaded
// rows and many-to-many links included) and per model, by the model's name ("Order";
// an automatic many-to-many table as "Book_authors"), models with none left out. Reads
// as the total where a number is wanted; `auto [total, per_model] = qs.remove();`.
struct DeleteResult {
  int64_t total = 0;
  std::map<std::string, int64_t> per_model;
  operator int64_t() const { return total; }  // NOLINT(google-explicit-constructor)
};

// A refused delete raises ProtectedError or RestrictedError (quarry/errors.hpp).

}  // namespace quarry
