#include "quarry/record.hpp"

#include "quarry/errors.hpp"

namespace quarry {

const Value& Record::operator[](std::string_view name) const {
  for (std::size_t i = 0; names_ && i < names_->size(); ++i) {
    if ((*names_)[i] == name) return values_[i];
  }
  std::string list;
  for (std::size_t i = 0; names_ && i < names_->size(); ++i) list += (i ? ", " : "") + (*names_)[i];
  throw ProgrammingError("no value named '" + std::string(name) + "'; the names are: " + list);
}

bool Record::contains(std::string_view name) const {
  for (std::size_t i = 0; names_ && i < names_->size(); ++i) {
    if ((*names_)[i] == name) return true;
  }
  return false;
}

std::string Record::repr() const {
  std::string s = "{";
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (i) s += ", ";
    s += "'" + (*names_)[i] + "': " + values_[i].repr();
  }
  return s + "}";
}

bool operator==(const Record& a, const Record& b) {
  if (a.values_ != b.values_) return false;
  if (a.size() == 0) return true;
  return *a.names_ == *b.names_;
}

}  // namespace quarry
