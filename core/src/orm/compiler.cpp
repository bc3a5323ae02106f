#include "orm/compiler.hpp"
#include "orm/relation_paths.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "quarry/errors.hpp"
#include "values/text_check.hpp"

namespace quarry::detail {
namespace {

bool is_pattern(std::string_view lookup) {
  return lookup == "iexact" || lookup.ends_with("contains") || lookup.ends_with("startswith") ||
         lookup.ends_with("endswith");
}

// "lookup.NAME" and "transform.NAME" without building a string each time.
std::string_view lookup_key(std::string_view l) {
  static constexpr std::string_view kKeys[] = {
      "lookup.exact",      "lookup.iexact",      "lookup.contains", "lookup.icontains",
      "lookup.startswith", "lookup.istartswith", "lookup.endswith", "lookup.iendswith",
      "lookup.gt",         "lookup.gte",         "lookup.lt",       "lookup.lte",
      "lookup.regex",      "lookup.iregex"};
  for (std::string_view k : kKeys) {
    if (k.substr(7) == l) return k;
  }
  throw ProgrammingError("no template for lookup '" + std::string(l) + "'");
}

std::string_view transform_key(std::string_view t) {
  static constexpr std::string_view kKeys[] = {
      "transform.year",    "transform.month",  "transform.day",      "transform.week_day",
      "transform.hour",    "transform.minute", "transform.second",   "transform.date",
      "transform.quarter", "transform.week",   "transform.iso_year", "transform.iso_week_day"};
  for (std::string_view k : kKeys) {
    if (k.substr(10) == t) return k;
  }
  throw ProgrammingError("no template for transform '" + std::string(t) + "'");
}

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

// Refuses, before any SQL is sent, an expression whose two sides no backend can relate:
// FieldError naming `what`.
void same_family(std::optional<FieldKind> a, std::optional<FieldKind> b, std::string_view what) {
  const char* fa = family(a);
  const char* fb = family(b);
  if (fa && fb && std::string_view(fa) != fb) {
    throw FieldError(std::string(what) + " mixes a " + fa + " with a " + fb +
                     ": give one side the other's type with Cast()");
  }
}

// The kind of a + b: decimals win over floats over integers, as in Django.
std::optional<FieldKind> promote(std::optional<FieldKind> a, std::optional<FieldKind> b) {
  if (a == FieldKind::Decimal || b == FieldKind::Decimal) return FieldKind::Decimal;
  if (a == FieldKind::Float || b == FieldKind::Float) return FieldKind::Float;
  if (is_integer(a) && is_integer(b)) return FieldKind::BigInteger;
  return a ? a : b;
}

// Writes a template, calling slot(name) to write each {slot} where it stands. SQL and
// parameters are written in textual order, so a template may put {rhs} before {lhs} or
// name a slot twice, and the parameters still line up with their markers.
template <class Slot>
void render(SqlWriter& w, std::string_view tmpl, Slot&& slot) {
  while (!tmpl.empty()) {
    const std::size_t brace = tmpl.find_first_of("{}");
    w.add(tmpl.substr(0, brace));
    if (brace == std::string_view::npos) return;
    const char c = tmpl[brace];
    if (brace + 1 < tmpl.size() && tmpl[brace + 1] == c) {  // {{ or }}
      w.add(c);
      tmpl.remove_prefix(brace + 2);
      continue;
    }
    if (c == '}') throw ProgrammingError("unmatched '}' in template");
    const std::size_t close = tmpl.find('}', brace);
    if (close == std::string_view::npos) throw ProgrammingError("unclosed '{' in template");
    slot(tmpl.substr(brace + 1, close - brace - 1));
    tmpl.remove_prefix(close + 1);
  }
}

// A query whose rows a plain "FROM ... WHERE" names (COUNT(*), EXISTS need no subquery).
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

// " LIMIT ... OFFSET ..." for the rows [low, high), in the dialect's words.
// A query's own slice notes where its numbers come from (`of`: its `low` and `high`).
void write_limit(SqlWriter& w, std::optional<int64_t> low_, std::optional<int64_t> high,
                 const Query* of = nullptr) {
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

// A model's table and columns quoted for one dialect, made once: the SELECT list of
// every query on the model starts from these.
struct QuotedModel {
  std::string table;                 // "student"
  std::vector<std::string> columns;  // "student"."id", per field index
  std::string all_columns;           // "student"."id", "student"."name", ...
};

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

}  // namespace

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

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The first hop of a path that reaches many rows, or kNone.
std::size_t first_multi(const Resolved& r) {
  for (std::size_t k = 0; k < r.hop_count; ++k) {
    if (is_multi(r.hop_list[k])) return k;
  }
  return kNone;
}

// Whether two paths cross the same relations up to and including hop `at`.
bool same_prefix(const Resolved& a, const Resolved& b, std::size_t at) {
  if (first_multi(b) != at) return false;
  for (std::size_t k = 0; k <= at; ++k) {
    if (a.hop_list[k].via != b.hop_list[k].via || a.hop_list[k].reverse != b.hop_list[k].reverse) {
      return false;
    }
  }
  return true;
}

}  // namespace

Compiler::Compiler(const Query& q, SqlWriter& w, std::string table)
    : q_(q), w_(w), d_(w.dialect()), table_(std::move(table)) {}

// ---- references and expressions ---------------------------------------------------

void Compiler::column(const Field& f) {
  if (!table_.empty() && table_ == q_.model->table() && &f.model() == q_.model) {
    w_.add(quoted_model(d_, *q_.model).columns[f.index()]);
    return;
  }
  if (!table_.empty()) {
    w_.quoted(table_);
    w_.add('.');
  }
  w_.quoted(f.column());
}

std::optional<FieldKind> Compiler::reference(const Resolved& r) {
  return reference(r, r.transform_count);
}

// The path with its first n transforms applied: each transform's template wraps the
// reference under it.
std::optional<FieldKind> Compiler::reference(const Resolved& r, std::size_t n) {
  if (n == 0) {
    if (r.field && r.hop_count > 0) {
      w_.quoted(join(r.hops()));
      w_.add('.');
      w_.quoted(r.field->column());
      return r.field->data_kind();
    }
    if (r.field) {
      column(*r.field);
      return r.field->data_kind();
    }
    if (annotations_as_columns_) {
      w_.quoted(table_);
      w_.add('.');
      w_.quoted(r.name);
      const auto it = annotation_kinds_.find(std::string(r.name));
      return it != annotation_kinds_.end() ? it->second : std::nullopt;
    }
    // The annotation reads what it read where it was made, wherever it is used.
    const int was = event_;
    event_ = annotation_event(r.name);
    const auto k = expr(r.annotation->node());
    event_ = was;
    return k;
  }
  std::optional<FieldKind> inner;
  render(w_, d_.text(transform_key(r.transform_list[n - 1])), [&](std::string_view slot) {
    if (slot != "lhs") unknown_slot(slot);
    inner = reference(r, n - 1);
  });
  return r.transform_list[n - 1] == "date" ? FieldKind::Date : FieldKind::Integer;
}

std::optional<FieldKind> Compiler::kind_of(const Resolved& r) {
  if (r.field) return transformed_kind(r.field->data_kind(), r.transforms());
  const int was = event_;
  event_ = annotation_event(r.name);  // its joins are the annotation's
  const std::optional<FieldKind> base = kind_of(r.annotation->node());
  event_ = was;
  return transformed_kind(base, r.transforms());
}

std::optional<FieldKind> Compiler::kind_of(const ExprNode& e) {
  // An expression's kind is known once it is compiled: compile it where it stands and
  // take the text and parameters back out. (An OuterRef in it writes through the query
  // around, into the same writer, so a writer of its own would not do.) Joins it needs
  // stay registered; the expression is about to be written for real and needs them.
  const std::size_t text = w_.sql.size(), params = w_.params.size();
  const auto kind = expr(e);
  w_.truncate(text, params);
  return kind;
}

std::optional<FieldKind> Compiler::expr(const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::Literal:
      literal(e.value);
      return kind_of_value(e.value);
    case ExprNode::Kind::List:
      throw ProgrammingError("a list of values can only be the right side of an 'in' lookup");
    case ExprNode::Kind::Field:
      return reference(resolve_ref(q_, e.path));
    case ExprNode::Kind::Binary: {
      w_.add('(');
      const auto a = expr(*e.args[0]);
      w_.add(' ');
      w_.add(e.op);
      w_.add(' ');
      const auto b = expr(*e.args[1]);
      w_.add(')');
      return promote(a, b);
    }
    case ExprNode::Kind::Negate: {
      w_.add("-(");
      const auto k = expr(*e.args[0]);
      w_.add(')');
      return k;
    }
    case ExprNode::Kind::Case: {
      const std::optional<FieldKind> out = e.output ? std::optional(e.output->kind) : std::nullopt;
      std::optional<FieldKind> seen;
      auto branch = [&](const ExprNode& v) {
        if (out && v.kind == ExprNode::Kind::Literal) {
          literal(prepared(v.value, out, "Case", d_));
        } else {
          const auto k = expr(v);
          if (!seen) seen = k;
        }
      };
      w_.add("CASE");
      for (const auto& [cond, then] : e.whens) {
        w_.add(" WHEN ");
        const bool was = in_expression_;
        in_expression_ = true;
        condition(*cond);
        in_expression_ = was;
        w_.add(" THEN ");
        branch(*then);
      }
      w_.add(" ELSE ");
      branch(*e.args[0]);
      w_.add(" END");
      return out ? out : seen;
    }
    case ExprNode::Kind::Aggregate:
      return aggregate(e);
    case ExprNode::Kind::Func:
      return function(e);
    case ExprNode::Kind::Wrapper:
      expr(*e.args[0]);
      return e.output->kind;
    case ExprNode::Kind::Subquery: {
      w_.add('(');
      Compiled inner;
      subquery(*e.query).select(inner);
      w_.add(')');
      if (inner.fields.size() + inner.extras.size() != 1) {
        throw ProgrammingError("a subquery used as a value must select one column: values({name})");
      }
      if (inner.fields.size() == 1) return inner.fields[0]->data_kind();
      return inner.extras[0].kind;
    }
    case ExprNode::Kind::Exists: {
      Compiler inner = subquery(*e.query);
      if (!simple(*e.query)) {
        // Grouped, sliced, combined or with CTEs: the whole query decides which rows exist.
        w_.add("EXISTS (");
        Compiled ignored;
        inner.select(ignored, e.query->sliced());
        w_.add(')');
        return FieldKind::Boolean;
      }
      w_.add("EXISTS (SELECT 1 AS ");
      w_.quoted("a");
      inner.from_where();
      write_limit(w_, std::nullopt, 1);
      w_.add(')');
      return FieldKind::Boolean;
    }
    case ExprNode::Kind::OuterRef:
      return enclosing().expr(*e.args[0]);
    case ExprNode::Kind::Not:
      w_.add("NOT (");
      expr(*e.args[0]);
      w_.add(')');
      return FieldKind::Boolean;
    case ExprNode::Kind::Window:
      return window(e);
    case ExprNode::Kind::CteColumn: {
      const CteNode& cte = find_cte(e.func);
      const Field& f = cte_column_field(cte, e.path);
      w_.quoted(cte.name);
      w_.add('.');
      w_.quoted(f.column());  // "pk" is the first column's own name
      return f.data_kind();
    }
  }
  return std::nullopt;
}

