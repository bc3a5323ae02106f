// Conditions: a Q tree (AND, OR, NOT; a negated condition across a relation to many rows
// as EXISTS, as Django's exclude()), and the WHERE and HAVING clauses that hold the
// query's filter() calls. One lookup is written by compile_lookup.cpp.
#include <algorithm>

#include "orm/relation_paths.hpp"
#include "orm/sql_compiler.hpp"

namespace quarry::detail {
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
}  // namespace

bool refers_to_aggregate(const Query& q, const QNode& n) {
  return refers_to(q, n, [](const ExprNode& e) { return contains_aggregate(e); });
}

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
    children(n);
  }
  if (n.negated) {
    w_.add(')');
    negated_ = !negated_;
  }
}

// The children of an AND or OR, in parentheses.
void Compiler::children(const QNode& n) {
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
  w_.table(hop.to->table());
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

}  // namespace quarry::detail
