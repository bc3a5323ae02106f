// The trees behind Expr and Q. Immutable once built and shared between querysets, so
// chaining a queryset copies pointers, never trees. Internal to the core.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// OVER (PARTITION BY ... ORDER BY ... frame) of a Window.
struct WindowNode {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderBy> order_by;
  std::optional<Frame> frame;
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
    Subquery,   // query: a scalar subquery (or the right side of `in`)
    Exists,     // query: EXISTS (SELECT 1 ... LIMIT 1)
    OuterRef,   // args[0], a Field or OuterRef, read in the query around the subquery
    Not,        // NOT args[0]
    Window,     // args[0] OVER (window)
    CteColumn,  // func = the CTE's name, path = its column
  };
  Kind kind;
  Value value;
  std::vector<Value> values;
  std::string path;
  char op = 0;
  std::vector<ExprPtr> args;
  std::vector<std::pair<QPtr, ExprPtr>> whens;
  std::string func;                // Aggregate: SQL name; Func: dialect key after "func."
  std::string part;                // Func Extract/Trunc: the date part
  std::vector<int64_t> ints;       // Func: integer arguments (Substr's pos, Round's places, ...)
  bool window_only = false;        // a ranking function, valid only inside Window
  bool aggregate_default = false;  // Func Coalesce: an aggregate's default_value
  bool distinct = false;
  bool star = false;
  QPtr filter;
  std::optional<DeclaredOutput> output;
  std::shared_ptr<const Query> query;
  std::shared_ptr<const WindowNode> window;
  std::shared_ptr<const FieldSpec> cast;  // Func Cast: the type converted to

  explicit ExprNode(Kind k) : kind(k) {}
};

struct QNode {
  enum class Kind { Leaf, And, Or };
  Kind kind = Kind::And;
  bool negated = false;
  // Leaf: lookup "gpa__gt" and its value rhs; or, when `condition` is set, no lookup and
  // rhs the boolean expression that is the condition (Q(Exists(...))). Only Q(Expr) sets
  // it: an empty lookup is a mistake, never a condition.
  bool condition = false;
  std::string lookup;
  ExprPtr rhs;
  std::vector<QPtr> children;
};

// True when the tree holds an aggregate (so it belongs in HAVING, or forces GROUP BY).
// An aggregate inside a Window is per row and does not count.
bool contains_aggregate(const ExprNode& e);
// True when the tree holds a Window (never in GROUP BY; filtering on it needs a
// subquery).
bool contains_window(const ExprNode& e);
// The parts Extract() takes, which are also the lookup transforms of dates and times
// ("created_at__quarter"): the time parts (hour, minute, second) and the date parts.
bool is_time_part(std::string_view part);
bool is_date_part(std::string_view part);

// "-gpa", "name", "?" as an OrderBy.
OrderBy order_from_text(std::string_view text);

}  // namespace quarry::detail