const CteNode& Compiler::find_cte(std::string_view name) const {
  for (const Compiler* c = this; c; c = c->outer_ ? c->outer_ : c->enclosing_) {
    for (const auto& n : c->q_.ctes) {
      if (n->name == name) return *n;
    }
    if (c->cte_scope_) {
      for (const auto& n : *c->cte_scope_) {
        if (n->name == name) return *n;
      }
    }
  }
  throw ProgrammingError("the CTE '" + std::string(name) +
                         "' is not part of this query: select from it (cte.queryset()) or join "
                         "it (cte.join(...))");
}

Compiler Compiler::sibling(const Query& q) const {
  Compiler c(q, w_, q.model->table());
  c.enclosing_ = enclosing_;
  c.cte_scope_ = cte_scope_;
  c.depth_ = depth_;
  return c;
}

void Compiler::with_clause(const std::vector<std::shared_ptr<const CteNode>>& ctes) {
  const bool recursive =
      std::any_of(ctes.begin(), ctes.end(), [](const auto& n) { return n->recursive; });
  if (recursive && !d_.features().has("supports_recursive_cte")) {
    not_supported(d_, "recursive CTEs are");
  }
  if (!d_.features().has("supports_cte")) not_supported(d_, "CTEs (WITH) are");
  w_.add(recursive ? "WITH RECURSIVE " : "WITH ");
  for (std::size_t i = 0; i < ctes.size(); ++i) {
    const CteNode& cte = *ctes[i];
    if (i) w_.add(", ");
    w_.quoted(cte.name);
    w_.add(" (");
    for (std::size_t k = 0; k < cte.columns->fields().size(); ++k) {
      if (k) w_.add(", ");
      w_.quoted(cte.columns->fields()[k]->name());
    }
    w_.add(") AS (");
    const Query& body = *cte.query;
    Compiler inner = sibling(body);
    inner.cte_scope_ = &ctes;
    inner.bare_compound_ = true;
    Compiled ignored;
    inner.select(ignored);  // ordered only where it says so, or a slice picks by Meta.ordering
    w_.add(')');
  }
  w_.add(' ');
}

Compiler Compiler::subquery(const Query& sub) {
  Compiler inner(sub, w_, "U" + std::to_string(depth_));
  inner.enclosing_ = this;
  inner.depth_ = depth_ + 1;
  return inner;
}

Compiler& Compiler::enclosing() {
  Compiler* c = this;
  while (c->outer_) c = c->outer_;  // a relation's EXISTS is part of the same query
  if (!c->enclosing_) {
    throw ProgrammingError(
        "OuterRef() is only valid inside a Subquery() or Exists() used in another query");
  }
  return *c->enclosing_;
}

std::optional<FieldKind> Compiler::aggregate(const ExprNode& e) {
  // filter= is about the rows aggregated, through the aggregate's own joins: Django's
  // "Filtering on annotations" (COUNT(...) FILTER (WHERE orders.amount >= 500)).
  const bool was = in_expression_;
  in_expression_ = true;
  const auto k = aggregate_call(e);
  in_expression_ = was;
  return k;
}

std::optional<FieldKind> Compiler::aggregate_call(const ExprNode& e) {
  w_.add(e.func);
  w_.add('(');
  if (e.distinct) w_.add("DISTINCT ");
  const bool filter_clause = e.filter && d_.features().has("supports_aggregate_filter_clause");
  std::optional<FieldKind> arg_kind;
  if (e.filter && !filter_clause) {
    // COUNT(CASE WHEN cond THEN x ELSE NULL END) where FILTER (WHERE) is missing.
    w_.add("CASE WHEN ");
    condition(*e.filter);
    w_.add(" THEN ");
    if (e.star) {
      w_.add('1');
    } else {
      arg_kind = expr(*e.args[0]);
    }
    w_.add(" ELSE NULL END");
  } else if (e.star) {
    w_.add('*');
  } else {
    arg_kind = expr(*e.args[0]);
  }
  w_.add(')');
  if (filter_clause) {
    w_.add(" FILTER (WHERE ");
    condition(*e.filter);
    w_.add(')');
  }
  if (e.func == "COUNT") return FieldKind::BigInteger;
  if (e.func != "MIN" && e.func != "MAX") same_family(FieldKind::Float, arg_kind, e.func);
  if (e.func == "AVG")
    return arg_kind == FieldKind::Decimal ? FieldKind::Decimal : FieldKind::Float;
  if (e.func.starts_with("STDDEV") || e.func.starts_with("VAR")) return FieldKind::Float;
  if (e.func == "SUM" && is_integer(arg_kind)) return FieldKind::BigInteger;
  return arg_kind;
}

