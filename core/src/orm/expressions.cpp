#include "quarry/expressions.hpp"

#include <algorithm>
#include <array>

#include "orm/nodes.hpp"
#include "quarry/errors.hpp"

namespace quarry {
namespace {
using detail::ExprNode;
using detail::QNode;

std::shared_ptr<ExprNode> make_node(ExprNode::Kind k) {
  return std::make_shared<ExprNode>(k);
}
}  // namespace

std::shared_ptr<const detail::ExprNode> Expr::literal(Value v) {
  auto n = make_node(ExprNode::Kind::Literal);
  n->value = std::move(v);
  return n;
}

std::shared_ptr<const detail::ExprNode> Expr::list(std::vector<Value> values) {
  auto n = make_node(ExprNode::Kind::List);
  n->values = std::move(values);
  return n;
}

Expr Expr::binary(char op, const Expr& a, const Expr& b) {
  auto n = make_node(ExprNode::Kind::Binary);
  n->op = op;
  n->args = {a.node_, b.node_};
  return Expr(std::move(n));
}

Expr Expr::operator-() const {
  auto n = make_node(ExprNode::Kind::Negate);
  n->args = {node_};
  return Expr(std::move(n));
}

Expr Expr::operator~() const {
  auto n = make_node(ExprNode::Kind::Not);
  n->args = {node_};
  return Expr(std::move(n));
}

Operand::Operand(const char* field) : e_(F(field)) {}
Operand::Operand(std::string field) : e_(F(std::move(field))) {}

OrderBy Expr::asc(OrderOptions options) const {
  return OrderBy{*this, false, options};
}
OrderBy Expr::desc(OrderOptions options) const {
  return OrderBy{*this, true, options};
}

Expr F(std::string path) {
  auto n = make_node(ExprNode::Kind::Field);
  n->path = std::move(path);
  return Expr(std::move(n));
}

Expr OuterRef(std::string path) {
  return OuterRef(F(std::move(path)));
}
Expr OuterRef(const Expr& outer_ref) {
  const auto k = outer_ref.node().kind;
  if (k != ExprNode::Kind::Field && k != ExprNode::Kind::OuterRef) {
    throw ProgrammingError("OuterRef takes a field name or another OuterRef");
  }
  auto n = make_node(ExprNode::Kind::OuterRef);
  n->args = {outer_ref.ptr()};
  return Expr(std::move(n));
}

Q::Q() : node_(std::make_shared<QNode>()) {}

Q::Q(std::string lookup, Expr rhs) {
  auto n = std::make_shared<QNode>();
  n->kind = QNode::Kind::Leaf;
  n->lookup = std::move(lookup);
  n->rhs = rhs.ptr();
  node_ = std::move(n);
}

Q::Q(const Expr& condition) {
  if (condition.node().kind == ExprNode::Kind::Literal ||
      condition.node().kind == ExprNode::Kind::List) {
    throw ProgrammingError(
        "a condition is a lookup with its value, or a boolean expression such as Exists(); "
        "not a value");
  }
  auto n = std::make_shared<QNode>();
  n->kind = QNode::Kind::Leaf;
  n->condition = true;
  n->rhs = condition.ptr();
  node_ = std::move(n);
}

Q::Q(std::initializer_list<std::pair<std::string, Expr>> lookups) {
  auto n = std::make_shared<QNode>();
  for (const auto& [lookup, rhs] : lookups) n->children.push_back(Q(lookup, rhs).ptr());
  node_ = std::move(n);
}

bool Q::empty() const {
  return node_->kind == QNode::Kind::And && node_->children.empty();
}

namespace {
Q combine(QNode::Kind kind, const Q& a, const Q& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  auto n = std::make_shared<QNode>();
  n->kind = kind;
  // Flatten a & (b & c) into one AND, as Django does, so the SQL stays shallow.
  for (const Q* side : {&a, &b}) {
    const QNode& s = side->node();
    if (s.kind == kind && !s.negated) {
      n->children.insert(n->children.end(), s.children.begin(), s.children.end());
    } else {
      n->children.push_back(side->ptr());
    }
  }
  return Q(std::move(n));
}
}  // namespace

Q operator&(const Q& a, const Q& b) {
  return combine(QNode::Kind::And, a, b);
}
Q operator|(const Q& a, const Q& b) {
  return combine(QNode::Kind::Or, a, b);
}

Q Q::operator~() const {
  auto n = std::make_shared<QNode>(*node_);
  n->negated = !n->negated;
  return Q(std::move(n));
}

Expr Case(std::vector<When> whens, Expr otherwise, std::optional<FieldSpec> output) {
  auto n = make_node(ExprNode::Kind::Case);
  for (auto& w : whens) n->whens.emplace_back(w.condition().ptr(), w.then().ptr());
  n->args = {otherwise.ptr()};
  if (output) n->output = detail::DeclaredOutput{output->kind(), output->decimal_places()};
  return Expr(std::move(n));
}

Expr ExpressionWrapper(Expr e, FieldSpec output) {
  auto n = make_node(ExprNode::Kind::Wrapper);
  n->args = {e.ptr()};
  n->output = detail::DeclaredOutput{output.kind(), output.decimal_places()};
  return Expr(std::move(n));
}

namespace {
std::shared_ptr<ExprNode> func_node(const char* name, std::vector<Expr> args) {
  auto n = make_node(ExprNode::Kind::Func);
  n->func = name;
  for (auto& a : args) n->args.push_back(a.ptr());
  return n;
}

Expr aggregate(const char* func, const Expr* arg, AggregateOptions options) {
  auto n = make_node(ExprNode::Kind::Aggregate);
  n->func = func;
  if (arg) {
    n->args = {arg->ptr()};
  } else {
    n->star = true;
  }
  n->distinct = options.distinct;
  if (options.filter) n->filter = options.filter->ptr();
  if (!options.default_value) return Expr(std::move(n));
  if (n->func == "COUNT") {
    throw ValueError("Count does not allow default: it is 0 over no rows already");
  }
  auto c = func_node("Coalesce", {Expr(std::move(n)), *options.default_value});
  c->aggregate_default = true;
  return Expr(std::move(c));
}

Expr func(const char* name, std::vector<Expr> args) {
  return Expr(func_node(name, std::move(args)));
}

std::vector<Expr> exprs(std::vector<Operand> args) {
  std::vector<Expr> out;
  out.reserve(args.size());
  for (auto& a : args) out.push_back(a.expr());
  return out;
}

// A ranking or value function, valid only inside Window().
Expr window_func(const char* name, std::vector<Expr> args, std::vector<int64_t> ints = {}) {
  auto n = func_node(name, std::move(args));
  n->ints = std::move(ints);
  n->window_only = true;
  return Expr(std::move(n));
}

// The date parts Extract() and Trunc() take, fixed here so that no name reaches SQL
// unchecked.
constexpr std::array<std::string_view, 11> kExtractParts = {
    "year",     "iso_year",     "quarter", "month",  "day",   "week",
    "week_day", "iso_week_day", "hour",    "minute", "second"};
constexpr std::array<std::string_view, 8> kTruncParts = {"year", "quarter", "month",  "week",
                                                         "day",  "hour",    "minute", "second"};

}  // namespace

namespace detail {
bool is_time_part(std::string_view part) {
  return part == "hour" || part == "minute" || part == "second";
}
bool is_date_part(std::string_view part) {
  return !is_time_part(part) &&
         std::find(kExtractParts.begin(), kExtractParts.end(), part) != kExtractParts.end();
}
}  // namespace detail

namespace {
template <std::size_t N>
void check_part(const char* what, std::string_view part,
                const std::array<std::string_view, N>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), part) != allowed.end()) return;
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw ValueError(std::string(what) + ": '" + std::string(part) +
                   "' is not a date part; choices are: " + list);
}
}  // namespace

