// SELECT: Compiler::select() writes one clause per function (the select list, FROM and
// WHERE, GROUP BY and HAVING, ORDER BY, LIMIT, the row lock), with the columns of
// only()/defer(), values(), annotations and select_related's objects.
#include <algorithm>

#include "orm/sql_compiler.hpp"

namespace quarry::detail {
namespace {

// Whether only() and defer() leave field f of the model at `prefix` loaded: "" for the
// query's own model, "customer__" for a select_related one (Django's only("amount",
// "customer__name")). The key is always loaded, and a ForeignKey only() goes through.
bool loads(const Query& q, const Field& f, std::string_view prefix) {
  if (f.primary_key()) return true;
  const auto is = [&](std::string_view n) {
    return n.size() == prefix.size() + f.name().size() && n.starts_with(prefix) &&
           n.ends_with(f.name());
  };
  for (const std::string& n : q.defer_fields) {
    if (is(n)) return false;
  }
  bool restricted = false;
  for (const std::string& n : q.only_fields) {
    if (!n.starts_with(prefix)) continue;
    restricted = true;
    const std::string_view rest = std::string_view(n).substr(prefix.size());
    if (rest == f.name() ||
        (rest.starts_with(f.name()) && rest.substr(f.name().size()).starts_with("__"))) {
      return true;
    }
  }
  return !restricted;
}

// Whether an expression aggregates, directly or through an annotation it reads
// (Case(When("total__gt", ...)) over total = Sum(...)): never part of GROUP BY.
bool reads_aggregate(const Query& q, const ExprNode& e) {
  if (contains_aggregate(e)) return true;
  if (e.query || e.kind == ExprNode::Kind::Window) return false;
  if (e.kind == ExprNode::Kind::Field) {
    const Resolved r = resolve_ref(q, e.path);
    return r.annotation && reads_aggregate(q, r.annotation->node());
  }
  for (const auto& a : e.args) {
    if (a && reads_aggregate(q, *a)) return true;
  }
  for (const auto& [cond, then] : e.whens) {
    if (refers_to_aggregate(q, *cond) || reads_aggregate(q, *then)) return true;
  }
  return false;
}

}  // namespace

// The SELECT list being written: whether a comma comes next, and per column whether
// GROUP BY must list it (it is not an aggregate), kept only when there is a GROUP BY.
struct Compiler::SelectList {
  Compiled& out;
  bool grouping;
  std::vector<bool> plain;
  bool first = true;

