#include "tour.hpp"

#include <iostream>

namespace tour {

void Tour::section(const std::string& title, const std::function<std::string()>& body) {
  std::cout << "\n== " << title << "\n";
  quarry::QueryCapture capture;  // every alias: a replica's reads show as its own
  std::string result;
  try {
    result = body();
  } catch (const quarry::Error& e) {
    result = std::string("ERROR: ") + e.what();
    ++failures_;
  }
  for (const auto& q : capture.queries()) {
    // The routing layer's own statements (replica positions) and the reads the query
    // cache answered are marked, and left out of QueryCapture::count().
    std::cout << "   "
              << (q.routing     ? "routing"
                  : q.cache_hit ? "cache: hit"
                                : "sql")
              << (q.alias == db_.alias() ? "" : "[" + q.alias + "]") << ": " << q.sql;
    if (!q.params.empty()) {
      std::cout << "   -- params:";
      for (const auto& p : q.params) std::cout << " " << p;
    }
    std::cout << "\n";
  }
  std::cout << "   => " << result << "\n";
}

}  // namespace tour