Expr Count(Expr arg, AggregateOptions o) {
  return aggregate("COUNT", &arg, std::move(o));
}
Expr Sum(Expr arg, AggregateOptions o) {
  return aggregate("SUM", &arg, std::move(o));
}
Expr Avg(Expr arg, AggregateOptions o) {
  return aggregate("AVG", &arg, std::move(o));
}
Expr Max(Expr arg, AggregateOptions o) {
  return aggregate("MAX", &arg, std::move(o));
}
Expr Min(Expr arg, AggregateOptions o) {
  return aggregate("MIN", &arg, std::move(o));
}
Expr CountAll(AggregateOptions o) {
  return aggregate("COUNT", nullptr, std::move(o));
}
Expr StdDev(Expr arg, AggregateOptions o) {
  return aggregate(o.sample ? "STDDEV_SAMP" : "STDDEV_POP", &arg, std::move(o));
}
Expr Variance(Expr arg, AggregateOptions o) {
  return aggregate(o.sample ? "VAR_SAMP" : "VAR_POP", &arg, std::move(o));
}

Expr Lower(Expr arg) {
  return func("Lower", {std::move(arg)});
}
Expr Upper(Expr arg) {
  return func("Upper", {std::move(arg)});
}
Expr Length(Expr arg) {
  return func("Length", {std::move(arg)});
}
Expr Abs(Expr arg) {
  return func("Abs", {std::move(arg)});
}
namespace {
// COALESCE, CONCAT, GREATEST, LEAST: two arguments or more.
Expr variadic(const char* name, std::vector<Operand> args) {
  if (args.size() < 2)
    throw ProgrammingError(std::string(name) + " needs at least two expressions");
  return func(name, exprs(std::move(args)));
}
}  // namespace

