// The registry of lookups and transforms (orm/lookups.hpp): the built-in rows, and the
// ones the application registers (quarry/lookups.hpp).
#include "orm/lookups.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "orm/sql_compiler.hpp"
#include "quarry/errors.hpp"
#include "quarry/lookups.hpp"

namespace quarry::detail {
namespace {

using V = LookupValue;
using W = Wildcards;
constexpr std::string_view kPatternOnly = "pattern and regex lookups are for text fields";

// Lookups: {lhs} is the column or expression, {rhs} the value's parameter marker (or an
// expression); each key's default template is declared once, with every dialect key, in
// quarry/plugin/dialect_keys.h. A pattern lookup's .pattern key says what the value becomes:
//   raw   the value as given
//   like  LIKE-escaped (\ before \, % and _) with the lookup's wildcards added
//   glob  (a plugin's choice) GLOB-escaped, with * as the wildcard

// A pattern lookup: text made a pattern by the dialect's KEY.pattern, on text fields.
constexpr LookupRow pattern_lookup(std::string_view name, std::string_view key,
                                   std::string_view pattern_key, Wildcards wildcards,
                                   LookupValue value = LookupValue::Pattern) {
  return {.name = name,
          .key = key,
          .pattern_key = pattern_key,
          .value = value,
          .wildcards = wildcards,
          .kinds = kTextKinds,
          .wrong_kind = kPatternOnly};
}

// One row per lookup.
// clang-format off
const std::array<LookupRow, 17> kLookups = {{
    {.name = "exact", .key = "lookup.exact",
     .compile = &Compiler::exact_lookup},
    pattern_lookup("iexact", "lookup.iexact", "lookup.iexact.pattern", W::None, V::PatternUnlessRaw),
    pattern_lookup("contains", "lookup.contains", "lookup.contains.pattern", W::Both),
    pattern_lookup("icontains", "lookup.icontains", "lookup.icontains.pattern", W::Both),
    pattern_lookup("startswith", "lookup.startswith", "lookup.startswith.pattern", W::After),
    pattern_lookup("istartswith", "lookup.istartswith", "lookup.istartswith.pattern", W::After),
    pattern_lookup("endswith", "lookup.endswith", "lookup.endswith.pattern", W::Before),
    pattern_lookup("iendswith", "lookup.iendswith", "lookup.iendswith.pattern", W::Before),
    {.name = "gt", .key = "lookup.gt"},
    {.name = "gte", .key = "lookup.gte"},
    {.name = "lt", .key = "lookup.lt"},
    {.name = "lte", .key = "lookup.lte"},
    {.name = "in", .value = V::Own, .compile = &Compiler::in_lookup},
    {.name = "range", .value = V::Own, .compile = &Compiler::range_lookup},
    {.name = "isnull", .value = V::Own, .compile = &Compiler::isnull_lookup},
    {.name = "regex", .key = "lookup.regex", .value = V::Text,
     .kinds = kTextKinds, .wrong_kind = kPatternOnly, .feature = "supports_regex",
     .feature_what = "regular expressions"},
    {.name = "iregex", .key = "lookup.iregex", .value = V::Text,
     .kinds = kTextKinds, .wrong_kind = kPatternOnly, .feature = "supports_regex",
     .feature_what = "regular expressions"},
}};
// clang-format on

// Transforms of a date or datetime {lhs} (a time's or datetime's for hour, minute and
// second); week_day is 1 (Sunday) .. 7 (Saturday), as in Django. Extract(x, part) uses
// them too: quarter 1-4, week and iso_year by ISO 8601, iso_week_day 1 (Monday) .. 7.
constexpr std::array<TransformRow, 12> kTransforms = {{
    {"year", "transform.year", kDateKinds, FieldKind::Integer},
    {"month", "transform.month", kDateKinds, FieldKind::Integer},
    {"day", "transform.day", kDateKinds, FieldKind::Integer},
    {"week_day", "transform.week_day", kDateKinds, FieldKind::Integer},
    {"hour", "transform.hour", kTimeKinds, FieldKind::Integer},
    {"minute", "transform.minute", kTimeKinds, FieldKind::Integer},
    {"second", "transform.second", kTimeKinds, FieldKind::Integer},
    {"date", "transform.date", kind_bit(FieldKind::DateTime), FieldKind::Date},
    {"quarter", "transform.quarter", kDateKinds, FieldKind::Integer},
    {"week", "transform.week", kDateKinds, FieldKind::Integer},
    {"iso_year", "transform.iso_year", kDateKinds, FieldKind::Integer},
    {"iso_week_day", "transform.iso_week_day", kDateKinds, FieldKind::Integer},
}};

// A registered lookup: its row, and the text the row's views point into.
struct Registered {
  std::string name, sql, wrong_kind;
  std::vector<std::pair<std::string, std::string>> sql_for;
  LookupRow row;
};

// Rows are added, never changed or removed, so a row found stays valid; `any` spares
// the lock to every lookup of a process that registers none. (Made on first use, so
// that a lookup may be registered from a static initializer.)
struct Registry {
  std::shared_mutex mutex;
  std::vector<std::unique_ptr<Registered>> rows;
  std::atomic<bool> any{false};

