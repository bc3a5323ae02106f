// The query language: F, Value, Q, Case/When, arithmetic, aggregates and functions.
//
//   F("price") + 10                               arithmetic on columns, in the database
//   Q("gpa__gt", 3.5) | Q("course", "Math")       conditions, nested to any depth with & | ~
//   Case({When(Q("gpa__gte", 3.8), Value(1000)),
//         When("gpa__gte", 3.5, Value(500))}, Value(0))
//   Count("id"), Sum("amount"), Avg("gpa", {.distinct = true})
//   F("created_at").desc({.nulls_last = true})
//   Window(Rank(), {.partition_by = {"course"}, .order_by = {"-gpa"}})
//   Extract("created_at", "year"), Trunc("created_at", "month"), Cast("gpa", IntegerField())
//
// Subquery() and Exists() take querysets, so they live in quarry/queryset.hpp.
//
// An Expr is an immutable handle on a tree that the SQL compiler walks; any value a
// quarry::Value can hold converts to a literal Expr, which the compiler always sends as
// a bound parameter. Names in F() and lookups are resolved against the model before any
// SQL exists, so a misspelt or hostile name is an error, never SQL.
#pragma once

#include <concepts>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "quarry/fields.hpp"
#include "quarry/value.hpp"

namespace quarry {

namespace detail {
struct ExprNode;
struct QNode;
class Query;
}  // namespace detail

class Q;
struct OrderBy;

struct OrderOptions {
  // NULLS FIRST / NULLS LAST; emulated where the backend has neither (MySQL).
  bool nulls_first = false;
  bool nulls_last = false;
};

class Expr {
 public:
  // A literal: anything a Value can be made from (numbers, text, Decimal, DateTime...).
  template <class V>
  requires(std::constructible_from<Value, V&&> && !std::is_same_v<std::remove_cvref_t<V>, Expr>)
      Expr(V&& v)  // NOLINT(google-explicit-constructor): literals read as in Django
      : Expr(literal(Value(std::forward<V>(v)))) {}
  // A value of any type with ValueTraits (your own, a Ref<>, a model object: its key).
  template <class V>
  requires(!std::constructible_from<Value, const V&> &&
           requires(const V& v) { ValueTraits<V>::to_value(v); })
      Expr(const V& v)  // NOLINT(google-explicit-constructor)
      : Expr(literal(ValueTraits<V>::to_value(v))) {}
  // A list of literals, for the `in` lookup.
  template <class V>
  Expr(const std::vector<V>& values)  // NOLINT(google-explicit-constructor)
      : Expr(list_of(values)) {}
  explicit Expr(std::shared_ptr<const detail::ExprNode> node) : node_(std::move(node)) {}

  const detail::ExprNode& node() const { return *node_; }
  const std::shared_ptr<const detail::ExprNode>& ptr() const { return node_; }

  OrderBy asc(OrderOptions options = {}) const;
  OrderBy desc(OrderOptions options = {}) const;

  friend Expr operator+(const Expr& a, const Expr& b) { return binary('+', a, b); }
  friend Expr operator-(const Expr& a, const Expr& b) { return binary('-', a, b); }
  friend Expr operator*(const Expr& a, const Expr& b) { return binary('*', a, b); }
  friend Expr operator/(const Expr& a, const Expr& b) { return binary('/', a, b); }
  friend Expr operator%(const Expr& a, const Expr& b) { return binary('%', a, b); }
  Expr operator-() const;
  // NOT of a boolean expression: ~Exists(orders).
  Expr operator~() const;

 private:
  static std::shared_ptr<const detail::ExprNode> literal(Value v);
  template <class V>
  static std::shared_ptr<const detail::ExprNode> list_of(const std::vector<V>& values) {
    std::vector<Value> out;
    out.reserve(values.size());
    for (const auto& v : values) out.push_back(ValueTraits<V>::to_value(v));
    return list(std::move(out));
  }
  static std::shared_ptr<const detail::ExprNode> list(std::vector<Value> values);
  static Expr binary(char op, const Expr& a, const Expr& b);