Expr Coalesce(std::vector<Operand> args) {
  return variadic("Coalesce", std::move(args));
}
Expr Concat(std::vector<Operand> args) {
  return variadic("Concat", std::move(args));
}
Expr Greatest(std::vector<Operand> args) {
  return variadic("Greatest", std::move(args));
}
Expr Least(std::vector<Operand> args) {
  return variadic("Least", std::move(args));
}
Expr Now() {
  return func("Now", {});
}
Expr Substr(Operand text, int64_t pos, std::optional<int64_t> length) {
  if (pos < 1) throw ValueError("Substr: the position starts at 1, not " + std::to_string(pos));
  if (length && *length < 0) throw ValueError("Substr: a length cannot be negative");
  auto n = func_node(length ? "SubstrLength" : "Substr", {text.expr()});
  n->ints = {pos};
  if (length) n->ints.push_back(*length);
  return Expr(std::move(n));
}
Expr Round(Operand number, int64_t places) {
  auto n = func_node(places == 0 ? "Round" : "RoundPlaces", {number.expr()});
  n->ints = {places};
  return Expr(std::move(n));
}
Expr Cast(Operand value, FieldSpec to) {
  if (is_relation(to.kind())) throw ValueError("Cast: cannot cast to a relation");
  auto n = func_node("Cast", {value.expr()});
  n->output = detail::DeclaredOutput{to.kind(), to.decimal_places()};
  n->cast = std::make_shared<const FieldSpec>(std::move(to));
  return Expr(std::move(n));
}
Expr Extract(Operand datetime, std::string_view part) {
  check_part("Extract", part, kExtractParts);
  auto n = func_node("Extract", {datetime.expr()});
  n->part = part;
  return Expr(std::move(n));
}
Expr Trunc(Operand datetime, std::string_view to) {
  check_part("Trunc", to, kTruncParts);
  auto n = func_node("Trunc", {datetime.expr()});
  n->part = to;
  return Expr(std::move(n));
}

