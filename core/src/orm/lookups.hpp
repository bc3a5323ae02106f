// The one registry of lookups (the last part of "name__icontains") and transforms (the
// parts before it: "created_at__year"). One row says everything about one of them: its
// name, the dialect key of its SQL template and that key's default, how its value is
// prepared, which field kinds it applies to, and its compile function where it is
// special (in, range, isnull). The query builder (orm/query.cpp) splits lookup paths
// with it, the compiler (orm/compile_lookup.cpp) writes lookups from it, and
// Dialect::pattern_value() reads it. Each row names its dialect keys; their default
// templates are declared, with every other key, in quarry/plugin/dialect_keys.h.
//
// The application adds rows through quarry/lookups.hpp (register_lookup); this header
// is internal to the core.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "quarry/fields.hpp"

namespace quarry::detail {

class Compiler;
struct LookupCall;

// The field kinds a row applies to, one bit per FieldKind; 0: every kind.
using KindMask = uint32_t;
constexpr KindMask kind_bit(FieldKind k) {
  return KindMask{1} << static_cast<unsigned>(k);
}
constexpr KindMask kTextKinds = kind_bit(FieldKind::Char) | kind_bit(FieldKind::Text);
constexpr KindMask kDateKinds = kind_bit(FieldKind::Date) | kind_bit(FieldKind::DateTime);
constexpr KindMask kTimeKinds = kind_bit(FieldKind::Time) | kind_bit(FieldKind::DateTime);

// What a lookup's value becomes before it is bound.
enum class LookupValue : uint8_t {
  Compared,          // converted to the column's kind (exact, gt, every registered lookup)
  Pattern,           // text made a pattern as the dialect's KEY.pattern says (contains)
  PatternUnlessRaw,  // a pattern, or compared as exact is where KEY.pattern is raw (iexact)
  Text,              // text, bound as given (regex, iregex)
  Own,               // prepared by the row's compile function (in, range, isnull)
};

// The wildcards a pattern lookup puts around its value.
enum class Wildcards : uint8_t { None, Before, After, Both };

struct LookupRow {
  std::string_view name = {};         // "icontains"
  std::string_view key = {};          // its template's dialect key, "lookup.icontains"; "" for
                                      // a special or registered one
  std::string_view sql = {};          // a registered lookup's template (a built-in one's is
                                      // its key's, declared in quarry/plugin/dialect_keys.h)
  std::string_view pattern_key = {};  // "lookup.icontains.pattern", for pattern lookups
  LookupValue value = LookupValue::Compared;
  Wildcards wildcards = Wildcards::None;
  KindMask kinds = 0;                // the kinds of column (after transforms) it applies to
  std::string_view wrong_kind = {};  // why a column of another kind is refused
  // The feature flag a backend needs for it ("" for none), and what it is, for the
  // NotSupportedError where the flag is off.
  std::string_view feature = {};
  std::string_view feature_what = {};
  // Its own SQL, where the template cannot say it; null: the template.
  void (Compiler::*compile)(const LookupCall&) = nullptr;
  // A registered lookup's templates for some engines (engine name, template).
  std::span<const std::pair<std::string, std::string>> sql_for = {};

  bool applies_to(FieldKind k) const { return kinds == 0 || (kinds & kind_bit(k)) != 0; }
  // The template a registered lookup writes on an engine.
  std::string_view sql_on(std::string_view engine) const;
};

struct TransformRow {
  std::string_view name;  // "year"
  std::string_view key;   // its template's dialect key, "transform.year"
  KindMask kinds;         // the kinds it applies to
  FieldKind gives;        // the kind it reads: Integer, or Date for "date"
};

// The lookup of that name, built in or registered; null when there is none. Safe to call
// from any thread, also while a lookup is being registered.
const LookupRow* find_lookup(std::string_view name);
// The built-in lookups, whose templates are dialect keys.
std::span<const LookupRow> builtin_lookups();

// The transform of that name; null when there is none.
const TransformRow* find_transform(std::string_view name);
std::span<const TransformRow> transforms();

}  // namespace quarry::detail
