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
  quarry::Database& db() { return db_; }
  int failures() const { return failures_; }

 private:
  quarry::Database& db_;
  int failures_ = 0;
};

// "a, b, c" of anything with a name.
template <class Range, class Fn>
std::string join(const Range& r, Fn&& text) {
  std::string out;
  for (const auto& x : r) out += (out.empty() ? "" : ", ") + text(x);
  return out;
}

}  // namespace tour