Expr Window(Expr expression, WindowOptions options) {
  const ExprNode& e = expression.node();
  if (e.kind != ExprNode::Kind::Aggregate && !e.window_only) {
    throw ProgrammingError(
        "Window takes a window function (Rank, RowNumber, Lag, ...) or an aggregate");
  }
  auto w = std::make_shared<detail::WindowNode>();
  for (auto& p : options.partition_by) w->partition_by.push_back(p.expr().ptr());
  for (auto& o : options.order_by) {
    w->order_by.push_back(o.order() ? *o.order() : detail::order_from_text(*o.text()));
  }
  if (options.frame && options.frame->start && options.frame->end &&
      *options.frame->start > *options.frame->end) {
    throw ValueError("a window frame cannot end before it starts");
  }
  w->frame = options.frame;
  auto n = make_node(ExprNode::Kind::Window);
  n->args = {expression.ptr()};
  n->window = std::move(w);
  return Expr(std::move(n));
}

Expr Rank() {
  return window_func("Rank", {});
}
Expr DenseRank() {
  return window_func("DenseRank", {});
}
Expr RowNumber() {
  return window_func("RowNumber", {});
}
Expr PercentRank() {
  return window_func("PercentRank", {});
}
Expr CumeDist() {
  return window_func("CumeDist", {});
}
Expr Ntile(int64_t buckets) {
  if (buckets <= 0) throw ValueError("Ntile: the number of buckets must be greater than 0");
  return window_func("Ntile", {}, {buckets});
}
namespace {
// LAG and LEAD: the value `offset` rows away, or the default.
Expr offset_func(const char* name, Operand value, int64_t offset,
                 std::optional<Expr> default_value) {
  if (offset <= 0) throw ValueError(std::string(name) + ": the offset must be greater than 0");
  std::vector<Expr> args{value.expr()};
  if (default_value) args.push_back(*default_value);
  return window_func(default_value ? (std::string(name) + "Default").c_str() : name,
                     std::move(args), {offset});
}
}  // namespace

Expr Lag(Operand value, int64_t offset, std::optional<Expr> default_value) {
  return offset_func("Lag", std::move(value), offset, std::move(default_value));
}
Expr Lead(Operand value, int64_t offset, std::optional<Expr> default_value) {
  return offset_func("Lead", std::move(value), offset, std::move(default_value));
}
Expr FirstValue(Operand value) {
  return window_func("FirstValue", {value.expr()});
}
Expr LastValue(Operand value) {
  return window_func("LastValue", {value.expr()});
}
Expr NthValue(Operand value, int64_t nth) {
  if (nth <= 0) throw ValueError("NthValue: nth must be greater than 0");
  return window_func("NthValue", {value.expr()}, {nth});
}

namespace detail {
namespace {
template <class Pred>
bool contains(const ExprNode& e, Pred&& is) {
  if (is(e)) return true;
  // A subquery's aggregates are its own; a Window's aggregate is per row.
  if (e.query || e.kind == ExprNode::Kind::Window) return false;
  for (const auto& a : e.args) {
    if (a && contains(*a, is)) return true;
  }
  for (const auto& [cond, then] : e.whens) {
    if (contains(*then, is)) return true;
  }
  return false;
}
}  // namespace

bool contains_aggregate(const ExprNode& e) {
  return contains(e, [](const ExprNode& n) { return n.kind == ExprNode::Kind::Aggregate; });
}
bool contains_window(const ExprNode& e) {
  return contains(e, [](const ExprNode& n) { return n.kind == ExprNode::Kind::Window; });
}

OrderBy order_from_text(std::string_view text) {
  if (text == "?") {
    auto n = std::make_shared<ExprNode>(ExprNode::Kind::Func);
    n->func = "Random";
    return OrderBy{Expr(std::move(n))};
  }
  const bool desc = !text.empty() && text[0] == '-';
  if (desc) text.remove_prefix(1);
  return OrderBy{F(std::string(text)), desc};
}
}  // namespace detail

}  // namespace quarry