  std::shared_ptr<const detail::ExprNode> node_;
};

struct OrderBy {
  OrderBy(Expr e, bool desc = false, OrderOptions o = {})  // NOLINT(google-explicit-constructor)
      : expr(std::move(e)), descending(desc), options(o) {}
  Expr expr;
  bool descending = false;
  OrderOptions options;
};

// One item of order_by(): "name", "-created_at", "?", or an expression.
class OrderSpec {
 public:
  OrderSpec(const char* name) : text_(name) {}             // NOLINT(google-explicit-constructor)
  OrderSpec(std::string name) : text_(std::move(name)) {}  // NOLINT(google-explicit-constructor)
  OrderSpec(OrderBy order) : order_(std::move(order)) {}   // NOLINT(google-explicit-constructor)
  OrderSpec(const Expr& e) : order_(OrderBy{e}) {}         // NOLINT(google-explicit-constructor)
  const std::optional<std::string>& text() const { return text_; }
  const std::optional<OrderBy>& order() const { return order_; }

 private:
  std::optional<std::string> text_;
  std::optional<OrderBy> order_;
};

// A reference to a field (or annotation), possibly across relations: F("customer__name").
Expr F(std::string path);
// Inside a Subquery() or Exists(): a field of the query the subquery is used in;
// OuterRef(OuterRef("pk")) reaches one query further out.
Expr OuterRef(std::string path);
inline Expr OuterRef(const char* path) {
  return OuterRef(std::string(path));
}
Expr OuterRef(const Expr& outer_ref);

// An argument of a function, as Django reads one: a string names a field ("course" is
// F("course")), an expression is itself, any other value is a literal (Value(...)).
class Operand {
 public:
  Operand(const char* field);            // NOLINT(google-explicit-constructor)
  Operand(std::string field);            // NOLINT(google-explicit-constructor)
  Operand(Expr e) : e_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  template <class V>
  requires(std::constructible_from<Value, V&&> && !std::is_convertible_v<V&&, std::string_view> &&
           !std::is_same_v<std::remove_cvref_t<V>, Expr>)
      Operand(V&& v)  // NOLINT(google-explicit-constructor)
      : e_(Value(std::forward<V>(v))) {}
  const Expr& expr() const { return e_; }

 private:
  Expr e_;
};

// A condition: a lookup ("gpa__gt" with a value), or Qs combined with & | ~.
class Q {
 public:
  Q();  // matches everything
  Q(std::string lookup, Expr rhs);
  // A boolean expression as a condition: Q(Exists(orders)), Q(~Exists(orders)).
  explicit Q(const Expr& condition);
  // Django's filter(a=1, b=2): every pair must hold.
  Q(std::initializer_list<std::pair<std::string, Expr>> lookups);
  explicit Q(std::shared_ptr<const detail::QNode> node) : node_(std::move(node)) {}

  bool empty() const;
  const detail::QNode& node() const { return *node_; }
  const std::shared_ptr<const detail::QNode>& ptr() const { return node_; }

  friend Q operator&(const Q& a, const Q& b);
  friend Q operator|(const Q& a, const Q& b);
  Q operator~() const;
  Q& operator&=(const Q& other) { return *this = *this & other; }
  Q& operator|=(const Q& other) { return *this = *this | other; }

 private:
  std::shared_ptr<const detail::QNode> node_;
};

class When {
 public:
  When(Q condition, Expr then) : condition_(std::move(condition)), then_(std::move(then)) {}
  When(std::string lookup, Expr value, Expr then)
      : condition_(std::move(lookup), std::move(value)), then_(std::move(then)) {}
  const Q& condition() const { return condition_; }
  const Expr& then() const { return then_; }

