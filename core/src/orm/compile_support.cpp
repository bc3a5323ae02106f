// What every clause of the compiler shares: the writer's values, the preparation of a
// value for the column it meets (prepared, check_text), the families of kinds that may
// be compared, templates' slots, LIMIT, and each model's quoted columns.
#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "orm/sql_compiler.hpp"
#include "orm/table_set.hpp"
#include "values/text_check.hpp"

namespace quarry::detail {

std::optional<FieldKind> kind_of_value(const Value& v) {
  switch (v.type()) {
    case ValueType::Null:
      return std::nullopt;
    case ValueType::Bool:
      return FieldKind::Boolean;
    case ValueType::Int:
      return FieldKind::BigInteger;
    case ValueType::Double:
      return FieldKind::Float;
    case ValueType::Decimal:
      return FieldKind::Decimal;
    case ValueType::Text:
      return FieldKind::Text;
    case ValueType::Bytes:
      return FieldKind::Binary;
    case ValueType::Date:
      return FieldKind::Date;
    case ValueType::Time:
      return FieldKind::Time;
    case ValueType::DateTime:
      return FieldKind::DateTime;
    case ValueType::Json:
      return FieldKind::Json;
    case ValueType::Uuid:
      return FieldKind::Uuid;
  }
  return std::nullopt;
}

bool is_integer(std::optional<FieldKind> k) {
  return k == FieldKind::Auto || k == FieldKind::BigAuto || k == FieldKind::SmallInteger ||
         k == FieldKind::Integer || k == FieldKind::BigInteger;
}

namespace {

// The family a kind belongs to, for the checks the server would otherwise make with an
// error of its own (a SUM of text, a number compared with text); null where quarry does
// not judge (booleans, JSON, UUIDs, bytes, an unknown kind).
const char* family(std::optional<FieldKind> k) {
  if (!k) return nullptr;
  if (is_integer(k) || k == FieldKind::Float || k == FieldKind::Decimal) return "number";
  if (k == FieldKind::Char || k == FieldKind::Text) return "text";
  if (k == FieldKind::Date || k == FieldKind::Time || k == FieldKind::DateTime) {
    return "date or time";
  }
  return nullptr;
}

}  // namespace

void same_family(std::optional<FieldKind> a, std::optional<FieldKind> b, std::string_view what) {
  const char* fa = family(a);
  const char* fb = family(b);
  if (fa && fb && std::string_view(fa) != fb) {
    throw FieldError(std::string(what) + " mixes a " + fa + " with a " + fb +
                     ": give one side the other's type with Cast()");
  }
}

bool simple(const Query& q) {
  // A locking query counts its rows through a subquery, which holds the lock.
  return !q.distinct && !q.sliced() && !q.has_aggregate_annotation() &&
         !q.has_window_annotation() && q.combinator == Combinator::None && q.ctes.empty() &&
         !q.for_update;
}

[[noreturn]] void not_supported(const Dialect& d, const std::string& what) {
  throw NotSupportedError(what + " not supported by " + d.engine_name() + " " + d.server_version());
}

[[noreturn]] void unknown_slot(std::string_view name) {
  throw ProgrammingError("template slot {" + std::string(name) +
                         "} is not one this template takes");
}

void write_limit(SqlWriter& w, std::optional<int64_t> low_, std::optional<int64_t> high,
                 const Query* of) {
  if (!low_ && !high) return;
  const int64_t low = low_.value_or(0);
  const char* key = high && low > 0 ? "limit_offset" : (high ? "limit" : "offset");
  w.add(' ');
  render(w, w.dialect().text(key), [&](std::string_view slot) {
    if (slot == "limit") {
      w.value(Value(*high - low), {of ? &of->high : nullptr, {}});
    } else if (slot == "offset") {
      w.value(Value(low), {of ? &of->low : nullptr, {}});
    } else {
      unknown_slot(slot);
    }
  });
}

const QuotedModel& quoted_model(const Dialect& d, const ModelMeta& m) {
  using Key = std::pair<uint64_t, const ModelMeta*>;
  thread_local Key last_key{0, nullptr};
  thread_local const QuotedModel* last = nullptr;
  const Key key{d.id(), &m};
  if (last && last_key == key) return *last;
  static std::shared_mutex mutex;
  static std::map<Key, std::unique_ptr<QuotedModel>> cache;  // entries are never removed
  {
    std::shared_lock lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) {
      last_key = key;
      return *(last = it->second.get());
    }
  }
  auto q = std::make_unique<QuotedModel>();
  d.append_quoted(q->table, m.table());
  for (const auto& f : m.fields()) {
    std::string col = q->table + ".";
    d.append_quoted(col, f->column());
    if (!q->all_columns.empty()) q->all_columns += ", ";
    q->all_columns += col;
    q->columns.push_back(std::move(col));
  }
  std::unique_lock lock(mutex);
  auto& slot = cache[key];
  if (!slot) slot = std::move(q);
  last_key = key;
  return *(last = slot.get());
}

// Converts a literal to the kind it is compared with or stored in (100 -> Decimal for
// a DecimalField, "2024-05-01" -> Date), naming the lookup when it cannot.
Value prepared(const Value& v, std::optional<FieldKind> kind, std::string_view what,
               const Dialect& d) {
  if (!kind || v.is_null() || v.type() == value_type(*kind)) {
    if (const auto* text = v.get_if<std::string>()) check_text(d, *text, what, "text_holds_nul");
    return v;
  }
  try {
    Value out = v.convert_to(value_type(*kind));
    if (const auto* text = out.get_if<std::string>()) check_text(d, *text, what, "text_holds_nul");
    return out;
  } catch (const ValueError& e) {
    throw ValueError(std::string(what) + ": " + e.message());
  }
}

void check_text(const Dialect& d, std::string_view text, std::string_view what,
                const char* nul_flag) {
  const TextScan scan = scan_text(text);
  const bool nul_refused = scan.nul_at != TextScan::npos && !d.features().has(nul_flag);
  const std::string holder =
      nul_refused
          ? d.engine_name() +
                (std::string_view(nul_flag) == "text_holds_nul" ? " text" : " LIKE patterns")
          : std::string();
  const std::string problem = text_problem(scan, holder);
  if (!problem.empty()) throw DataError(std::string(what) + ": the text value has " + problem);
}

Compiled done(SqlWriter& w, Compiled c) {
  c.sql = std::move(w.sql);
  c.params = std::move(w.params);
  c.tables = std::move(w.tables);
  return c;
}

void SqlWriter::note_table(std::string_view name) {
  add_table(tables, name);
}

void SqlWriter::value(Value v, ParamOrigin origin) {
  if (v.is_null()) {
    sql += "NULL";
    return;
  }
  if (inline_) {
    d_.append_literal(sql, v);
    return;
  }
  param(std::move(v), origin);
}

}  // namespace quarry::detail