std::optional<FieldKind> Compiler::function(const ExprNode& e) {
  if (e.func == "Concat") {
    concat(e, 0);  // pairwise from the left: CONCAT(a, CONCAT(b, c)), as Django's ConcatPair
    return FieldKind::Text;
  }
  if (e.func == "Extract" || e.func == "Trunc") return date_part(e);
  if (e.window_only && !in_window_) {
    throw ProgrammingError(e.func + " is a window function: use it inside Window()");
  }
  std::optional<FieldKind> first;
  const std::string key = "func." + e.func;
  const std::string_view tmpl = d_.text(key);
  if (tmpl.empty()) {
    not_supported(d_, e.func + " is");
  }
  render(w_, tmpl, [&](std::string_view slot) {
    if (slot == "args") {
      const bool same_kind = e.func == "Coalesce" || e.func == "Greatest" || e.func == "Least";
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i) w_.add(", ");
        const auto k = expr(*e.args[i]);
        if (i == 0) first = k;
        if (same_kind) same_family(first, k, e.func);
      }
    } else if (slot == "arg" && !e.args.empty()) {
      first = expr(*e.args[0]);
    } else if (slot == "default" && e.args.size() > 1) {
      expr(*e.args[1]);
    } else if ((slot == "n" || slot == "pos" || slot == "places" || slot == "offset") &&
               !e.ints.empty()) {
      int_arg(e.ints[0]);
    } else if (slot == "length" && e.ints.size() > 1) {
      int_arg(e.ints[1]);
    } else if (slot == "type" && e.cast) {
      const FieldSpec& to = *e.cast;
      const std::string kind(kind_name(to.kind()));
      std::string_view tmpl = d_.text("cast." + kind);
      if (tmpl.empty()) tmpl = d_.text("type." + kind);
      w_.add(Dialect::render_text(tmpl, {{"max_length", std::to_string(to.max_length())},
                                         {"max_digits", std::to_string(to.max_digits())},
                                         {"decimal_places", std::to_string(to.decimal_places())}}));
    } else {
      unknown_slot(slot);
    }
  });
  if (e.output) return e.output->kind;
  if (e.func == "Lower" || e.func == "Upper" || e.func.starts_with("Substr")) {
    return FieldKind::Text;
  }
  if (e.func == "Length") return FieldKind::Integer;
  if (e.func == "Now") return FieldKind::DateTime;
  if (e.func == "Random" || e.func == "PercentRank" || e.func == "CumeDist") {
    return FieldKind::Float;
  }
  if (e.func == "Rank" || e.func == "DenseRank" || e.func == "RowNumber" || e.func == "Ntile") {
    return FieldKind::BigInteger;
  }
  return first;
}

void Compiler::int_arg(int64_t n) {
  render(w_, d_.text("int_arg"), [&](std::string_view slot) {
    if (slot == "value") {
      w_.value(Value(n));
    } else if (slot == "literal") {
      w_.add(std::to_string(n));  // a C++ integer: digits, nothing else
    } else {
      unknown_slot(slot);
    }
  });
}

void Compiler::literal(const Value& v) {
  if (v.type() != ValueType::Decimal) {
    w_.value(v);
    return;
  }
  decimal_value(v, {});
}

// A decimal compared with something: SQLite binds decimals as text, which an
// aggregate, an annotation or any other expression (no column affinity) compares as
// text, so never equal to or greater than a number; through the dialect's decimal_value
// (CAST(? AS NUMERIC)) the numbers are compared, as Django's SQLite backend does. DDL
// writes literals, compared with columns only.
void Compiler::compared_value(const Value& v, ParamOrigin origin) {
  if (v.type() != ValueType::Decimal || w_.inline_literals()) {
    w_.value(v, origin);
    return;
  }
  decimal_value(v, origin);
}

void Compiler::decimal_value(const Value& v, ParamOrigin origin) {
  render(w_, d_.text("decimal_value"), [&](std::string_view slot) {
    if (slot != "value") unknown_slot(slot);
    w_.value(v, origin);
  });
}

// Extract(x, part) is the lookup transform of that name; Trunc(x, part) the backend's
// truncation, which gives a datetime: a date's is made a date again.
std::optional<FieldKind> Compiler::date_part(const ExprNode& e) {
  const std::optional<FieldKind> in = kind_of(*e.args[0]);
  const std::string_view part = e.part;
  const bool time_part = is_time_part(part);
  const char* what = e.func == "Extract" ? "extract" : "truncate";
  if (in && *in != FieldKind::DateTime && *in != FieldKind::Date &&
      !(*in == FieldKind::Time && time_part && e.func == "Extract")) {
    throw ValueError(std::string("Cannot ") + what + " '" + std::string(part) + "' from a " +
                     std::string(kind_name(*in)));
  }
  if (in == FieldKind::Date && time_part) {
    throw ValueError(std::string("Cannot ") + what + " the time part '" + std::string(part) +
                     "' from a DateField");
  }
  const std::string key = (e.func == "Extract" ? "transform." : "trunc.") + std::string(part);
  auto write = [&] {
    render(w_, d_.text(key), [&](std::string_view slot) {
      if (slot != "lhs") unknown_slot(slot);
      expr(*e.args[0]);
    });
  };
  if (e.func == "Extract") {
    write();
    return FieldKind::Integer;
  }
  if (in != FieldKind::Date) {
    write();
    return FieldKind::DateTime;
  }
  render(w_, d_.text("transform.date"), [&](std::string_view slot) {
    if (slot != "lhs") unknown_slot(slot);
    write();
  });
  return FieldKind::Date;
}

std::optional<FieldKind> Compiler::window(const ExprNode& e) {
  if (!d_.features().has("supports_over_clause")) {
    not_supported(d_, "window functions (OVER) are");
  }
  const WindowNode& win = *e.window;
  const bool was = in_window_;
  in_window_ = true;
  const auto k = expr(*e.args[0]);
  in_window_ = was;
  w_.add(" OVER (");
  bool space = false;
  if (!win.partition_by.empty()) {
    w_.add("PARTITION BY ");
    for (std::size_t i = 0; i < win.partition_by.size(); ++i) {
      if (i) w_.add(", ");
      expr(*win.partition_by[i]);
    }
    space = true;
  }
  if (!win.order_by.empty()) {
    w_.add(space ? " ORDER BY " : "ORDER BY ");
    for (std::size_t i = 0; i < win.order_by.size(); ++i) {
      if (i) w_.add(", ");
      order_item(win.order_by[i], false, /*by_alias=*/false);  // no alias is known in OVER
    }
    space = true;
  }
  if (win.frame) {
    const Frame& f = *win.frame;
    const bool fixed = (f.start && *f.start != 0) || (f.end && *f.end != 0);
    if (!f.rows && fixed && !d_.features().has("supports_frame_range_fixed_distance")) {
      not_supported(d_, "RANGE frames with a fixed distance are");
    }
    w_.add(space ? (f.rows ? " ROWS BETWEEN " : " RANGE BETWEEN ")
                 : (f.rows ? "ROWS BETWEEN " : "RANGE BETWEEN "));
    frame_bound(f.start, true);
    w_.add(" AND ");
    frame_bound(f.end, false);
  }
  w_.add(')');
  return k;
}

// Frame offsets are C++ integers, written as digits (no backend takes a parameter there).
void Compiler::frame_bound(std::optional<int64_t> n, bool start) {
  if (!n) {
    w_.add(start ? "UNBOUNDED PRECEDING" : "UNBOUNDED FOLLOWING");
  } else if (*n == 0) {
    w_.add("CURRENT ROW");
  } else {
    w_.add(std::to_string(*n < 0 ? -*n : *n));
    w_.add(*n < 0 ? " PRECEDING" : " FOLLOWING");
  }
}

void Compiler::concat(const ExprNode& e, std::size_t i) {
  render(w_, d_.text("func.ConcatPair"), [&](std::string_view slot) {
    if (slot == "a") {
      expr(*e.args[i]);
    } else if (slot == "b") {
      if (i + 2 == e.args.size()) {
        expr(*e.args[i + 1]);
      } else {
        concat(e, i + 1);
      }
    } else {
      unknown_slot(slot);
    }
  });
}

// ---- conditions -----------------------------------------------------------------

