#include "orm/query.hpp"
#include "orm/lookups.hpp"
#include "orm/relation_paths.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace quarry::detail {
namespace {

bool is_lookup(std::string_view s) {
  return find_lookup(s) != nullptr;
}

// The transforms a kind offers.
bool has_transform(std::optional<FieldKind> kind, std::string_view t) {
  const TransformRow* row = find_transform(t);
  return row && kind && (row->kinds & kind_bit(*kind)) != 0;
}

// The parts of "a__b__c", without allocating: at most kMaxParts, as no valid path has more.
// A path with an empty part ("", "name__", "__name", "a____b") names nothing: refused
// here, so that no caller can mistake it for "no condition" or "the whole row".
constexpr std::size_t kMaxParts = 8;
std::size_t split(std::string_view path, std::array<std::string_view, kMaxParts>& parts) {
  std::size_t n = 0, start = 0;
  for (;;) {
    const std::size_t at = path.find("__", start);
    if (n == kMaxParts) throw FieldError("'" + std::string(path) + "' has too many parts");
    parts[n++] = path.substr(start, at - start);
    if (parts[n - 1].empty()) {
      throw FieldError(path.empty() ? std::string("A field name or lookup cannot be empty")
                                    : "Invalid lookup '" + std::string(path) +
                                          "': a part between '__' separators is empty");
    }
    if (at == std::string_view::npos) return n;
    start = at + 2;
  }
}

std::optional<FieldKind> kind_of(const Resolved& r);

[[noreturn]] void unknown_name(const Query& q, const ModelMeta& m, std::string_view name) {
  std::vector<std::string> names = relation_names(m);
  for (const auto& f : m.fields()) names.push_back(f->name());
  if (&m == q.model) {
    for (const auto& [n, e] : q.annotations) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw FieldError("Cannot resolve keyword '" + std::string(name) +
                   "' into field. Choices are: " + list);
}

Resolved resolve(const Query& q, std::string_view path, bool allow_lookup) {
  std::array<std::string_view, kMaxParts> parts;
  const std::size_t nparts = split(path, parts);
  Resolved r;
  std::size_t i = 0;
  const ModelMeta* model = q.model;
  if (const Expr* a = q.annotation(parts[0])) {
    r.annotation = a;
    r.name = parts[0];
    i = 1;
  } else {
    // Fields, crossing ForeignKeys while the next part names something of the model
    // pointed at. "customer", "customer_id", "customer__pk" and "customer__id" all stop
    // at the key column, with no join.
    const auto add_hop = [&](const Hop& h) {
      if (r.hop_count == Resolved::kMaxHops) {
        throw FieldError("'" + std::string(path) + "' crosses too many relations");
      }
      r.hop_list[r.hop_count++] = h;
    };
    for (;; ++i) {
      const Field* f = model->find(parts[i]);
      if (!f) {
        // A ManyToManyField or a reverse relation: "orders__amount", "authors__name".
        const std::optional<Relation> rel = find_relation(*model, parts[i]);
        if (!rel) unknown_name(q, *model, parts[i]);
        for (const Hop& h : rel->hops()) add_hop(h);
        const bool last =
            i + 1 == nparts || (allow_lookup && i + 2 == nparts && is_lookup(parts[i + 1]) &&
                                !rel->to->find(parts[i + 1]));
        if (last) {
          // The relation itself ("orders__in", "authors", "orders__isnull"): the key of
          // the rows reached; through a ManyToManyField's table, its column holding it.
          if (rel->hop_count == 2) {
            r.field = rel->hop_list[1].via;
            --r.hop_count;
          } else {
            r.field = &rel->to->pk();
          }
          r.name = r.field->name();
          break;
        }
        model = rel->to;
        continue;
      }
      r.field = f;
      r.name = f->name();
      if (!f->is_foreign_key() || i + 1 == nparts || parts[i] == f->column()) break;
      const ModelMeta& target = f->target();
      const std::string_view next = parts[i + 1];
      const bool to_key = next == "pk" || next == target.pk().name();
      if (to_key &&
          (i + 2 == nparts || (allow_lookup && i + 3 == nparts && is_lookup(parts[i + 2])))) {
        ++i;  // the key column itself
        break;
      }
      if (!target.find(next) && !find_relation(target, next)) {
        break;  // a lookup on the key (customer__in), or a mistake
      }
      add_hop(Hop{f, &target, false});
      model = &target;
    }
    ++i;
  }
  auto type_name = [&r] {
    return r.field && r.transform_count == 0 ? std::string(kind_name(r.field->kind()))
                                             : "this expression";
  };
  for (; i < nparts; ++i) {
    const std::string_view p = parts[i];
    const std::optional<FieldKind> current = transformed_kind(kind_of(r), r.transforms());
    if (has_transform(current, p) && r.transform_count < Resolved::kMaxTransforms) {
      r.transform_list[r.transform_count++] = p;
      continue;
    }
    if (const LookupRow* row = allow_lookup && i + 1 == nparts ? find_lookup(p) : nullptr) {
      if (current && !row->applies_to(*current)) {
        throw FieldError("Unsupported lookup '" + std::string(p) + "' for " + type_name() + ": " +
                         std::string(row->wrong_kind));
      }
      r.lookup = p;
      return r;
    }
    if (r.field && r.field->is_foreign_key() && r.transform_count == 0) {
      unknown_name(q, r.field->target(), p);  // customer__nmae: the customer's choices
    }
    throw FieldError("Unsupported lookup '" + std::string(p) + "' for " + type_name() +
                     " or join on the field not permitted");
  }
  if (allow_lookup) r.lookup = "exact";
  return r;
}

std::optional<FieldKind> kind_of(const Resolved& r) {
  if (r.field) return r.field->data_kind();
  if (r.annotation) {
    const ExprNode& n = r.annotation->node();
    if (n.output) return n.output->kind;
    if (n.kind == ExprNode::Kind::Field) return std::nullopt;  // resolved when compiled
  }
  return std::nullopt;
}

void validate_q(const Query& q, const QNode& n);

void validate_expr(const Query& q, const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::Field:
      resolve_ref(q, e.path);
      break;
    case ExprNode::Kind::Case:
      for (const auto& [cond, then] : e.whens) {
        validate_q(q, *cond);
        validate_expr(q, *then);
      }
      break;
    case ExprNode::Kind::Aggregate:
      if (e.filter) validate_q(q, *e.filter);
      break;
    case ExprNode::Kind::Func:
      if (e.window_only) {
        throw ProgrammingError(e.func + " is a window function: use it inside Window()");
      }
      break;
    case ExprNode::Kind::Window:
      for (const auto& p : e.window->partition_by) validate_expr(q, *p);
      for (const auto& o : e.window->order_by) validate_expr(q, o.expr.node());
      // Its function is checked here, not as an expression of its own.
      for (const auto& a : e.args[0]->args) validate_expr(q, *a);
      if (e.args[0]->filter) validate_q(q, *e.args[0]->filter);
      return;
    case ExprNode::Kind::Subquery:
    case ExprNode::Kind::Exists:
      // The names its OuterRef()s read belong to this query.
      for_each_outer_ref(*e.query, [&](const ExprNode& ref) { validate_expr(q, ref); });
      return;
    case ExprNode::Kind::OuterRef:
      return;  // resolved against the query around, when that is known
    default:
      break;
  }
  for (const auto& a : e.args) {
    if (a) validate_expr(q, *a);
  }
}

// Whether an expression can stand as a condition on its own, as Django's
// `conditional` expressions: Exists, NOT of one, a boolean field or annotation, or an
// expression declared boolean. Anything else (a text field, a number) would make the
// database read a value as true or false.
bool conditional(const Query& q, const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::Exists:
      return true;
    case ExprNode::Kind::Not:
      return conditional(q, *e.args[0]);
    case ExprNode::Kind::Field: {
      const Resolved r = resolve_ref(q, e.path);
      if (r.annotation) return conditional(q, r.annotation->node());
      return r.transform_count == 0 && r.field && r.field->data_kind() == FieldKind::Boolean;
    }
    default:
      return e.output && e.output->kind == FieldKind::Boolean;
  }
}

