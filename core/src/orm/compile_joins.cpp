// Joins, in the order Django makes them: plan_joins() registers the joins of the
// filter() calls and annotations as they were made (see Compiler::event_), join() finds
// or adds the join a path needs, and insert_joins() writes them after the FROM table
// once the statement is written.
#include <algorithm>
#include <typeinfo>

#include "orm/relation_paths.hpp"
#include "orm/sql_compiler.hpp"
#include "quarry/cte.hpp"

namespace quarry::detail {

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

void Compiler::from_clause() {
  w_.add(" FROM ");
  // A CTE's own queryset reads the CTE, not a table: its members' FROMs note theirs.
  if (q_.model->type() != typeid(CteRow)) w_.note_table(q_.model->table());
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
    w_.note_table(j.model->table());
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

}  // namespace quarry::detail