void Compiler::condition(const QNode& n) {
  if (n.negated) {
    negated_ = !negated_;
    w_.add("NOT (");
  }
  if (n.kind == QNode::Kind::Leaf && n.condition) {
    root().expr(*n.rhs);  // a boolean expression: Q(Exists(...))
  } else if (n.kind == QNode::Kind::Leaf) {
    Resolved r = resolve_lookup(q_, n.lookup);
    const std::size_t at = first_multi(r);
    if (at == kNone || !subquery_for_many()) {
      lookup(n, r, negated_);
    } else {
      exists({{&n, std::move(r)}}, at);
    }
  } else if (n.children.empty()) {
    w_.add(n.kind == QNode::Kind::And ? "1 = 1" : "1 = 0");
  } else {
    // In a negated AND, the conditions on the same relation to many rows are about the
    // same related row: one NOT EXISTS holds them all. (Django's exclude() does not
    // promise that; see docs/backends.md.)
    std::vector<std::vector<std::pair<const QNode*, Resolved>>> groups(n.children.size());
    std::vector<std::size_t> group_of(n.children.size(), kNone);
    if (n.kind == QNode::Kind::And && subquery_for_many()) {
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        const QNode& c = *n.children[i];
        if (c.kind != QNode::Kind::Leaf || c.negated || c.condition) continue;
        Resolved r = resolve_lookup(q_, c.lookup);
        const std::size_t at = first_multi(r);
        if (at == kNone) continue;
        std::size_t g = i;
        for (std::size_t j = 0; j < i; ++j) {
          if (group_of[j] == j && same_prefix(groups[j].front().second, r, at)) g = j;
        }
        group_of[i] = g;
        groups[g].emplace_back(&c, std::move(r));
      }
    }
    w_.add('(');
    bool first = true;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      if (group_of[i] != kNone && group_of[i] != i) continue;  // written with its group
      if (!first) w_.add(n.kind == QNode::Kind::And ? " AND " : " OR ");
      first = false;
      if (group_of[i] == i) {
        exists(groups[i], first_multi(groups[i].front().second));
      } else {
        condition(*n.children[i]);
      }
    }
    w_.add(')');
  }
  if (n.negated) {
    w_.add(')');
    negated_ = !negated_;
  }
}

void Compiler::write_rhs(const ExprNode& rhs, std::optional<FieldKind> lhs_kind,
                         std::string_view what) {
  if (rhs.kind == ExprNode::Kind::Literal) {
    compared_value(prepared(rhs.value, lhs_kind, what, d_), {&rhs, lhs_kind});
  } else {
    same_family(lhs_kind, root().expr(rhs), what);
  }
}

void Compiler::exists(const std::vector<std::pair<const QNode*, Resolved>>& leaves,
                      std::size_t at) {
  const Resolved& head = leaves.front().second;
  const Hop& hop = head.hops()[at];
  // The row the related rows belong to: this query's table, or a table it joins.
  const std::string outer = join(head.hops().first(at));
  Query sub(*hop.to);
  sub.alias = q_.alias;
  const std::string alias = "U" + std::to_string(depth_);
  Compiler inner(sub, w_, alias);
  inner.outer_ = this;
  inner.depth_ = depth_ + 1;
  // isnull on the relation itself asks whether there are related rows at all.
  bool any = false, none = false;
  if (leaves.size() == 1 && head.lookup == "isnull" && head.hop_count == at + 1 &&
      !head.field->null()) {
    const ExprNode& rhs = *leaves.front().first->rhs;
    (rhs.kind == ExprNode::Kind::Literal && rhs.value.as<bool>() ? none : any) = true;
  }
  w_.add(none ? "NOT EXISTS (SELECT 1 FROM " : "EXISTS (SELECT 1 FROM ");
  w_.quoted(hop.to->table());
  w_.add(' ');
  w_.quoted(alias);
  inner.joins_at_ = w_.sql.size();
  w_.add(" WHERE ");
  w_.quoted(alias);
  w_.add('.');
  w_.quoted(hop.via->column());
  w_.add(" = ");
  w_.quoted(outer);
  w_.add('.');
  w_.quoted(hop.via->target().pk().column());
  if (!any && !none) {
    for (const auto& [leaf, r] : leaves) {
      // The rest of the path, from the related rows on.
      Resolved rest = r;
      rest.hop_count = 0;
      for (std::size_t k = at + 1; k < r.hop_count; ++k)
        rest.hop_list[rest.hop_count++] = r.hop_list[k];
      w_.add(" AND ");
      const std::size_t next = first_multi(rest);
      if (next == kNone) {
        inner.lookup(*leaf, rest, false);
      } else {
        inner.exists({{leaf, rest}}, next);
      }
    }
  }
  w_.add(')');
  inner.insert_joins();
}

void Compiler::lookup(const QNode& leaf, const Resolved& r, bool negated) {
  const ExprNode& rhs = *leaf.rhs;
  const std::string_view l = r.lookup;
  const bool literal = rhs.kind == ExprNode::Kind::Literal;
  std::optional<FieldKind> kind;

  // exclude(x=1) keeps the rows where x is NULL, as in Django: NOT (x = 1 AND x IS NOT NULL).
  const bool guard_null =
      negated && r.field && r.field->null() && l != "isnull" && !(literal && rhs.value.is_null());
  if (guard_null) w_.add('(');

  if (l == "isnull" || (l == "exact" && literal && rhs.value.is_null())) {
    const bool is_null = l == "exact" || (literal && rhs.value.as<bool>());
    reference(r);
    w_.add(is_null ? " IS NULL" : " IS NOT NULL");
  } else if (l == "in") {
    if (rhs.kind == ExprNode::Kind::List && rhs.values.empty()) {
      w_.add("1 = 0");  // nothing is in an empty list
    } else {
      kind = reference(r);
      w_.add(" IN (");
      if (rhs.kind == ExprNode::Kind::List) {
        for (std::size_t i = 0; i < rhs.values.size(); ++i) {
          if (i) w_.add(", ");
          compared_value(prepared(rhs.values[i], kind, leaf.lookup, d_));
        }
      } else if (rhs.kind == ExprNode::Kind::Subquery) {
        Compiled ignored;
        root().subquery(*rhs.query).select(ignored);
      } else {
        throw ProgrammingError("'" + leaf.lookup + "' needs a list of values or a queryset");
      }
      w_.add(')');
    }
  } else if (l == "range") {
    if (rhs.kind != ExprNode::Kind::List || rhs.values.size() != 2) {
      throw ProgrammingError("'" + leaf.lookup + "' needs a list of two values: [low, high]");
    }
    kind = reference(r);
    w_.add(" BETWEEN ");
    compared_value(prepared(rhs.values[0], kind, leaf.lookup, d_));
    w_.add(" AND ");
    compared_value(prepared(rhs.values[1], kind, leaf.lookup, d_));
  } else {
    const std::string_view tmpl = d_.text(lookup_key(l));
    const bool pattern =
        is_pattern(l) && !(l == "iexact" && d_.text("lookup.iexact.pattern") == "raw");
    if (pattern && (!literal || rhs.value.type() != ValueType::Text)) {
      throw NotSupportedError("'" + leaf.lookup + "' takes text, not an expression");
    }
    const bool regex = l == "regex" || l == "iregex";
    if (regex && !d_.features().has("supports_regex")) {
      not_supported(d_, "'" + leaf.lookup + "' (regular expressions) is");
    }
    // The value is converted to the column's kind, which must be known before the value
    // is written: ahead of time when a template puts {rhs} first.
    bool kind_known = pattern || regex;
    if (!kind_known && tmpl.find("{rhs}") < tmpl.find("{lhs}")) {
      kind = kind_of(r);
      kind_known = true;
    }
    render(w_, tmpl, [&](std::string_view slot) {
      if (slot == "lhs") {
        const auto k = reference(r);
        if (!kind_known) kind = k;
      } else if (slot == "rhs") {
        if (pattern) {
          const std::string& text = *rhs.value.get_if<std::string>();
          check_text(d_, text, leaf.lookup, "patterns_hold_nul");
          w_.value(Value(d_.pattern_value(l, text)));
        } else {
          write_rhs(rhs, regex ? std::optional(FieldKind::Text) : kind, leaf.lookup);
        }
      } else {
        unknown_slot(slot);
      }
    });
  }
  if (guard_null) {
    w_.add(" AND ");
    reference(r);
    w_.add(" IS NOT NULL)");
  }
}

// ---- joins in the order Django makes them ---------------------------------------

int Compiler::annotation_event(std::string_view name) const {
  for (std::size_t i = 0; i < q_.annotations.size(); ++i) {
    if (q_.annotations[i].first != name) continue;
    return i < q_.annotation_filters.size() ? 2 * static_cast<int>(q_.annotation_filters[i])
                                            : kAfterAll;
  }
  return kAfterAll;
}

