// The trees behind Expr and Q. Immutable once built and shared between querysets, so
// chaining a queryset copies pointers, never trees. Internal to the core.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quarry/expressions.hpp"
#include "quarry/fields.hpp"
#include "quarry/value.hpp"

namespace quarry::detail {

class Query;
using ExprPtr = std::shared_ptr<const ExprNode>;
using QPtr = std::shared_ptr<const QNode>;

// What a Case or ExpressionWrapper declares it gives: all the compiler needs of the
// FieldSpec it was given.
struct DeclaredOutput {
  FieldKind kind;
  int decimal_places = -1;
};

struct ExprNode {
  enum class Kind {
    Literal,    // value
    List,       // values (the right side of `in`)
    Field,      // path: a field, an annotation, or a path across relations
    Binary,     // op, args[0] op args[1]
    Negate,     // -args[0]
    Case,       // whens, args[0] = the ELSE
    Aggregate,  // func ("COUNT", "SUM", ...), args[0] (or star), distinct, filter
    Func,       // func = dialect key after "func.", args
    Wrapper,    // args[0] with a declared output
    Subquery,   // query
  };
  Kind kind;
  Value value;
  std::vector<Value> values;
  std::string path;
  char op = 0;
  std::vector<ExprPtr> args;
  std::vector<std::pair<QPtr, ExprPtr>> whens;
  std::string func;
  bool distinct = false;
  bool star = false;
  QPtr filter;
  std::optional<DeclaredOutput> output;
  std::shared_ptr<const Query> query;

  explicit ExprNode(Kind k) : kind(k) {}
};

struct QNode {
  enum class Kind { Leaf, And, Or };
  Kind kind = Kind::And;
  bool negated = false;
  std::string lookup;  // Leaf: "gpa__gt"
  ExprPtr rhs;         // Leaf
  std::vector<QPtr> children;
};

// True when the tree holds an aggregate (so it belongs in HAVING, or forces GROUP BY).
bool contains_aggregate(const ExprNode& e);

}  // namespace quarry::detail