void validate_q(const Query& q, const QNode& n) {
  if (n.kind == QNode::Kind::Leaf) {
    if (n.condition) {
      validate_expr(q, *n.rhs);
      if (!conditional(q, *n.rhs)) {
        throw FieldError(
            "Cannot filter against a non-conditional expression: a condition is a lookup with "
            "its value, or a boolean expression (Exists(), a boolean field)");
      }
      return;
    }
    resolve_lookup(q, n.lookup);
    if (n.rhs) validate_expr(q, *n.rhs);
    return;
  }
  for (const auto& c : n.children) validate_q(q, *c);
}

template <class Fn>
void outer_refs_in(const ExprNode& e, Fn& fn);

template <class Fn>
void outer_refs_in(const QNode& n, Fn& fn) {
  if (n.rhs) outer_refs_in(*n.rhs, fn);
  for (const auto& c : n.children) outer_refs_in(*c, fn);
}

template <class Fn>
void outer_refs_in(const ExprNode& e, Fn& fn) {
  if (e.kind == ExprNode::Kind::OuterRef) {
    // OuterRef(OuterRef(...)) reaches further out than the query around.
    if (e.args[0]->kind != ExprNode::Kind::OuterRef) fn(*e.args[0]);
    return;
  }
  if (e.query) return;  // a subquery's OuterRefs are about the query it is in
  for (const auto& a : e.args) {
    if (a) outer_refs_in(*a, fn);
  }
  for (const auto& [cond, then] : e.whens) {
    outer_refs_in(*cond, fn);
    outer_refs_in(*then, fn);
  }
  if (e.filter) outer_refs_in(*e.filter, fn);
  if (e.window) {
    for (const auto& p : e.window->partition_by) outer_refs_in(*p, fn);
    for (const auto& o : e.window->order_by) outer_refs_in(o.expr.node(), fn);
  }
}

}  // namespace