void Compiler::plan_joins() {
  if (planned_) return;
  planned_ = true;
  std::size_t a = 0;
  const auto annotations_made_before = [&](std::size_t filters) {
    for (; a < q_.annotations.size(); ++a) {
      if (a < q_.annotation_filters.size() && q_.annotation_filters[a] > filters) return;
      event_ = annotation_event(q_.annotations[a].first);
      plan(q_.annotations[a].second.node());
    }
  };
  for (std::size_t i = 0; i < q_.where.size(); ++i) {
    annotations_made_before(i);
    event_ = filter_event(i);
    plan(*q_.where[i], false);
  }
  annotations_made_before(q_.where.size());
  event_ = kAfterAll;
}

// The joins a condition makes: none for a negated one across many rows (an EXISTS of
// its own) or one on an annotation (the annotation's own).
void Compiler::plan(const QNode& n, bool negated) {
  negated = negated != n.negated;
  if (n.kind != QNode::Kind::Leaf) {
    for (const auto& c : n.children) plan(*c, negated);
    return;
  }
  if (negated && !in_expression_) return;
  if (!n.lookup.empty()) {
    const Resolved r = resolve_lookup(q_, n.lookup);
    if (r.field && r.hop_count > 0) join(r.hops());
  }
  if (n.rhs) plan(*n.rhs);
}

void Compiler::plan(const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::Field: {
      const Resolved r = resolve_ref(q_, e.path);
      if (r.field && r.hop_count > 0) join(r.hops());
      return;
    }
    case ExprNode::Kind::Subquery:
    case ExprNode::Kind::Exists:
    case ExprNode::Kind::OuterRef:
      return;  // queries of their own
    default:
      break;
  }
  for (const auto& arg : e.args) plan(*arg);
  const bool was = in_expression_;
  in_expression_ = true;
  for (const auto& [cond, then] : e.whens) {
    plan(*cond, false);
    plan(*then);
  }
  if (e.filter) plan(*e.filter, false);
  in_expression_ = was;
}

// ---- SELECT -----------------------------------------------------------------------

namespace {

// Whether a condition reads an expression that `has` says yes to (an aggregate: the
// condition goes to HAVING; a window: it cannot be in WHERE).
template <class Has>
bool refers_to(const Query& q, const QNode& n, Has&& has) {
  if (n.kind == QNode::Kind::Leaf) {
    if (!n.condition) {
      const Resolved r = resolve_lookup(q, n.lookup);
      if (r.annotation && has(r.annotation->node())) return true;
    }
    return n.rhs && has(*n.rhs);
  }
  for (const auto& c : n.children) {
    if (refers_to(q, *c, has)) return true;
  }
  return false;
}

// A Window on the right of a lookup (filter("gpa__gt", Window(Avg("gpa")))): seen
// without resolving any name, as every compile asks.
bool compares_with_window(const QNode& n) {
  if (n.kind == QNode::Kind::Leaf) {
    return n.rhs && n.rhs->kind != ExprNode::Kind::Literal && contains_window(*n.rhs);
  }
  return std::any_of(n.children.begin(), n.children.end(),
                     [](const auto& c) { return compares_with_window(*c); });
}

// Whether only() and defer() leave field f of the model at `prefix` loaded: "" for the
// query's own model, "customer__" for a select_related one (Django's only("amount",
// "customer__name")). The key is always loaded, and a ForeignKey only() goes through.
bool loads(const Query& q, const Field& f, std::string_view prefix) {
  if (f.primary_key()) return true;
  const auto is = [&](std::string_view n) {
    return n.size() == prefix.size() + f.name().size() && n.starts_with(prefix) &&
           n.ends_with(f.name());
  };
  for (const std::string& n : q.defer_fields) {
    if (is(n)) return false;
  }
  bool restricted = false;
  for (const std::string& n : q.only_fields) {
    if (!n.starts_with(prefix)) continue;
    restricted = true;
    const std::string_view rest = std::string_view(n).substr(prefix.size());
    if (rest == f.name() ||
        (rest.starts_with(f.name()) && rest.substr(f.name().size()).starts_with("__"))) {
      return true;
    }
  }
  return !restricted;
}

bool refers_to_aggregate(const Query& q, const QNode& n) {
  return refers_to(q, n, [](const ExprNode& e) { return contains_aggregate(e); });
}

// Whether an expression aggregates, directly or through an annotation it reads
// (Case(When("total__gt", ...)) over total = Sum(...)): never part of GROUP BY.
bool reads_aggregate(const Query& q, const ExprNode& e) {
  if (contains_aggregate(e)) return true;
  if (e.query || e.kind == ExprNode::Kind::Window) return false;
  if (e.kind == ExprNode::Kind::Field) {
    const Resolved r = resolve_ref(q, e.path);
    return r.annotation && reads_aggregate(q, r.annotation->node());
  }
  for (const auto& a : e.args) {
    if (a && reads_aggregate(q, *a)) return true;
  }
  for (const auto& [cond, then] : e.whens) {
    if (refers_to_aggregate(q, *cond) || reads_aggregate(q, *then)) return true;
  }
  return false;
}

}  // namespace

void Compiler::where_clause(bool having) {
  bool first = true;
  const bool grouped = q_.has_aggregate_annotation();
  const bool windowed = !having && q_.has_window_annotation();
  for (std::size_t i = 0; i < q_.where.size(); ++i) {
    const QPtr& w = q_.where[i];
    const bool on_window =
        !having &&
        (windowed ? refers_to(q_, *w, [](const ExprNode& e) { return contains_window(e); })
                  : compares_with_window(*w));
    if (on_window) {
      throw NotSupportedError(
          "filtering on a window function is not supported: filter the rows first, or "
          "select from the queryset as a CTE (quarry::With) and filter that");
    }
    if ((grouped && refers_to_aggregate(q_, *w)) != having) continue;
    if (w->kind != QNode::Kind::Leaf && w->children.empty() && !w->negated) continue;
    w_.add(first ? (having ? " HAVING " : " WHERE ") : " AND ");
    first = false;
    event_ = filter_event(i);
    condition(*w);
    event_ = kAfterAll;
  }
  if (!having && q_.prefetch_join) {
    const PrefetchJoin& p = *q_.prefetch_join;
    w_.add(first ? " WHERE " : " AND ");
    first = false;
    w_.quoted(join({&p.hop, 1}, /*inner=*/true));
    w_.add('.');
    w_.quoted(p.column->column());
    w_.add(" IN (");
    for (std::size_t i = 0; i < p.keys.size(); ++i) {
      if (i) w_.add(", ");
      w_.value(p.keys[i]);
    }
    w_.add(')');
  }
  if (!having && q_.empty) {
    w_.add(first ? " WHERE 1 = 0" : " AND 1 = 0");
  }
}

bool Compiler::needs_group_by() const {
  return q_.has_aggregate_annotation();
}

