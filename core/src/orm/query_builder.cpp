// The QuerySet methods that change a query: each copies it, checks the names it is
// given against the model, and returns the changed copy. filter(), exclude() and
// slices change the query itself when nothing else holds it (see own()).
#include <algorithm>
#include <atomic>
#include <limits>

#include "orm/compiler.hpp"
#include "orm/query.hpp"
#include "orm/route.hpp"
#include "quarry/queryset.hpp"

namespace quarry::detail {
namespace {

using QueryPtr = std::shared_ptr<const Query>;

std::shared_ptr<Query> copy(const Query& q) {
  return std::make_shared<Query>(q);
}

// The query to change: the one given when it is the only reference to it (a chain of
// calls on temporaries, objects<T>().filter(...).get(), makes a query per call that
// no queryset keeps), else a copy. Every Query is made non-const (copy(), make_query())
// and only shared as const, so changing the sole owner's is changing an object nobody
// else can see.
std::shared_ptr<Query> own(QueryPtr q) {
  if (q.use_count() == 1 && sole_owner_may_edit()) {
    return std::const_pointer_cast<Query>(std::move(q));
  }
  return copy(*q);
}

void no_slice(const Query& q, const char* what) {
  if (q.sliced())
    throw ProgrammingError(std::string("Cannot ") + what + " a query once a slice has been taken.");
}

void not_combined(const Query& q, const char* method) {
  if (q.combinator != Combinator::None) {
    throw NotSupportedError(std::string("Calling QuerySet.") + method +
                            "() after union(), intersection() or difference() is not supported.");
  }
}

OrderBy parse_order(const Query& q, const OrderSpec& spec) {
  if (spec.order()) {
    validate(q, spec.order()->expr);
    return *spec.order();
  }
  OrderBy o = order_from_text(*spec.text());
  validate(q, o.expr);
  return o;
}

}  // namespace

QueryPtr make_query(const ModelMeta& m) {
  return std::make_shared<Query>(m);
}

namespace {

// What a condition matches, where that is known without a query: Django's
// EmptyResultSet (an `in` an empty list) and its FullResultSet, through AND, OR, NOT.
enum class Known { Nothing, Everything, Unknown };

Known known(const Query& q, const QNode& n) {
  Known k = Known::Unknown;
  if (n.kind == QNode::Kind::Leaf) {
    if (!n.lookup.empty() && n.rhs && n.rhs->kind == ExprNode::Kind::List &&
        n.rhs->values.empty() && resolve_lookup(q, n.lookup).lookup == "in") {
      k = Known::Nothing;
    }
  } else {
    const bool all = n.kind == QNode::Kind::And;  // AND: nothing if one is; OR: if all are
    const Known absorbing = all ? Known::Nothing : Known::Everything;
    const Known neutral = all ? Known::Everything : Known::Nothing;
    k = neutral;  // an empty AND is "1 = 1", an empty OR "1 = 0"
    for (const auto& c : n.children) {
      const Known ck = known(q, *c);
      if (ck == absorbing) {
        k = absorbing;
        break;
      }
      if (ck == Known::Unknown) k = Known::Unknown;
    }
  }
  if (n.negated && k != Known::Unknown) {
    k = k == Known::Nothing ? Known::Everything : Known::Nothing;
  }
  return k;
}

}  // namespace

QueryPtr with_filter(QueryPtr from, const Q& cond, bool negate) {
  const Query& q = *from;
  no_slice(q, "filter");
  not_combined(q, negate ? "exclude" : "filter");
  validate(q, cond);
  if (cond.empty()) return from;
  const QPtr node = negate ? (~cond).ptr() : cond.ptr();
  const bool nothing = known(q, *node) == Known::Nothing;
  auto c = own(std::move(from));
  if (nothing) {
    c->empty = true;  // written "1 = 0" where SQL is still asked for (a subquery, sql())
  } else {
    c->where.push_back(node);
  }
  return c;
}

QueryPtr with_order(const Query& q, const std::vector<OrderSpec>& order) {
  no_slice(q, "reorder");
  auto c = copy(q);
  c->order_by.clear();
  for (const auto& o : order) c->order_by.push_back(parse_order(q, o));
  c->ordered = true;
  c->reversed = false;
  return c;
}

QueryPtr with_reverse(const Query& q) {
  no_slice(q, "reverse");
  auto c = copy(q);
  c->reversed = !c->reversed;
  return c;
}

QueryPtr with_distinct(const Query& q) {
  no_slice(q, "create distinct fields");
  auto c = copy(q);
  c->distinct = true;
  return c;
}

QueryPtr with_slice(QueryPtr from, int64_t low, std::optional<int64_t> high) {
  if (low < 0 || (high && *high < 0)) throw ProgrammingError("Negative indexing is not supported.");
  // A slice of a slice: [a:b][c:d] is [a+c : min(b, a+d)]. The sums saturate at
  // INT64_MAX (no table has that many rows), so no bound can wrap to a negative OFFSET.
  const auto add = [](int64_t a, int64_t b) {
    return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max()
                                                       : a + b;
  };
  const int64_t base = from->low.value_or(0);
  const std::optional<int64_t> old_high = from->high;
  auto c = own(std::move(from));
  c->low = add(base, low);
  if (high) {
    const int64_t end = add(base, std::max(*high, low));
    c->high = old_high ? std::min(*old_high, end) : end;
  }
  if (c->high && *c->low > *c->high) c->low = c->high;
  if (c->low == 0) c->low.reset();
  return c;
}

QueryPtr with_annotation(const Query& q, const std::string& name, const Expr& e) {
  not_combined(q, "annotate");
  check_alias(name, "annotation");
  if (q.model->find(name)) {
    throw FieldError("The annotation '" + name + "' conflicts with a field on the model.");
  }
  if (q.annotation(name)) throw FieldError("The annotation '" + name + "' is already defined.");
  validate(q, e);
  auto c = copy(q);
  c->annotations.emplace_back(name, e);
  c->annotation_filters.push_back(c->where.size());
  if (c->values_mode) {
    // values("course").annotate(n=Count("id")) groups by the values named before it.
    if (contains_aggregate(e.node()) && c->group_by.empty()) c->group_by = c->values_fields;
    if (!c->values_fields.empty()) c->values_fields.push_back(name);
  }
  return c;
}

QueryPtr with_values(const Query& q, std::vector<std::string> names) {
  for (const auto& n : names) resolve_ref(q, n);
  auto c = copy(q);
  c->values_mode = true;
  c->values_fields = std::move(names);
  return c;
}

namespace {

// only("customer__name"), defer("student__classroom__name"): ForeignKeys, then a field of
// the model they reach (Django's only()/defer() across select_related). FieldError names
// the part at fault and what it could be.
void related_field(const Query& q, const std::string& name, const char* method) {
  const ModelMeta* m = q.model;
  std::string_view rest = name;
  const auto fail = [&](std::string_view part, const std::string& what, std::string choices) {
    throw FieldError(std::string(method) + "('" + name + "'): '" + std::string(part) + "' is not " +
                     what + ". Choices are: " + (choices.empty() ? "(none)" : choices));
  };
  for (std::size_t at; (at = rest.find("__")) != std::string_view::npos;
       rest.remove_prefix(at + 2)) {
    const std::string_view part = rest.substr(0, at);
    const Field* f = m->find(part);
    if (!f || !f->is_foreign_key() || part == f->column()) {
      std::string list;
      for (const Field* k : m->foreign_keys()) list += (list.empty() ? "" : ", ") + k->name();
      fail(part, "a ForeignKey of " + m->name(), list);
    }
    m = &f->target();
  }
  if (!m->find(rest)) {
    std::string list;
    for (const auto& f : m->fields()) list += (list.empty() ? "" : ", ") + f->name();
    fail(rest, "a field of " + m->name(), list);
  }
}

}  // namespace

QueryPtr with_fields(const Query& q, std::vector<std::string> names, bool defer) {
  if (!q.model->has_state()) {
    // Without per-object state a partly loaded object could be saved over a full row.
    throw ImproperlyConfigured(
        std::string(defer ? "defer()" : "only()") + " needs " + q.model->name() +
        " to declare a quarry::ModelState member (m.state(&" + q.model->name() +
        "::state)), so that save() knows which fields were loaded");
  }
  for (const auto& n : names) {
    if (n.find("__") == std::string::npos) {
      q.model->field(n);
    } else {
      related_field(q, n, defer ? "defer" : "only");
    }
  }
  auto c = copy(q);
  auto& shared = defer ? c->defer_fields : c->only_fields;
  if (!defer) shared.clear();  // only() replaces, defer() adds, as in Django
  auto& list = shared.edit();
  list.insert(list.end(), names.begin(), names.end());
  return c;
}

QueryPtr with_none(const Query& q) {
  auto c = copy(q);
  c->empty = true;
  return c;
}

QueryPtr with_alias(const Query& q, std::string alias) {
  auto c = copy(q);
  c->alias = std::move(alias);
  return c;
}

QueryPtr with_combination(const Query& q, int kind, const Query& other, bool all) {
  if (q.model != other.model) {
    throw ProgrammingError(
        "union(), intersection() and difference() combine querysets of one model");
  }
  const auto k = static_cast<Combinator>(kind);
  if (q.combinator != Combinator::None && (q.combinator != k || q.combinator_all != all)) {
    throw NotSupportedError("combining a combined queryset another way is not supported");
  }
  auto c = copy(q);
  c->combinator = k;
  c->combinator_all = all;
  c->combined.push_back(std::make_shared<Query>(other));
  return c;
}

QueryPtr with_for_update(const Query& q, ForUpdate options) {
  if (options.nowait && options.skip_locked) {
    throw ValueError("The nowait option cannot be used with skip_locked.");
  }
  auto c = copy(q);
  c->for_update = true;
  c->lock = std::move(options);
  return c;
}

QueryPtr with_select_related(const Query& q, std::vector<std::string> paths, bool all_non_null) {
  not_combined(q, "select_related");
  auto c = copy(q);
  std::vector<std::string> wanted;
  if (all_non_null) {
    // Every non-null ForeignKey, depth first, as far as they go (not around a cycle).
    std::vector<const ModelMeta*> seen{q.model};
    auto follow = [&](auto& self, const ModelMeta& m, const std::string& prefix) -> void {
      for (const Field* f : m.foreign_keys()) {
        if (f->null()) continue;
        const ModelMeta* t = &f->target();
        if (std::find(seen.begin(), seen.end(), t) != seen.end() || seen.size() > 5) continue;
        wanted.push_back(prefix + f->name());
        seen.push_back(t);
        self(self, *t, prefix + f->name() + "__");
        seen.pop_back();
      }
    };
    follow(follow, *q.model, "");
  } else {
    for (const auto& p : paths) {
      relation_path(q, p);  // checks every part
      // "order__customer" brings "order" too: each object hangs on its parent.
      for (std::size_t at = p.find("__"); at != std::string::npos; at = p.find("__", at + 2)) {
        wanted.push_back(p.substr(0, at));
      }
      wanted.push_back(p);
    }
  }
  for (auto& w : wanted) {
    if (std::find(c->select_related.begin(), c->select_related.end(), w) ==
        c->select_related.end()) {
      c->select_related.push_back(std::move(w));
    }
  }
  return c;
}

QueryPtr with_prefetch(const Query& q, std::vector<Prefetch> lookups) {
  not_combined(q, "prefetch_related");
  auto c = copy(q);
  if (lookups.empty()) c->prefetch.clear();
  for (auto& p : lookups) {
    if (p.lookup.empty()) throw FieldError("prefetch_related() needs a lookup name");
    check_prefetch_lookup(*q.model, p.lookup);
    c->prefetch.push_back(std::move(p));
  }
  return c;
}

bool has_prefetch(const Query& q) {
  return !q.prefetch.empty();
}

QueryPtr with_fetch_mode(const Query& q, FetchMode mode) {
  auto c = copy(q);
  c->fetch_mode = mode;
  return c;
}

QueryPtr with_cache(const Query& q, std::optional<int64_t> ttl_ms) {
  auto c = copy(q);
  c->cache_ttl_ms = ttl_ms;
  c->no_cache = !ttl_ms;
  return c;
}

QueryPtr with_default_order_by_pk(const Query& q, bool descending) {
  auto c = copy(q);
  const bool has_order = q.ordered ? !q.order_by.empty() : !q.model->ordering().empty();
  if (!has_order) {
    c->order_by = {OrderBy{F("pk"), false}};
    c->ordered = true;
  }
  if (descending) c->reversed = !c->reversed;
  return c;
}

const ModelMeta& model_of(const Query& q) {
  return *q.model;
}
const std::string& alias_of(const Query& q) {
  return q.alias;
}

std::string write_alias_of(const Query& q) {
  return route_write(*q.model, q.alias, nullptr).alias();
}
bool is_none(const Query& q) {
  return q.matches_nothing();
}
bool has_annotations(const Query& q) {
  return !q.annotations.empty();
}

Expr subquery(std::shared_ptr<const Query> q) {
  auto c = copy(*q);
  if (!c->values_mode) {  // a queryset of objects stands for their primary keys
    c->values_mode = true;
    c->values_fields = {"pk"};
  }
  auto n = std::make_shared<ExprNode>(ExprNode::Kind::Subquery);
  n->query = without_default_ordering(std::move(c));
  return Expr(std::move(n));
}

std::shared_ptr<const Query> without_default_ordering(std::shared_ptr<const Query> q) {
  if (q->ordered || q->sliced() || q->combinator != Combinator::None) return q;
  auto c = copy(*q);
  c->ordered = true;
  return c;
}

Expr exists_subquery(std::shared_ptr<const Query> q) {
  auto c = copy(*q);
  // Which rows exist is all it asks: no related columns, no order (a slice keeps its
  // order: it picks the rows).
  if (!c->sliced()) {
    c->order_by.clear();
    c->ordered = true;
  }
  c->select_related.clear();
  auto n = std::make_shared<ExprNode>(ExprNode::Kind::Exists);
  n->query = std::move(c);
  return Expr(std::move(n));
}

}  // namespace quarry::detail