void for_each_outer_ref(const Query& q, const std::function<void(const ExprNode&)>& fn) {
  for (const auto& w : q.where) outer_refs_in(*w, fn);
  for (const auto& [name, e] : q.annotations) outer_refs_in(e.node(), fn);
  for (const auto& o : q.order_by) outer_refs_in(o.expr.node(), fn);
}

const Expr* Query::annotation(std::string_view name) const {
  for (const auto& [n, e] : annotations) {
    if (n == name) return &e;
  }
  return nullptr;
}

bool Query::has_aggregate_annotation() const {
  for (const auto& [n, e] : annotations) {
    if (contains_aggregate(e.node())) return true;
  }
  return false;
}

bool Query::has_window_annotation() const {
  for (const auto& [n, e] : annotations) {
    if (contains_window(e.node())) return true;
  }
  return false;
}

std::vector<Hop> relation_path(const Query& q, std::string_view path) {
  std::array<std::string_view, kMaxParts> parts;
  const std::size_t nparts = split(path, parts);
  std::vector<Hop> hops;
  const ModelMeta* model = q.model;
  for (std::size_t i = 0; i < nparts; ++i) {
    const Field* f = model->find(parts[i]);
    if (!f || !f->is_foreign_key() || parts[i] == f->column()) {
      std::string list;
      for (const Field* k : model->foreign_keys()) list += (list.empty() ? "" : ", ") + k->name();
      throw FieldError("Invalid field name(s) given in select_related: '" + std::string(parts[i]) +
                       "'. Choices are: " + (list.empty() ? "(none)" : list));
    }
    hops.push_back(Hop{f, &f->target(), false});
    model = &f->target();
  }
  return hops;
}

Resolved resolve_lookup(const Query& q, std::string_view path) {
  return resolve(q, path, true);
}
Resolved resolve_ref(const Query& q, std::string_view path) {
  return resolve(q, path, false);
}

std::optional<FieldKind> transformed_kind(std::optional<FieldKind> base,
                                          std::span<const std::string_view> transforms) {
  for (const auto& t : transforms) {
    const TransformRow* row = find_transform(t);
    base = row ? row->gives : FieldKind::Integer;
  }
  return base;
}

void validate(const Query& q, const Expr& e) {
  validate_expr(q, e.node());
}

void check_alias(std::string_view name, std::string_view what) {
  const bool ok = !name.empty() && name.size() <= 63 && !(name[0] >= '0' && name[0] <= '9') &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_';
                  });
  if (!ok) {
    throw ValueError("'" + std::string(name) + "' is not a valid " + std::string(what) +
                     " name: ASCII letters, digits and '_', at most 63 of them, not starting "
                     "with a digit");
  }
}
void validate(const Query& q, const Q& cond) {
  validate_q(q, cond.node());
}

void validate(const Query& q) {
  for (const auto& w : q.where) validate_q(q, *w);
  for (const auto& [name, e] : q.annotations) validate_expr(q, e.node());
  for (const auto& o : q.order_by) validate_expr(q, o.expr.node());
  for (const auto& f : q.values_fields) resolve_ref(q, f);
}

}  // namespace quarry::detail