  const LookupRow* find_locked(std::string_view name) const {
    for (const auto& r : rows) {
      if (r->name == name) return &r->row;
    }
    return nullptr;
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

const LookupRow* find_registered(std::string_view name) {
  Registry& reg = registry();
  if (!reg.any.load(std::memory_order_acquire)) return nullptr;
  std::shared_lock lock(reg.mutex);
  return reg.find_locked(name);
}

const LookupRow* find_lookup_builtin(std::string_view name) {
  for (const LookupRow& row : kLookups) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

[[noreturn]] void refuse(std::string_view name, const std::string& why) {
  throw ValueError("'" + std::string(name) + "' cannot be registered as a lookup: " + why);
}

void check_name(std::string_view name) {
  const bool word = !name.empty() && name.size() <= 63 && name.front() >= 'a' &&
                    name.front() <= 'z' && name.back() != '_' &&
                    name.find("__") == std::string_view::npos &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                    });
  if (!word) {
    refuse(name,
           "a lookup name is ASCII lower-case letters, digits and single '_' between them "
           "(at most 63, starting with a letter), so that it cannot be read as part of a path");
  }
  if (find_transform(name)) refuse(name, "there is a transform of that name already");
}

[[noreturn]] void taken(std::string_view name) {
  refuse(name, "there is a lookup of that name already");
}

// A template over {lhs} and {rhs}, each at least once, nothing else in braces, and no
// marker of its own: the value's marker is the only one.
void check_template(std::string_view name, std::string_view sql) {
  bool lhs = false, rhs = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if ((c == '{' || c == '}') && i + 1 < sql.size() && sql[i + 1] == c) {
      ++i;
      continue;
    }
    if (c == '}') refuse(name, "its template has an unmatched '}'");
    if (c == '?' || c == '\0') {
      refuse(name, "its template holds a '?' or a NUL byte: the value's marker is {rhs}");
    }
    if (c != '{') continue;
    const std::size_t close = sql.find('}', i);
    if (close == std::string_view::npos) refuse(name, "its template has an unclosed '{'");
    const std::string_view slot = sql.substr(i + 1, close - i - 1);
    if (slot == "lhs") {
      lhs = true;
    } else if (slot == "rhs") {
      rhs = true;
    } else {
      refuse(name, "its template has a slot {" + std::string(slot) +
                       "}: a lookup's slots are {lhs} and {rhs}");
    }
    i = close;
  }
  if (!lhs || !rhs) refuse(name, "its template must hold both {lhs} and {rhs}");
}

}  // namespace

std::string_view LookupRow::sql_on(std::string_view engine) const {
  for (const auto& [name, text] : sql_for) {
    if (name == engine) return text;
  }
  return sql;
}

const LookupRow* find_lookup(std::string_view name) {
  if (const LookupRow* row = find_lookup_builtin(name)) return row;
  return find_registered(name);
}

std::span<const LookupRow> builtin_lookups() {
  return kLookups;
}

const TransformRow* find_transform(std::string_view name) {
  for (const TransformRow& row : kTransforms) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

std::span<const TransformRow> transforms() {
  return kTransforms;
}

}  // namespace quarry::detail

namespace quarry {

void register_lookup(CustomLookup lookup) {
  using namespace detail;
  auto r = std::make_unique<Registered>();
  r->name = std::move(lookup.name);
  r->sql = std::move(lookup.sql);
  r->sql_for = std::move(lookup.sql_for);
  check_template(r->name, r->sql);
  for (const auto& [engine, sql] : r->sql_for) check_template(r->name, sql);
  KindMask kinds = 0;
  for (FieldKind k : lookup.applies_to) {
    kinds |= kind_bit(k);
    r->wrong_kind += (r->wrong_kind.empty() ? "'" + r->name + "' applies to " : ", ") +
                     std::string(kind_name(k));
  }
  check_name(r->name);
  Registry& reg = registry();
  std::unique_lock lock(reg.mutex);
  // Under the lock: two threads cannot both register one name.
  if (find_lookup_builtin(r->name) || reg.find_locked(r->name)) taken(r->name);
  r->row = LookupRow{.name = r->name,
                     .sql = r->sql,
                     .kinds = kinds,
                     .wrong_kind = r->wrong_kind,
                     .sql_for = r->sql_for};
  reg.rows.push_back(std::move(r));
  reg.any.store(true, std::memory_order_release);
}

}  // namespace quarry