 private:
  Q condition_;
  Expr then_;
};

// CASE WHEN ... THEN ... ELSE default END. `output` fixes the result's type (Django's
// output_field); without it the type follows the THEN values.
Expr Case(std::vector<When> whens, Expr otherwise = Value(),
          std::optional<FieldSpec> output = std::nullopt);
// The same expression with a declared output type.
Expr ExpressionWrapper(Expr e, FieldSpec output);

struct AggregateOptions {
  bool distinct = false;
  // Only rows matching this condition are aggregated (FILTER (WHERE ...) or CASE).
  std::optional<Q> filter{};
  // What an aggregate over no rows gives instead of NULL (Django's default=): COALESCE.
  std::optional<Expr> default_value{};
  // StdDev and Variance: of a sample (n - 1) rather than of the whole population.
  bool sample = false;
};

// Aggregates take a field path ("amount", "order__amount") or an expression. The name
// they are returned under by aggregate() is "<field>__<function>", as in Django.
#define QUARRY_AGGREGATE(Name)                                                \
  Expr Name(Expr arg, AggregateOptions options = {});                         \
  inline Expr Name(const char* field, AggregateOptions options = {}) {        \
    return Name(F(field), std::move(options));                                \
  }                                                                           \
  inline Expr Name(const std::string& field, AggregateOptions options = {}) { \
    return Name(F(field), std::move(options));                                \
  }
QUARRY_AGGREGATE(Count)
QUARRY_AGGREGATE(Sum)
QUARRY_AGGREGATE(Avg)
QUARRY_AGGREGATE(Max)
QUARRY_AGGREGATE(Min)
QUARRY_AGGREGATE(StdDev)
QUARRY_AGGREGATE(Variance)
#undef QUARRY_AGGREGATE
// COUNT(*).
Expr CountAll(AggregateOptions options = {});

// Functions, spelled by each dialect.
#define QUARRY_UNARY_FUNCTION(Name)            \
  Expr Name(Expr arg);                         \
  inline Expr Name(const char* field) {        \
    return Name(F(field));                     \
  }                                            \
  inline Expr Name(const std::string& field) { \
    return Name(F(field));                     \
  }
QUARRY_UNARY_FUNCTION(Lower)
QUARRY_UNARY_FUNCTION(Upper)
QUARRY_UNARY_FUNCTION(Length)
QUARRY_UNARY_FUNCTION(Abs)
#undef QUARRY_UNARY_FUNCTION
Expr Coalesce(std::vector<Operand> args);
// Text joined; NULL counts as '' on every backend, as in Django. As in Django, a string
// names a field: literal text is Value(" ").
Expr Concat(std::vector<Operand> args);
Expr Greatest(std::vector<Operand> args);
Expr Least(std::vector<Operand> args);
Expr Now();
// The part of the text from position `pos` (from 1), `length` characters or to the end.
Expr Substr(Operand text, int64_t pos, std::optional<int64_t> length = std::nullopt);
// Rounded to `places` decimal places, as the backend rounds (halves away from zero;
// PostgreSQL rounds a float's halves to even).
Expr Round(Operand number, int64_t places = 0);
// The value converted to a field's type: Cast("gpa", IntegerField()),
// Cast("name", CharField(255)).
Expr Cast(Operand value, FieldSpec to);

// Date and time parts (Django's Extract): year, iso_year, quarter, month, day, week (ISO
// 8601), week_day (1 = Sunday .. 7), iso_week_day (1 = Monday .. 7), hour, minute,
// second. The part is checked when the expression is made: ValueError lists these.
Expr Extract(Operand datetime, std::string_view part);
// A date or datetime truncated to the start of its year, quarter, month, week (Monday),
// day, hour, minute or second (Django's Trunc); a date stays a date.
Expr Trunc(Operand datetime, std::string_view to);

// ---- window functions -----------------------------------------------------------------

// A frame's bound, as Django's RowRange/ValueRange take them: nullopt is UNBOUNDED
// (PRECEDING at the start, FOLLOWING at the end), 0 the CURRENT ROW, -n n PRECEDING and
// n n FOLLOWING.
struct Frame {
  bool rows = true;  // ROWS; false: RANGE
  std::optional<int64_t> start;
  std::optional<int64_t> end;
};
inline Frame RowRange(std::optional<int64_t> start, std::optional<int64_t> end) {
  return Frame{true, start, end};
}
inline Frame ValueRange(std::optional<int64_t> start, std::optional<int64_t> end) {
  return Frame{false, start, end};
}

struct WindowOptions {
  std::vector<Operand> partition_by{};
  std::vector<OrderSpec> order_by{};
  std::optional<Frame> frame{};
};

// expression OVER (PARTITION BY ... ORDER BY ... frame): a ranking function below, or
// any aggregate (a running total is Window(Sum("amount"), {.order_by = {"created_at"}})).
// Servers without window functions raise NotSupportedError naming the feature.
Expr Window(Expr expression, WindowOptions options = {});

// The window functions; each only inside Window().
Expr Rank();
Expr DenseRank();
Expr RowNumber();
Expr PercentRank();
Expr CumeDist();
Expr Ntile(int64_t buckets);
// The value `offset` rows before (Lag) or after (Lead) this one, or `default_value`.
Expr Lag(Operand value, int64_t offset = 1, std::optional<Expr> default_value = std::nullopt);
Expr Lead(Operand value, int64_t offset = 1, std::optional<Expr> default_value = std::nullopt);
Expr FirstValue(Operand value);
Expr LastValue(Operand value);
Expr NthValue(Operand value, int64_t nth = 1);

}  // namespace quarry
