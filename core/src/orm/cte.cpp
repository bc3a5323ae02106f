// Common table expressions: a queryset named in WITH, its columns described as the
// fields of a model derived from it, so that selecting from it (filter, order_by,
// values) resolves names exactly as it does for models.
#include "quarry/cte.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "orm/compiler.hpp"
#include "orm/query.hpp"
#include "orm/route.hpp"
#include "quarry/database.hpp"

namespace quarry::detail {
namespace {

struct Column {
  std::string name;
  FieldKind kind;
  int places;
};

FieldSpec spec_of(const Column& c, bool first) {
  FieldKind k = c.kind;
  // The derived model only reads: no auto keys, and text of any length.
  if (k == FieldKind::Auto) k = FieldKind::Integer;
  if (k == FieldKind::BigAuto) k = FieldKind::BigInteger;
  if (k == FieldKind::Char) k = FieldKind::Text;
  FieldSpec s(k);
  if (k == FieldKind::Decimal) s = s.max_digits(Decimal::kMaxDigits).decimal_places(c.places);
  // A model has a primary key; first() and last() order by it.
  return first ? s.primary_key() : s;
}

// One derived model per CTE name and column list, kept for the life of the process (as
// models are): compiled SQL caches hold on to models by address.
const ModelMeta* derived_model(const std::string& name, const std::vector<Column>& columns) {
  std::string key = name;
  for (const auto& c : columns) {
    key += '\x1f' + c.name + ':' + std::string(kind_name(c.kind)) + ':' + std::to_string(c.places);
  }
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<ModelMeta>> models;
  std::lock_guard lock(mutex);
  auto& slot = models[key];
  if (!slot) {
    auto m = std::make_unique<ModelMeta>(name, typeid(CteRow));
    m->set_table(name);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      m->add_field(make_unbound_field(columns[i].name, spec_of(columns[i], i == 0)));
    }
    m->finish(/*declared=*/false);
    slot = std::move(m);
  }
  return slot.get();
}

// The columns a queryset selects (for a union, its first part's), named and typed.
const ModelMeta* columns_of(const std::string& name, const Query& q) {
  Query head = q;
  head.combinator = Combinator::None;
  head.combined.clear();
  head.select_related.clear();
  const Compiled c = compile_select(head, route_read(q).db->dialect());
  std::vector<Column> columns;
  for (const Field* f : c.fields) {
    columns.push_back({f->column(), f->data_kind(),
                       f->kind() == FieldKind::Decimal ? f->spec().decimal_places() : -1});
  }
  for (const auto& e : c.extras) {
    // A field of values() by its column name too (values("parent") is "parent_id"), as
    // django-cte names them: its column in the SQL.
    std::string column = e.name;
    if (head.values_mode && !head.annotation(e.name)) {
      const Resolved r = resolve_ref(head, e.name);
      if (r.field && r.hop_count == 0 && r.transform_count == 0) column = r.field->column();
    }
    columns.push_back({std::move(column), e.kind.value_or(FieldKind::Text), e.decimal_places});
  }
  return derived_model(name, columns);
}

}  // namespace

const Field& cte_column_field(const CteNode& cte, std::string_view column) {
  if (!cte.columns) {
    throw ProgrammingError("the recursive CTE '" + cte.name + "' is still being defined");
  }
  if (const Field* f = cte.columns->find(column)) return *f;
  throw FieldError("'" + std::string(column) + "' is not a column of the CTE '" + cte.name +
                   "'. Choices are: " + cte.columns->choices());
}

std::shared_ptr<CteNode> make_cte(std::shared_ptr<const Query> q, std::string name) {
  check_alias(name, "CTE");
  q = without_default_ordering(std::move(q));
  auto node = std::make_shared<CteNode>();
  node->name = std::move(name);
  node->columns = columns_of(node->name, *q);
  node->query = std::move(q);
  return node;
}

std::shared_ptr<CteNode> make_recursive_cte(std::string name) {
  check_alias(name, "CTE");
  auto node = std::make_shared<CteNode>();
  node->name = std::move(name);
  node->recursive = true;
  return node;
}

void finish_recursive_cte(CteNode& node, std::shared_ptr<const Query> q) {
  if (q->combinator != Combinator::Union) {
    throw ProgrammingError("the recursive CTE '" + node.name +
                           "' is the base rows united with rows joined to it: "
                           "base.union_(self.join(...), true)");
  }
  node.columns = columns_of(node.name, *q);
  node.query = std::move(q);
}

const std::string& cte_name(const CteNode& node) {
  return node.name;
}

Expr cte_column(const CteNode& node, std::string column) {
  // A recursive CTE's own columns are checked when it is compiled, where "pk" becomes
  // the first column's own name.
  if (node.columns) cte_column_field(node, column);
  auto n = std::make_shared<ExprNode>(ExprNode::Kind::CteColumn);
  n->func = node.name;
  n->path = std::move(column);
  return Expr(std::move(n));
}

std::shared_ptr<const Query> cte_rows(const std::shared_ptr<const CteNode>& node) {
  if (!node->query) {
    throw ProgrammingError("the recursive CTE '" + node->name +
                           "' is still being defined: inside its definition, join it");
  }
  auto q = std::make_shared<Query>(*node->columns);
  q->alias = node->query->alias;
  q->hint_db = node->query->hint_db;
  q->values_mode = true;
  q->ordered = true;
  q->ctes.push_back(node);
  return q;
}

std::shared_ptr<const Query> with_cte_join(const Query& q,
                                           const std::shared_ptr<const CteNode>& node,
                                           const std::string& field, const std::string& column) {
  const Field& f = q.model->field(field);
  if (node->columns) cte_column_field(*node, column);  // checked now where it can be
  auto c = std::make_shared<Query>(q);
  c->cte_joins.push_back(CteJoin{node->name, &f, column});
  // A recursive CTE joined inside its own definition is in the WITH already.
  const bool defining = node->recursive && !node->query;
  bool listed = false;
  for (const auto& n : c->ctes) {
    if (n->name != node->name) continue;
    if (n != node) {
      throw ProgrammingError("two different CTEs are named '" + node->name + "' in one query");
    }
    listed = true;
  }
  if (!defining && !listed) c->ctes.push_back(node);
  return c;
}

}  // namespace quarry::detail