void Compiler::select(Compiled& out, bool with_order) {
  if (q_.combinator != Combinator::None) {
    // One WITH for the whole compound: the CTEs of every part, each once.
    with_list_ = q_.ctes;
    for (const auto& part : q_.combined) {
      for (const auto& n : part->ctes) {
        if (std::find(with_list_.begin(), with_list_.end(), n) == with_list_.end()) {
          with_list_.push_back(n);
        }
      }
    }
    if (!with_list_.empty()) {
      with_clause(with_list_);
      cte_scope_ = &with_list_;
    }
    combined_select(out);
    return;
  }
  const ModelMeta& m = *q_.model;
  if (!q_.ctes.empty()) with_clause(q_.ctes);
  plan_joins();
  w_.add("SELECT ");
  if (q_.distinct) w_.add("DISTINCT ");
  // Each selected item, and whether GROUP BY must list it (it is not an aggregate);
  // kept only when there is a GROUP BY.
  const bool grouping = needs_group_by();
  std::vector<bool> plain;
  auto mark = [&](bool is_plain) {
    if (grouping) plain.push_back(is_plain);
  };
  bool first = true;
  auto comma = [&] {
    if (!first) w_.add(", ");
    first = false;
  };
  auto add_annotation = [&](const std::string& name, const Expr& e) {
    comma();
    event_ = annotation_event(name);
    const auto k = expr(e.node());
    event_ = kAfterAll;
    w_.add(" AS ");
    w_.quoted(name);
    out.extras.push_back({name, k, decimal_places_of(q_, e.node())});
    annotation_kinds_[name] = k;
    mark(!reads_aggregate(q_, e.node()) && !contains_window(e.node()));
  };
  if (!q_.values_mode) {
    const bool every_field = q_.only_fields.empty() && q_.defer_fields.empty();
    if (every_field && table_ == m.table()) {
      // The common case: the whole, cached column list.
      w_.add(quoted_model(d_, m).all_columns);
      first = false;
      out.fields.reserve(m.fields().size());
      for (const auto& f : m.fields()) out.fields.push_back(f.get());
      if (grouping) plain.assign(m.fields().size(), true);
      select_related_columns(out, grouping ? &plain : nullptr);
    } else {
      for (const auto& f : m.fields()) {
        if (!loads(q_, *f, "")) continue;
        comma();
        column(*f);
        out.fields.push_back(f.get());
        mark(true);
      }
      select_related_columns(out, grouping ? &plain : nullptr);
    }
    for (const auto& [name, e] : q_.annotations) add_annotation(name, e);
    if (q_.prefetch_join) {
      const PrefetchJoin& p = *q_.prefetch_join;
      w_.add(", ");
      w_.quoted(join({&p.hop, 1}, /*inner=*/true));
      w_.add('.');
      w_.quoted(p.column->column());
      w_.add(" AS ");
      w_.quoted("_prefetch_related_val");
      out.extras.push_back({"_prefetch_related_val", p.column->data_kind()});
      if (grouping) plain.push_back(true);
    }
  } else {
    std::vector<std::string> names = q_.values_fields;
    if (names.empty()) {
      for (const auto& f : m.fields()) names.push_back(f->name());
      for (const auto& [name, e] : q_.annotations) names.push_back(name);
    }
    for (const auto& name : names) {
      if (const Expr* a = q_.annotation(name)) {
        add_annotation(name, *a);
        continue;
      }
      comma();
      const Resolved r = resolve_ref(q_, name);
      const auto k = reference(r);
      const int places = r.field && r.transform_count == 0 && r.field->kind() == FieldKind::Decimal
                             ? r.field->spec().decimal_places()
                             : -1;
      out.extras.push_back({name, k, places});
      mark(true);
    }
  }
  from_clause();
  where_clause(false);
  if (grouping) {
    // By position: PostgreSQL cannot match a repeated expression whose parameters have
    // other numbers, and every backend accepts ordinals.
    bool any = false;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (!plain[i]) continue;
      w_.add(any ? ", " : " GROUP BY ");
      any = true;
      w_.add(std::to_string(i + 1));
    }
    // values(a).annotate(...).values(b): still grouped by a, which is no longer selected.
    for (const auto& name : q_.group_by) {
      if (std::find(q_.values_fields.begin(), q_.values_fields.end(), name) !=
          q_.values_fields.end()) {
        continue;
      }
      w_.add(any ? ", " : " GROUP BY ");
      any = true;
      reference(resolve_ref(q_, name));
    }
    where_clause(true);
  }
  if (with_order) order_by_clause();
  limit_clause();
  if (q_.for_update && d_.features().has("has_select_for_update")) lock_clause();
  insert_joins();
}

// FOR [NO KEY] UPDATE [OF ...] [NOWAIT | SKIP LOCKED]; each option only where the
// backend has it, refused by name before any SQL is sent.
void Compiler::lock_clause() {
  const ForUpdate& o = q_.lock;
  for (const LockOption& option : lock_options(o)) {
    if (!d_.features().has(option.feature)) {
      not_supported(d_, std::string("select_for_update(") + option.name + ") is");
    }
  }
  w_.add(' ');
  w_.add(d_.text(o.no_key ? "lock.for_no_key_update" : "lock.for_update"));
  if (!o.of.empty()) {
    std::string tables;
    for (const std::string& path : o.of) {
      if (!tables.empty()) tables += ", ";
      if (path == "self") {
        d_.append_quoted(tables, table_);
        continue;
      }
      if (std::find(q_.select_related.begin(), q_.select_related.end(), path) ==
          q_.select_related.end()) {
        std::string choices = "self";
        for (const auto& p : q_.select_related) choices += ", " + p;
        throw FieldError("Invalid field name(s) given in select_for_update(of=...): '" + path +
                         "'. Only relational fields followed in the query are allowed. Choices "
                         "are: " +
                         choices);
      }
      d_.append_quoted(tables, join(relation_path(q_, path)));
    }
    w_.add(' ');
    w_.add(d_.render("lock.of", {{"tables", tables}}));
  }
  if (o.nowait) {
    w_.add(' ');
    w_.add(d_.text("lock.nowait"));
  } else if (o.skip_locked) {
    w_.add(' ');
    w_.add(d_.text("lock.skip_locked"));
  }
}

void Compiler::from_clause() {
  w_.add(" FROM ");
  if (table_ == q_.model->table()) {
    w_.add(quoted_model(d_, *q_.model).table);
  } else {
    w_.quoted(q_.model->table());
    w_.add(' ');
    w_.quoted(table_);
  }
  for (const CteJoin& j : q_.cte_joins) {
    const CteNode& cte = find_cte(j.cte);
    const Field& to = cte_column_field(cte, j.column);
    w_.add(" INNER JOIN ");
    w_.quoted(cte.name);
    w_.add(" ON (");
    column(*j.field);
    w_.add(" = ");
    w_.quoted(cte.name);
    w_.add('.');
    w_.quoted(to.column());
    w_.add(')');
  }
  joins_at_ = w_.sql.size();
}

bool Compiler::from_where() {
  plan_joins();
  from_clause();
  where_clause(false);
  const bool joined = !joins_.empty();
  insert_joins();
  return joined;
}

const std::string& Compiler::join(std::span<const Hop> hops, bool inner) {
  const std::string* parent = &table_;
  bool left = false;
  for (const Hop& h : hops) {
    left = !inner && (left || h.via->null() || h.reverse);
    // A relation to one row is joined once; one to many rows as event_ says.
    const bool multi = is_multi(h);
    const bool in_filter = event_ != kAfterAll && event_ % 2 == 1;
    const Join* found = nullptr;
    for (const Join& j : joins_) {
      if (j.via != h.via || j.reverse != h.reverse || j.parent != *parent) continue;
      if (!multi || (in_filter && j.event == event_)) {
        found = &j;
        break;
      }
      if (!in_filter && j.event <= event_ && (!found || j.event >= found->event)) found = &j;
    }
    if (found) {
      parent = &found->alias;
      continue;
    }
    // The table's own name where it is free, else T2, T3 ... as Django names them; inside
    // EXISTS, names of its own, so that none hides a table of the query around it.
    std::string alias =
        depth_ > 0 ? table_ + "J" + std::to_string(joins_.size() + 1) : h.to->table();
    const auto taken = [&](const std::string& a) {
      return a == table_ ||
             std::any_of(joins_.begin(), joins_.end(), [&](const Join& j) { return j.alias == a; });
    };
    for (std::size_t n = joins_.size() + 2; taken(alias); ++n) alias = "T" + std::to_string(n);
    joins_.push_back(Join{h.via, h.reverse, *parent, std::move(alias), h.to, left, event_});
    parent = &joins_.back().alias;
  }
  return *parent;
}

void Compiler::insert_joins() {
  if (joins_.empty()) return;
  if (joins_at_ == std::string::npos) throw ProgrammingError("a join before the FROM clause");
  std::string text;
  for (const Join& j : joins_) {
    text += j.left ? " LEFT OUTER JOIN " : " INNER JOIN ";
    d_.append_quoted(text, j.model->table());
    if (j.alias != j.model->table()) {
      text += ' ';
      d_.append_quoted(text, j.alias);
    }
    // Forward: parent.customer_id = customer.id; reverse: parent.id = child.customer_id.
    const Field& parent_column = j.reverse ? j.via->target().pk() : *j.via;
    const Field& child_column = j.reverse ? *j.via : j.model->pk();
    text += " ON (";
    d_.append_quoted(text, j.parent);
    text += '.';
    d_.append_quoted(text, parent_column.column());
    text += " = ";
    d_.append_quoted(text, j.alias);
    text += '.';
    d_.append_quoted(text, child_column.column());
    text += ')';
  }
  w_.sql.insert(joins_at_, text);
  joins_.clear();
}

