// The seed tour's frame: each section runs one example of the seed guide and prints
// its name, the SQL that ran (from the query log) and the result.
#pragma once

#include <functional>
#include <string>

#include "quarry/quarry.hpp"

namespace tour {

class Tour {
 public:
  explicit Tour(quarry::Database& db) : db_(db) {}
  // Runs body, printing the SQL it ran and the text it returns.
  void section(const std::string& title, const std::function<std::string()>& body);
  int failures() const { return failures_; }

 private:
  quarry::Database& db_;
  int failures_ = 0;
};

}  // namespace tour