  void comma(SqlWriter& w) {
    if (!first) w.add(", ");
    first = false;
  }
  void mark(bool is_plain) {
    if (grouping) plain.push_back(is_plain);
  }
};

void Compiler::select(Compiled& out, bool with_order) {
  if (q_.combinator != Combinator::None) {
    compound_select(out);
    return;
  }
  if (!q_.ctes.empty()) with_clause(q_.ctes);
  plan_joins();
  w_.add("SELECT ");
  if (q_.distinct) w_.add("DISTINCT ");
  SelectList list{out, needs_group_by(), {}, true};
  select_list(list);
  from_clause();
  where_clause(false);
  if (list.grouping) {
    group_by_clause(list.plain);
    where_clause(true);
  }
  if (with_order) order_by_clause();
  limit_clause();
  if (q_.for_update && d_.features().has("has_select_for_update")) lock_clause();
  insert_joins();
}

void Compiler::select_list(SelectList& list) {
  if (q_.values_mode) {
    values_columns(list);
    return;
  }
  model_columns(list);
  for (const auto& [name, e] : q_.annotations) annotation_column(list, name, e);
  if (q_.prefetch_join) prefetch_column(list);
}

// The model's fields (those only() and defer() load), then select_related's objects.
void Compiler::model_columns(SelectList& list) {
  const ModelMeta& m = *q_.model;
  const bool every_field = q_.only_fields.empty() && q_.defer_fields.empty();
  if (every_field && table_ == m.table()) {
    // The common case: the whole, cached column list.
    w_.add(quoted_model(d_, m).all_columns);
    list.first = false;
    list.out.fields.reserve(m.fields().size());
    for (const auto& f : m.fields()) list.out.fields.push_back(f.get());
    if (list.grouping) list.plain.assign(m.fields().size(), true);
  } else {
    for (const auto& f : m.fields()) {
      if (!loads(q_, *f, "")) continue;
      list.comma(w_);
      column(*f);
      list.out.fields.push_back(f.get());
      list.mark(true);
    }
  }
  select_related_columns(list.out, list.grouping ? &list.plain : nullptr);
}

// values(): the names asked for (every field and annotation when none is), each an
// extra column.
void Compiler::values_columns(SelectList& list) {
  const ModelMeta& m = *q_.model;
  std::vector<std::string> names = q_.values_fields;
  if (names.empty()) {
    for (const auto& f : m.fields()) names.push_back(f->name());
    for (const auto& [name, e] : q_.annotations) names.push_back(name);
  }
  for (const auto& name : names) {
    if (const Expr* a = q_.annotation(name)) {
      annotation_column(list, name, *a);
      continue;
    }
    list.comma(w_);
    const Resolved r = resolve_ref(q_, name);
    const auto k = reference(r);
    const int places = r.field && r.transform_count == 0 && r.field->kind() == FieldKind::Decimal
                           ? r.field->spec().decimal_places()
                           : -1;
    list.out.extras.push_back({name, k, places});
    list.mark(true);
  }
}

void Compiler::annotation_column(SelectList& list, const std::string& name, const Expr& e) {
  list.comma(w_);
  event_ = annotation_event(name);
  const auto k = expr(e.node());
  event_ = kAfterAll;
  w_.add(" AS ");
  w_.quoted(name);
  list.out.extras.push_back({name, k, decimal_places_of(q_, e.node())});
  annotation_kinds_[name] = k;
  list.mark(!reads_aggregate(q_, e.node()) && !contains_window(e.node()));
}

// prefetch_related() across a ManyToManyField: the key of the object each row is for.
void Compiler::prefetch_column(SelectList& list) {
  const PrefetchJoin& p = *q_.prefetch_join;
  w_.add(", ");
  w_.quoted(join({&p.hop, 1}, /*inner=*/true));
  w_.add('.');
  w_.quoted(p.column->column());
  w_.add(" AS ");
  w_.quoted("_prefetch_related_val");
  list.out.extras.push_back({"_prefetch_related_val", p.column->data_kind()});
  list.mark(true);
}

// The columns of select_related's objects, each through the join of its path.
void Compiler::select_related_columns(Compiled& out, std::vector<bool>* plain) {
  for (const std::string& path : q_.select_related) {
    const std::vector<Hop> hops = relation_path(q_, path);
    // Its parent: the object of the path one relation shorter, listed before it.
    int parent = -1;
    if (const auto cut = path.rfind("__"); cut != std::string::npos) {
      const auto& paths = q_.select_related;
      parent = static_cast<int>(std::find(paths.begin(), paths.end(), path.substr(0, cut)) -
                                paths.begin());
    }
    RelatedColumns rel{hops.back().via, parent, hops.back().to, out.extras_first(), {}};
    const std::string& alias = join(hops);
    const std::string prefix = path + "__";
    for (const auto& f : rel.model->fields()) {
      if (!loads(q_, *f, prefix)) continue;
      if (f->primary_key()) rel.pk = rel.fields.size();
      w_.add(", ");
      w_.quoted(alias);
      w_.add('.');
      w_.quoted(f->column());
      rel.fields.push_back(f.get());
      if (plain) plain->push_back(true);
    }
    out.related.push_back(std::move(rel));
  }
}

bool Compiler::needs_group_by() const {
  return q_.has_aggregate_annotation();
}

void Compiler::group_by_clause(const std::vector<bool>& plain) {
  // By position: PostgreSQL cannot match a repeated expression whose parameters have
  // other numbers, and every backend accepts ordinals.
  bool any = false;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (!plain[i]) continue;
    w_.add(any ? ", " : " GROUP BY ");
    any = true;
    w_.add(std::to_string(i + 1));
  }
  // values(a).annotate(...).values(b): still grouped by a, which is no longer selected.
  for (const auto& name : q_.group_by) {
    if (std::find(q_.values_fields.begin(), q_.values_fields.end(), name) !=
        q_.values_fields.end()) {
      continue;
    }
    w_.add(any ? ", " : " GROUP BY ");
    any = true;
    reference(resolve_ref(q_, name));
  }
}

