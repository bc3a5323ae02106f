// Record: one row of values(), Django's dict: values by name, in the order asked for.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/value.hpp"

namespace quarry {

class Record {
 public:
  Record() = default;
  Record(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const std::string& name(std::size_t i) const { return (*names_)[i]; }
  const Value& operator[](std::size_t i) const { return values_.at(i); }
  // Throws ProgrammingError listing the names there are.
  const Value& operator[](std::string_view name) const;
  bool contains(std::string_view name) const;
  template <class T>
  T get(std::string_view name) const {
    return (*this)[name].as<T>();
  }
  const std::vector<Value>& values() const { return values_; }
  // {'course': 'Math', 'count': 3}, as Django prints a dict.
  std::string repr() const;

  friend bool operator==(const Record& a, const Record& b);

 private:
  std::shared_ptr<const std::vector<std::string>> names_;
  std::vector<Value> values_;
};

}  // namespace quarry
