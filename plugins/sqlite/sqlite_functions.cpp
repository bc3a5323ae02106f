#include "sqlite_functions.hpp"

#include <memory>
#include <regex>
#include <string>

#include "sqlite_errors.hpp"

namespace quarry::sqlite {
namespace {

// The compiled pattern is kept with the statement (sqlite3_set_auxdata) so a query
// compiles it once, not once per row.
template <bool kIgnoreCase>
void regexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  if (auto* cached = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0))) {
    sqlite3_result_int(ctx, std::regex_search(text, *cached) ? 1 : 0);
    return;
  }
  std::unique_ptr<std::regex> re;
  try {
    auto flags = std::regex::ECMAScript;
    if (kIgnoreCase) flags |= std::regex::icase;
    re = std::make_unique<std::regex>(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                                      flags);
  } catch (const std::regex_error& e) {
    sqlite3_result_error(ctx, (std::string("invalid regular expression: ") + e.what()).c_str(), -1);
    return;
  }
  const bool hit = std::regex_search(text, *re);
  // SQLite owns it from here, and may free it at once; it is not used again below.
  sqlite3_set_auxdata(ctx, 0, re.release(), [](void* p) { delete static_cast<std::regex*>(p); });
  sqlite3_result_int(ctx, hit ? 1 : 0);
}

}  // namespace

void register_functions(sqlite3* db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  int rc = sqlite3_create_function_v2(db, "regexp", 2, flags, nullptr, &regexp<false>, nullptr,
                                      nullptr, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "quarry_iregexp", 2, flags, nullptr, &regexp<true>, nullptr,
                                    nullptr, nullptr);
  }
  if (rc != SQLITE_OK) raise(db, rc, "registering REGEXP");
}

}  // namespace quarry::sqlite
