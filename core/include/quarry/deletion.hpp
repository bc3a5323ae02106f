// What deleting rows does to the rows that point at them (Django's on_delete), and the
// errors it raises. delete() on an object or a queryset collects, in one transaction,
// every row a CASCADE reaches, sets SET_NULL / SET_DEFAULT columns, and deletes the
// rows that point at others before those they point at. The database is not asked to
// do it (the tables' foreign keys have no ON DELETE), so every backend behaves the same.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

// A delete refused because rows point at the rows it would delete; nothing was deleted.
// blocking() names the rows in the way: "Order object (3)".
class DeleteRefused : public IntegrityError {
 public:
  DeleteRefused(const std::string& message, std::vector<std::string> blocking)
      : IntegrityError(message), blocking_(std::move(blocking)) {}
  const std::vector<std::string>& blocking() const { return blocking_; }

 private:
  std::vector<std::string> blocking_;
};

// Rows point at them through a PROTECT relation.
class ProtectedError : public DeleteRefused {
 public:
  using DeleteRefused::DeleteRefused;
};

// Rows point at them through a RESTRICT relation, and this delete does not also delete
// those rows through a CASCADE.
class RestrictedError : public DeleteRefused {
 public:
  using DeleteRefused::DeleteRefused;
};

}  // namespace quarry
