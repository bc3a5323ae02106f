// What deleting rows does to the rows that point at them (Django's on_delete), and the
// errors it raises. delete() on an object or a queryset collects, in one transaction,
// every row a CASCADE reaches, sets SET_NULL / SET_DEFAULT columns, and deletes the
// rows that point at others before those they point at. The database is not asked to
// do it (the tables' foreign keys have no ON DELETE), so every backend behaves the same.
#pragma once

#include <string>
#include <vector>

#include "quarry/errors.hpp"

namespace quarry {

// A PROTECT relation points at a row being deleted; nothing was deleted. blocking()
// names the rows in the way: "Order object (3)".
class ProtectedError : public IntegrityError {
 public:
  ProtectedError(const std::string& message, std::vector<std::string> blocking)
      : IntegrityError(message), blocking_(std::move(blocking)) {}
  const std::vector<std::string>& blocking() const { return blocking_; }

 private:
  std::vector<std::string> blocking_;
};

// A RESTRICT relation points at a row being deleted from a row that this delete does not
// also delete (through a CASCADE); nothing was deleted.
class RestrictedError : public IntegrityError {
 public:
  RestrictedError(const std::string& message, std::vector<std::string> blocking)
      : IntegrityError(message), blocking_(std::move(blocking)) {}
  const std::vector<std::string>& blocking() const { return blocking_; }

 private:
  std::vector<std::string> blocking_;
};

}  // namespace quarry