// The columns of select_related's objects, each through the join of its path.
void Compiler::select_related_columns(Compiled& out, std::vector<bool>* plain) {
  for (const std::string& path : q_.select_related) {
    const std::vector<Hop> hops = relation_path(q_, path);
    // Its parent: the object of the path one relation shorter, listed before it.
    int parent = -1;
    if (const auto cut = path.rfind("__"); cut != std::string::npos) {
      const auto& paths = q_.select_related;
      parent = static_cast<int>(std::find(paths.begin(), paths.end(), path.substr(0, cut)) -
                                paths.begin());
    }
    RelatedColumns rel{hops.back().via, parent, hops.back().to, out.extras_first(), {}};
    const std::string& alias = join(hops);
    const std::string prefix = path + "__";
    for (const auto& f : rel.model->fields()) {
      if (!loads(q_, *f, prefix)) continue;
      if (f->primary_key()) rel.pk = rel.fields.size();
      w_.add(", ");
      w_.quoted(alias);
      w_.add('.');
      w_.quoted(f->column());
      rel.fields.push_back(f.get());
      if (plain) plain->push_back(true);
    }
    out.related.push_back(std::move(rel));
  }
}

void Compiler::order_item(const OrderBy& o, bool flip, bool by_alias) {
  const bool desc = o.descending != flip;
  bool nulls_first = o.options.nulls_first, nulls_last = o.options.nulls_last;
  if (flip) std::swap(nulls_first, nulls_last);
  const ExprNode& e = o.expr.node();
  auto item = [&] {
    if (by_alias && e.kind == ExprNode::Kind::Field && annotation_kinds_.count(e.path)) {
      w_.quoted(e.path);  // a selected annotation: by its alias
    } else {
      expr(e);
    }
  };
  const bool native_nulls = d_.features().has("supports_nulls_order");
  if ((nulls_first || nulls_last) && !native_nulls) {
    // (x IS NULL) sorts false before true: DESC puts NULLs first.
    item();
    w_.add(nulls_first ? " IS NULL DESC, " : " IS NULL ASC, ");
  }
  item();
  w_.add(desc ? " DESC" : " ASC");
  if ((nulls_first || nulls_last) && native_nulls)
    w_.add(nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

void Compiler::order_by_clause(bool) {
  std::vector<OrderBy> defaults;
  if (!q_.ordered) {
    // Meta.ordering, except for GROUP BY queries (as Django since 3.1).
    if (needs_group_by()) return;
    for (const auto& o : q_.model->ordering()) defaults.push_back(order_from_text(o));
  }
  const std::vector<OrderBy>& items = q_.ordered ? q_.order_by.get() : defaults;
  if (items.empty()) return;
  w_.add(" ORDER BY ");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) w_.add(", ");
    order_item(items[i], q_.reversed);
  }
}

void Compiler::limit_clause() {
  write_limit(w_, q_.low, q_.high, &q_);
}

void Compiler::combined_select(Compiled& out) {
  const bool parens = d_.features().has("supports_parentheses_in_compound") && !bare_compound_;
  const char* op = q_.combinator == Combinator::Union          ? " UNION "
                   : q_.combinator == Combinator::Intersection ? " INTERSECT "
                                                               : " EXCEPT ";
  const std::string feature =
      q_.combinator == Combinator::Intersection ? "supports_select_intersection"
      : q_.combinator == Combinator::Difference ? "supports_select_difference"
                                                : "";
  if (!feature.empty() && !d_.features().has(feature)) {
    not_supported(d_, std::string(op + 1) + "is");
  }
  // The parts, without the CTEs the WITH above them holds.
  std::vector<Query> copies;
  copies.reserve(q_.combined.size() + 1);
  Query& head = copies.emplace_back(q_);  // this query without the combination, order, slice
  head.combinator = Combinator::None;
  head.combined.clear();
  head.order_by.clear();
  head.ordered = true;
  head.low.reset();
  head.high.reset();
  for (const auto& c : q_.combined) copies.push_back(*c);
  std::vector<const Query*> parts;
  for (Query& c : copies) {
    c.ctes.clear();
    parts.push_back(&c);
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) {
      w_.add(op);
      if (q_.combinator_all) w_.add("ALL ");
    }
    if (!parens && (parts[i]->sliced() || (parts[i]->ordered && !parts[i]->order_by.empty()))) {
      throw NotSupportedError("ORDER BY and LIMIT inside a combined query are not supported by " +
                              d_.engine_name());
    }
    if (parens) w_.add('(');
    Compiled part;
    Compiler inner = sibling(*parts[i]);
    // A part is ordered only when it says so (and the backend allows it): never by
    // Meta.ordering.
    inner.select(part, parts[i]->ordered && !parts[i]->order_by.empty());
    if (i == 0) out = std::move(part);
    if (parens) w_.add(')');
  }
  // Ordering a combination refers to its columns by position.
  const std::vector<OrderBy>& items = q_.order_by;
  if (!items.empty()) {
    w_.add(" ORDER BY ");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const ExprNode& e = items[i].expr.node();
      if (e.kind != ExprNode::Kind::Field) {
        throw NotSupportedError("a combined query can only be ordered by its columns");
      }
      std::size_t pos = 0;
      for (std::size_t k = 0; k < out.fields.size(); ++k) {
        if (out.fields[k]->name() == e.path || (e.path == "pk" && out.fields[k]->primary_key()))
          pos = k + 1;
      }
      for (std::size_t k = 0; k < out.extras.size(); ++k) {
        if (out.extras[k].name == e.path) pos = out.fields.size() + k + 1;
      }
      if (pos == 0) throw FieldError("'" + e.path + "' is not a column of the combined query");
      if (i) w_.add(", ");
      w_.add(std::to_string(pos));
      w_.add(items[i].descending != q_.reversed ? " DESC" : " ASC");
    }
  }
  limit_clause();
}

// ---- the statements -----------------------------------------------------------------

namespace {

void no_ctes(const Query& q, const char* what) {
  if (!q.ctes.empty()) {
    throw NotSupportedError(std::string(what) + " of a queryset with CTEs is not supported: " +
                            "filter by the CTE's keys (pk__in=cte.queryset().values(...))");
  }
}

Compiled done(SqlWriter& w, Compiled c) {
  c.sql = std::move(w.sql);
  c.params = std::move(w.params);
  return c;
}

}  // namespace

void compile_select_into(const Query& q, SqlWriter& w, Compiled& out) {
  Compiler(q, w, q.model->table()).select(out);
}

Compiled compile_select(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  compile_select_into(q, w, c);
  return done(w, std::move(c));
}

