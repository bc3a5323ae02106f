#include "sqlite_functions.hpp"

#include <cmath>
#include <cstdint>
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

// STDDEV_POP, STDDEV_SAMP, VAR_POP and VAR_SAMP, which SQLite lacks, as aggregates that
// also run over a window (a value can leave the frame: xInverse). Kept as a count, a mean
// and a sum of squared deviations (Welford), which stays accurate where a plain sum of
// squares would cancel.
struct Moments {
  int64_t n;
  double mean;
  double m2;
};

void moments_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  auto* m = static_cast<Moments*>(sqlite3_aggregate_context(ctx, sizeof(Moments)));
  if (!m) return sqlite3_result_error_nomem(ctx);
  const double x = sqlite3_value_double(argv[0]);
  ++m->n;
  const double delta = x - m->mean;
  m->mean += delta / static_cast<double>(m->n);
  m->m2 += delta * (x - m->mean);
}

void moments_inverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  auto* m = static_cast<Moments*>(sqlite3_aggregate_context(ctx, sizeof(Moments)));
  if (!m || m->n == 0) return;
  const double x = sqlite3_value_double(argv[0]);
  if (--m->n == 0) {
    *m = Moments{0, 0, 0};
    return;
  }
  const double delta = x - m->mean;
  m->mean -= delta / static_cast<double>(m->n);
  m->m2 -= delta * (x - m->mean);
  if (m->m2 < 0) m->m2 = 0;
}

template <bool kSample, bool kRoot>
void moments_value(sqlite3_context* ctx) {
  auto* m = static_cast<Moments*>(sqlite3_aggregate_context(ctx, 0));
  const int64_t n = m ? m->n : 0;
  if (n == 0 || (kSample && n < 2)) return sqlite3_result_null(ctx);
  const double var = m->m2 / static_cast<double>(kSample ? n - 1 : n);
  sqlite3_result_double(ctx, kRoot ? std::sqrt(var) : var);
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
  struct Aggregate {
    const char* name;
    void (*value)(sqlite3_context*);
  };
  for (const Aggregate& a : {Aggregate{"STDDEV_POP", &moments_value<false, true>},
                             Aggregate{"STDDEV_SAMP", &moments_value<true, true>},
                             Aggregate{"VAR_POP", &moments_value<false, false>},
                             Aggregate{"VAR_SAMP", &moments_value<true, false>}}) {
#if SQLITE_VERSION_NUMBER >= 3025000
    rc = sqlite3_create_window_function(db, a.name, 1, flags, nullptr, &moments_step, a.value,
                                        a.value, &moments_inverse, nullptr);
#else  // no window functions before 3.25: plain aggregates
    rc = sqlite3_create_function_v2(db, a.name, 1, flags, nullptr, nullptr, &moments_step, a.value,
                                    nullptr);
#endif
    if (rc != SQLITE_OK) raise(db, rc, std::string("registering ") + a.name);
  }
}

}  // namespace quarry::sqlite
