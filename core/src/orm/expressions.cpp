#include "quarry/expressions.hpp"

#include "orm/nodes.hpp"

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

Q::Q() : node_(std::make_shared<QNode>()) {}

Q::Q(std::string lookup, Expr rhs) {
  auto n = std::make_shared<QNode>();
  n->kind = QNode::Kind::Leaf;
  n->lookup = std::move(lookup);
  n->rhs = rhs.ptr();
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
  return Expr(std::move(n));
}

Expr func(const char* name, std::vector<Expr> args) {
  auto n = make_node(ExprNode::Kind::Func);
  n->func = name;
  for (auto& a : args) n->args.push_back(a.ptr());
  return Expr(std::move(n));
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

Expr Lower(Expr arg) {
  return func("Lower", {std::move(arg)});
}
Expr Upper(Expr arg) {
  return func("Upper", {std::move(arg)});
}
Expr Length(Expr arg) {
  return func("Length", {std::move(arg)});
}
Expr Coalesce(std::vector<Expr> args) {
  return func("Coalesce", std::move(args));
}
Expr Concat(std::vector<Expr> args) {
  return func("Concat", std::move(args));
}
Expr Greatest(std::vector<Expr> args) {
  return func("Greatest", std::move(args));
}
Expr Least(std::vector<Expr> args) {
  return func("Least", std::move(args));
}
Expr Now() {
  return func("Now", {});
}

namespace detail {
bool contains_aggregate(const ExprNode& e) {
  if (e.kind == ExprNode::Kind::Aggregate) return true;
  if (e.kind == ExprNode::Kind::Subquery) return false;  // its aggregates are its own
  for (const auto& a : e.args) {
    if (a && contains_aggregate(*a)) return true;
  }
  for (const auto& [cond, then] : e.whens) {
    if (contains_aggregate(*then)) return true;
  }
  return false;
}
}  // namespace detail

}  // namespace quarry