Compiled compile_count(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  if (simple(q)) {
    w.add("SELECT COUNT(*)");
    Compiler(q, w, q.model->table()).from_where();
  } else {
    w.add("SELECT COUNT(*) FROM (");
    Compiled inner;
    Compiler(q, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  }
  c.extras.push_back({"count", FieldKind::BigInteger});
  return done(w, std::move(c));
}

Compiled compile_exists(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  if (simple(q)) {
    w.add("SELECT 1 AS ");
    w.quoted("a");
    Compiler(q, w, q.model->table()).from_where();
  } else {
    w.add("SELECT 1 FROM (");
    Compiled inner;
    Compiler(q, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  }
  write_limit(w, std::nullopt, 1);
  c.extras.push_back({"a", FieldKind::BigInteger});
  return done(w, std::move(c));
}

Compiled compile_aggregate(const Query& q, const Dialect& d,
                           const std::vector<std::pair<std::string, Expr>>& aggregates) {
  SqlWriter w(d);
  Compiled c;
  const bool wrap = !simple(q);
  Compiler outer(q, w, wrap ? "subquery" : q.model->table());
  if (wrap) {
    outer.use_annotation_columns();
  } else {
    outer.plan_joins();  // the aggregates reuse the filters' joins
  }
  w.add("SELECT ");
  for (std::size_t i = 0; i < aggregates.size(); ++i) {
    if (i) w.add(", ");
    const auto k = outer.expr(aggregates[i].second.node());
    w.add(" AS ");
    w.quoted(aggregates[i].first);
    c.extras.push_back({aggregates[i].first, k, decimal_places_of(q, aggregates[i].second.node())});
  }
  if (wrap) {
    w.add(" FROM (");
    Query all_fields = q;  // the outer aggregates may read any field
    all_fields.values_mode = false;
    all_fields.only_fields.clear();
    all_fields.defer_fields.clear();
    Compiled inner;
    // A slice keeps its order: LIMIT picks the rows the ordering says.
    Compiler(all_fields, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  } else {
    outer.from_where();
  }
  return done(w, std::move(c));
}

namespace {

// The WHERE of an UPDATE or DELETE. UPDATE and DELETE take no joins, so conditions
// across relations become "pk IN (SELECT pk ... joins ... WHERE ...)" (through a derived
// table on backends that cannot select from the table they change, as MySQL).
void write_target_rows(const Query& q, SqlWriter& w) {
  const Dialect& d = w.dialect();
  SqlWriter probe(d);
  if (!Compiler(q, probe, q.model->table()).from_where()) {
    Compiler(q, w, q.model->table()).where_clause_public();
    return;
  }
  std::string pk;
  d.append_quoted(pk, q.model->pk().column());
  const bool self_select = d.features().has("update_can_self_select");
  w.add(" WHERE " + pk + " IN (SELECT ");
  if (!self_select) w.add("* FROM (SELECT ");
  w.quoted(q.model->table());
  w.add("." + pk);
  Compiler(q, w, q.model->table()).from_where();
  w.add(self_select ? ")" : ") subquery)");
}

}  // namespace

Compiled compile_update(const Query& q, const Dialect& d,
                        const std::vector<std::pair<std::string, Expr>>& assignments) {
  if (q.sliced()) throw ProgrammingError("Cannot update a query once a slice has been taken.");
  if (assignments.empty()) throw ProgrammingError("update() needs at least one field to set");
  no_ctes(q, "update()");
  SqlWriter w(d);
  Compiler comp(q, w, q.model->table());
  w.add("UPDATE ");
  w.quoted(q.model->table());
  w.add(" SET ");
  for (std::size_t i = 0; i < assignments.size(); ++i) {
    const Field& f = q.model->field(assignments[i].first);
    if (i) w.add(", ");
    w.quoted(f.column());
    w.add(" = ");
    const ExprNode& e = assignments[i].second.node();
    if (e.kind == ExprNode::Kind::Literal) {
      w.value(prepared(e.value, f.data_kind(), "update of '" + f.name() + "'", d));
    } else {
      comp.expr(e);
    }
  }
  write_target_rows(q, w);
  return done(w, Compiled{});
}

Compiled compile_delete(const Query& q, const Dialect& d) {
  if (q.sliced()) throw ProgrammingError("Cannot use 'limit' or 'offset' with delete().");
  no_ctes(q, "delete()");
  SqlWriter w(d);
  w.add("DELETE FROM ");
  w.quoted(q.model->table());
  write_target_rows(q, w);
  return done(w, Compiled{});
}

Compiled compile_insert(const ModelMeta& m, const Dialect& d,
                        const std::vector<const Field*>& fields,
                        const std::vector<std::vector<Value>>& rows, bool returning_pk,
                        bool ignore_conflicts) {
  if (ignore_conflicts && !d.features().has("supports_ignore_conflicts")) {
    throw NotSupportedError("This database backend does not support ignoring conflicts.");
  }
  SqlWriter w(d);
  Compiled c;
  std::string table;
  d.append_quoted(table, m.table());
  if (fields.empty()) {
    if (rows.size() != 1) throw ProgrammingError("an INSERT without columns inserts one row");
    w.add(d.render("insert.empty", {{"table", table}}));
  } else {
    render(w, d.text(ignore_conflicts ? "insert.ignore_conflicts" : "insert"),
           [&](std::string_view slot) {
             if (slot == "table") {
               w.add(table);
             } else if (slot == "columns") {
               for (std::size_t i = 0; i < fields.size(); ++i) {
                 if (i) w.add(", ");
                 w.quoted(fields[i]->column());
               }
             } else if (slot == "rows") {
               for (std::size_t r = 0; r < rows.size(); ++r) {
                 w.add(r ? ", (" : "(");
                 for (std::size_t i = 0; i < fields.size(); ++i) {
                   if (i) w.add(", ");
                   if (const auto* text = rows[r][i].get_if<std::string>()) {
                     check_text(d, *text, fields[i]->name(), "text_holds_nul");
                   }
                   w.param(rows[r][i]);
                 }
                 w.add(')');
               }
             } else {
               unknown_slot(slot);
             }
           });
  }
  if (returning_pk) {
    std::string pk;
    d.append_quoted(pk, m.pk().column());
    w.add(' ');
    w.add(d.render("returning", {{"columns", pk}}));
    c.extras.push_back({m.pk().name(), m.pk().data_kind()});
  }
  return done(w, std::move(c));
}

Compiled compile_bulk_update(const ModelMeta& m, const Dialect& d,
                             const std::vector<const Field*>& fields, const std::vector<Value>& pks,
                             const std::vector<std::vector<Value>>& values) {
  SqlWriter w(d);
  std::string pk_col;
  d.append_quoted(pk_col, m.pk().column());
  w.add("UPDATE ");
  w.quoted(m.table());
  w.add(" SET ");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) w.add(", ");
    w.quoted(fields[i]->column());
    w.add(" = CASE");
    for (std::size_t r = 0; r < pks.size(); ++r) {
      w.add(" WHEN ");
      w.add(pk_col);
      w.add(" = ");
      w.param(pks[r]);
      w.add(" THEN ");
      w.param(values[r][i]);
    }
    w.add(" ELSE ");
    w.quoted(fields[i]->column());
    w.add(" END");
  }
  w.add(" WHERE ");
  w.add(pk_col);
  w.add(" IN (");
  for (std::size_t r = 0; r < pks.size(); ++r) {
    if (r) w.add(", ");
    w.param(pks[r]);
  }
  w.add(')');
  return done(w, Compiled{});
}

std::string compile_ddl_condition(const ModelMeta& m, const Dialect& d, const Q& cond) {
  Query q(m);
  SqlWriter w(d, /*inline_literals=*/true);
  Compiler(q, w, "").condition(cond.node());
  return w.sql;
}

std::vector<LockOption> lock_options(const ForUpdate& o) {
  std::vector<LockOption> set;
  if (o.nowait) set.push_back({"nowait", "has_select_for_update_nowait"});
  if (o.skip_locked) set.push_back({"skip_locked", "has_select_for_update_skip_locked"});
  if (!o.of.empty()) set.push_back({"of", "has_select_for_update_of"});
  if (o.no_key) set.push_back({"no_key", "has_select_for_no_key_update"});
  return set;
}

int decimal_places_of(const Query& q, const ExprNode& e) {
  if (e.output) return e.output->kind == FieldKind::Decimal ? e.output->decimal_places : -1;
  if (e.kind == ExprNode::Kind::Field) {
    if (q.annotation(e.path)) return decimal_places_of(q, q.annotation(e.path)->node());
    const Resolved r = resolve_ref(q, e.path);
    if (r.field && r.transform_count == 0 && r.field->kind() == FieldKind::Decimal) {
      return r.field->spec().decimal_places();
    }
    return -1;
  }
  if (e.kind == ExprNode::Kind::Aggregate &&
      (e.func == "SUM" || e.func == "MAX" || e.func == "MIN") && !e.star) {
    return decimal_places_of(q, *e.args[0]);
  }
  // Over a window, and through the functions that give one of their arguments back.
  const bool passes_through =
      e.kind == ExprNode::Kind::Window ||
      (e.kind == ExprNode::Kind::Func &&
       (e.func == "Coalesce" || e.func == "Greatest" || e.func == "Least" || e.func == "Abs" ||
        e.func.starts_with("Lag") || e.func.starts_with("Lead") || e.func == "FirstValue" ||
        e.func == "LastValue" || e.func == "NthValue"));
  if (passes_through && !e.args.empty()) return decimal_places_of(q, *e.args[0]);
  return -1;
}

std::string default_alias(const Expr& aggregate) {
  // Sum("x", {.default_value = 0}) is COALESCE(SUM(x), 0), named as SUM(x) is.
  const ExprNode& e =
      aggregate.node().aggregate_default ? *aggregate.node().args[0] : aggregate.node();
  // STDDEV_POP and STDDEV_SAMP are both StdDev ("gpa__stddev"); VAR_* are Variance.
  std::string func = e.func.starts_with("STDDEV") ? "stddev"
                     : e.func.starts_with("VAR")  ? "variance"
                                                  : e.func;
  std::transform(func.begin(), func.end(), func.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  if (e.kind == ExprNode::Kind::Aggregate && e.star) return func;
  if (e.kind == ExprNode::Kind::Aggregate && e.args[0]->kind == ExprNode::Kind::Field) {
    return e.args[0]->path + "__" + func;
  }
  throw ProgrammingError("Complex aggregates require an alias: aggregate({{\"name\", ...}})");
}

}  // namespace quarry::detail