void Compiler::order_item(const OrderBy& o, bool flip, bool by_alias) {
  const bool desc = o.descending != flip;
  bool nulls_first = o.options.nulls_first, nulls_last = o.options.nulls_last;
  if (flip) std::swap(nulls_first, nulls_last);
  const ExprNode& e = o.expr.node();
  auto item = [&] {
    if (by_alias && e.kind == ExprNode::Kind::Field && annotation_kinds_.count(e.path)) {
      w_.quoted(e.path);  // a selected annotation: by its alias
    } else {
      expr(e);
    }
  };
  const bool native_nulls = d_.features().has("supports_nulls_order");
  if ((nulls_first || nulls_last) && !native_nulls) {
    // (x IS NULL) sorts false before true: DESC puts NULLs first.
    item();
    w_.add(nulls_first ? " IS NULL DESC, " : " IS NULL ASC, ");
  }
  item();
  w_.add(desc ? " DESC" : " ASC");
  if ((nulls_first || nulls_last) && native_nulls)
    w_.add(nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

void Compiler::order_by_clause() {
  std::vector<OrderBy> defaults;
  if (!q_.ordered) {
    // Meta.ordering, except for GROUP BY queries (as Django since 3.1).
    if (needs_group_by()) return;
    for (const auto& o : q_.model->ordering()) defaults.push_back(order_from_text(o));
  }
  const std::vector<OrderBy>& items = q_.ordered ? q_.order_by.get() : defaults;
  if (items.empty()) return;
  w_.add(" ORDER BY ");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) w_.add(", ");
    order_item(items[i], q_.reversed);
  }
}

void Compiler::limit_clause() {
  write_limit(w_, q_.low, q_.high, &q_);
}

// FOR [NO KEY] UPDATE [OF ...] [NOWAIT | SKIP LOCKED]; each option only where the
// backend has it, refused by name before any SQL is sent.
void Compiler::lock_clause() {
  const ForUpdate& o = q_.lock;
  for (const LockOption& option : lock_options(o)) {
    if (!d_.features().has(option.feature)) {
      not_supported(d_, std::string("select_for_update(") + option.name + ") is");
    }
  }
  w_.add(' ');
  w_.add(d_.text(o.no_key ? "lock.for_no_key_update" : "lock.for_update"));
  if (!o.of.empty()) {
    std::string tables;
    for (const std::string& path : o.of) {
      if (!tables.empty()) tables += ", ";
      if (path == "self") {
        d_.append_quoted(tables, table_);
        continue;
      }
      if (std::find(q_.select_related.begin(), q_.select_related.end(), path) ==
          q_.select_related.end()) {
        std::string choices = "self";
        for (const auto& p : q_.select_related) choices += ", " + p;
        throw FieldError("Invalid field name(s) given in select_for_update(of=...): '" + path +
                         "'. Only relational fields followed in the query are allowed. Choices "
                         "are: " +
                         choices);
      }
      d_.append_quoted(tables, join(relation_path(q_, path)));
    }
    w_.add(' ');
    w_.add(d_.render("lock.of", {{"tables", tables}}));
  }
  if (o.nowait) {
    w_.add(' ');
    w_.add(d_.text("lock.nowait"));
  } else if (o.skip_locked) {
    w_.add(' ');
    w_.add(d_.text("lock.skip_locked"));
  }
}

std::vector<LockOption> lock_options(const ForUpdate& o) {
  std::vector<LockOption> set;
  if (o.nowait) set.push_back({"nowait", "has_select_for_update_nowait"});
  if (o.skip_locked) set.push_back({"skip_locked", "has_select_for_update_skip_locked"});
  if (!o.of.empty()) set.push_back({"of", "has_select_for_update_of"});
  if (o.no_key) set.push_back({"no_key", "has_select_for_no_key_update"});
  return set;
}

}  // namespace quarry::detail
