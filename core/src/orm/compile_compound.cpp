// WITH and compound queries: the WITH [RECURSIVE] clause of a query's CTEs, and UNION,
// INTERSECT and EXCEPT (each part a SELECT of its own, under one WITH for them all),
// ordered by the positions of their columns.
#include <algorithm>

#include "orm/sql_compiler.hpp"

namespace quarry::detail {

void Compiler::compound_select(Compiled& out) {
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
  compound_order_by(out);
  limit_clause();
}

// Ordering a combination refers to its columns by position.
void Compiler::compound_order_by(const Compiled& out) {
  const std::vector<OrderBy>& items = q_.order_by;
  if (items.empty()) return;
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

}  // namespace quarry::detail
