#include "orm/compiler.hpp"

#include <algorithm>

#include "quarry/errors.hpp"

namespace quarry::detail {
namespace {

// Where a parameter goes; numbered by finish(), once the whole statement is written.
constexpr char kParam = '\x01';

// A piece of SQL with its parameters, written apart so that a template can place it.
struct Fragment {
  std::string sql;
  std::vector<Value> params;
};

bool is_pattern(std::string_view lookup) {
  return lookup == "iexact" || lookup.ends_with("contains") || lookup.ends_with("startswith") ||
         lookup.ends_with("endswith");
}

std::optional<FieldKind> kind_of_value(const Value& v) {
  switch (v.type()) {
    case ValueType::Null:
      return std::nullopt;
    case ValueType::Bool:
      return FieldKind::Boolean;
    case ValueType::Int:
      return FieldKind::BigInteger;
    case ValueType::Double:
      return FieldKind::Float;
    case ValueType::Decimal:
      return FieldKind::Decimal;
    case ValueType::Text:
      return FieldKind::Text;
    case ValueType::Bytes:
      return FieldKind::Binary;
    case ValueType::Date:
      return FieldKind::Date;
    case ValueType::Time:
      return FieldKind::Time;
    case ValueType::DateTime:
      return FieldKind::DateTime;
    case ValueType::Json:
      return FieldKind::Json;
    case ValueType::Uuid:
      return FieldKind::Uuid;
  }
  return std::nullopt;
}

bool is_integer(std::optional<FieldKind> k) {
  return k == FieldKind::Auto || k == FieldKind::BigAuto || k == FieldKind::SmallInteger ||
         k == FieldKind::Integer || k == FieldKind::BigInteger;
}

// The kind of a + b: decimals win over floats over integers, as in Django.
std::optional<FieldKind> promote(std::optional<FieldKind> a, std::optional<FieldKind> b) {
  if (a == FieldKind::Decimal || b == FieldKind::Decimal) return FieldKind::Decimal;
  if (a == FieldKind::Float || b == FieldKind::Float) return FieldKind::Float;
  if (is_integer(a) && is_integer(b)) return FieldKind::BigInteger;
  return a ? a : b;
}

// Converts a literal to the kind it is compared with or stored in (100 -> Decimal for
// a DecimalField, "2024-05-01" -> Date), naming the lookup when it cannot.
Value prepared(const Value& v, std::optional<FieldKind> kind, std::string_view what) {
  if (!kind || v.is_null()) return v;
  try {
    return v.convert_to(value_type(*kind));
  } catch (const ValueError& e) {
    throw ValueError(std::string(what) + ": " + e.message());
  }
}

OrderBy order_from_text(std::string_view text) {
  if (text == "?") {
    auto n = std::make_shared<ExprNode>(ExprNode::Kind::Func);
    n->func = "Random";
    return OrderBy{Expr(std::move(n))};
  }
  const bool desc = !text.empty() && text[0] == '-';
  if (desc) text.remove_prefix(1);
  return OrderBy{F(std::string(text)), desc};
}

}  // namespace

void SqlWriter::value(Value v) {
  if (v.is_null()) {
    sql += "NULL";
    return;
  }
  if (inline_) {
    d_.append_literal(sql, v);
    return;
  }
  const ValueType t = v.type();
  params.push_back(std::move(v));
  sql += kParam;
  sql += static_cast<char>('0' + static_cast<int>(t));  // the type, for finish()
}

namespace {

// Replaces the parameter marks with the dialect's numbered or positional markers.
std::string finish(const Dialect& d, const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  std::size_t n = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != kParam) {
      out += sql[i];
      continue;
    }
    const auto type = static_cast<ValueType>(sql[++i] - '0');
    d.append_param(out, ++n, type);
  }
  return out;
}

Fragment capture(SqlWriter& w, std::size_t sql_mark, std::size_t param_mark) {
  Fragment f;
  f.sql = w.sql.substr(sql_mark);
  f.params.assign(
      std::make_move_iterator(w.params.begin() + static_cast<std::ptrdiff_t>(param_mark)),
      std::make_move_iterator(w.params.end()));
  w.sql.resize(sql_mark);
  w.params.resize(param_mark);
  return f;
}

// Writes a template with fragments in its slots; a fragment's parameters follow its SQL,
// so they stay in textual order even when a template puts {rhs} before {lhs}.
void render(SqlWriter& w, std::string_view tmpl,
            std::initializer_list<std::pair<std::string_view, const Fragment*>> slots) {
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
      w.add(c);
      ++i;
      continue;
    }
    if (c != '{') {
      w.add(c);
      continue;
    }
    const std::size_t close = tmpl.find('}', i);
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    const Fragment* f = nullptr;
    for (const auto& [slot, frag] : slots) {
      if (slot == name) f = frag;
    }
    if (!f) throw ProgrammingError("template slot {" + std::string(name) + "} was not given");
    w.add(f->sql);
    w.params.insert(w.params.end(), f->params.begin(), f->params.end());
    i = close;
  }
}

}  // namespace

Compiler::Compiler(const Query& q, SqlWriter& w, std::string table)
    : q_(q), w_(w), d_(w.dialect()), table_(std::move(table)) {}

// ---- references and expressions ---------------------------------------------------

std::optional<FieldKind> Compiler::reference(const Resolved& r) {
  const std::size_t sql_mark = w_.sql.size(), param_mark = w_.params.size();
  std::optional<FieldKind> kind;
  if (r.field) {
    if (!table_.empty()) {
      w_.quoted(table_);
      w_.add('.');
    }
    w_.quoted(r.field->column());
    kind = r.field->kind();
  } else if (annotations_as_columns_) {
    w_.quoted(table_);
    w_.add('.');
    w_.quoted(r.name);
    kind = annotation_kinds_.count(r.name) ? annotation_kinds_.at(r.name) : std::nullopt;
  } else {
    kind = expr(r.annotation->node());
  }
  if (r.transforms.empty()) return kind;
  Fragment lhs = capture(w_, sql_mark, param_mark);
  for (const auto& t : r.transforms) {
    const std::size_t m = w_.sql.size(), p = w_.params.size();
    render(w_, d_.text("transform." + t), {{"lhs", &lhs}});
    lhs = capture(w_, m, p);
  }
  w_.add(lhs.sql);
  w_.params.insert(w_.params.end(), lhs.params.begin(), lhs.params.end());
  return transformed_kind(kind, r.transforms);
}

std::optional<FieldKind> Compiler::expr(const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::Literal:
      w_.value(e.value);
      return kind_of_value(e.value);
    case ExprNode::Kind::List:
      throw ProgrammingError("a list of values can only be the right side of an 'in' lookup");
    case ExprNode::Kind::Field:
      return reference(resolve_ref(q_, e.path));
    case ExprNode::Kind::Binary: {
      w_.add('(');
      const auto a = expr(*e.args[0]);
      w_.add(' ');
      w_.add(e.op);
      w_.add(' ');
      const auto b = expr(*e.args[1]);
      w_.add(')');
      return promote(a, b);
    }
    case ExprNode::Kind::Negate: {
      w_.add("-(");
      const auto k = expr(*e.args[0]);
      w_.add(')');
      return k;
    }
    case ExprNode::Kind::Case: {
      const std::optional<FieldKind> out =
          e.output ? std::optional(e.output->kind()) : std::nullopt;
      std::optional<FieldKind> seen;
      w_.add("CASE");
      for (const auto& [cond, then] : e.whens) {
        w_.add(" WHEN ");
        condition(*cond);
        w_.add(" THEN ");
        if (out && then->kind == ExprNode::Kind::Literal) {
          w_.value(prepared(then->value, out, "Case"));
        } else {
          const auto k = expr(*then);
          if (!seen) seen = k;
        }
      }
      w_.add(" ELSE ");
      if (out && e.args[0]->kind == ExprNode::Kind::Literal) {
        w_.value(prepared(e.args[0]->value, out, "Case"));
      } else {
        const auto k = expr(*e.args[0]);
        if (!seen) seen = k;
      }
      w_.add(" END");
      return out ? out : seen;
    }
    case ExprNode::Kind::Aggregate: {
      w_.add(e.func);
      w_.add('(');
      if (e.distinct) w_.add("DISTINCT ");
      const bool filter_clause = e.filter && d_.features().has("supports_aggregate_filter_clause");
      std::optional<FieldKind> arg_kind;
      if (e.filter && !filter_clause) {
        // COUNT(CASE WHEN cond THEN x ELSE NULL END) where FILTER (WHERE) is missing.
        w_.add("CASE WHEN ");
        condition(*e.filter);
        w_.add(" THEN ");
        if (e.star) {
          w_.add('1');
        } else {
          arg_kind = expr(*e.args[0]);
        }
        w_.add(" ELSE NULL END");
      } else if (e.star) {
        w_.add('*');
      } else {
        arg_kind = expr(*e.args[0]);
      }
      w_.add(')');
      if (filter_clause) {
        w_.add(" FILTER (WHERE ");
        condition(*e.filter);
        w_.add(')');
      }
      if (e.func == "COUNT") return FieldKind::BigInteger;
      if (e.func == "AVG")
        return arg_kind == FieldKind::Decimal ? FieldKind::Decimal : FieldKind::Float;
      if (e.func == "SUM" && is_integer(arg_kind)) return FieldKind::BigInteger;
      return arg_kind;
    }
    case ExprNode::Kind::Func: {
      std::vector<Fragment> args;
      std::vector<std::optional<FieldKind>> kinds;
      for (const auto& a : e.args) {
        const std::size_t m = w_.sql.size(), p = w_.params.size();
        kinds.push_back(expr(*a));
        args.push_back(capture(w_, m, p));
      }
      if (e.func == "Concat") {
        if (args.size() < 2) throw ProgrammingError("Concat needs at least two arguments");
        // Pairwise from the right, as Django's ConcatPair: CONCAT(a, CONCAT(b, c)).
        Fragment acc = args.back();
        for (std::size_t i = args.size() - 1; i-- > 0;) {
          const std::size_t m = w_.sql.size(), p = w_.params.size();
          render(w_, d_.text("func.ConcatPair"), {{"a", &args[i]}, {"b", &acc}});
          acc = capture(w_, m, p);
        }
        w_.add(acc.sql);
        w_.params.insert(w_.params.end(), acc.params.begin(), acc.params.end());
        return FieldKind::Text;
      }
      Fragment joined;
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (i) joined.sql += ", ";
        joined.sql += args[i].sql;
        joined.params.insert(joined.params.end(), args[i].params.begin(), args[i].params.end());
      }
      const Fragment& one = args.empty() ? joined : args[0];
      render(w_, d_.text("func." + e.func), {{"args", &joined}, {"arg", &one}});
      if (e.func == "Lower" || e.func == "Upper") return FieldKind::Text;
      if (e.func == "Length") return FieldKind::Integer;
      if (e.func == "Now") return FieldKind::DateTime;
      if (e.func == "Random") return FieldKind::Float;
      return kinds.empty() ? std::nullopt : kinds[0];
    }
    case ExprNode::Kind::Wrapper:
      expr(*e.args[0]);
      return e.output->kind();
    case ExprNode::Kind::Subquery: {
      w_.add('(');
      Compiled ignored;
      Compiler inner(*e.query, w_, e.query->model->table());
      inner.select(ignored);
      w_.add(')');
      return ignored.fields.size() == 1
                 ? std::optional(ignored.fields[0]->kind())
                 : (ignored.extras.size() == 1 ? ignored.extras[0].kind : std::nullopt);
    }
  }
  return std::nullopt;
}

// ---- conditions -----------------------------------------------------------------

void Compiler::condition(const QNode& n) {
  if (n.negated) {
    negated_ = !negated_;
    w_.add("NOT (");
  }
  if (n.kind == QNode::Kind::Leaf) {
    lookup(n, negated_);
  } else if (n.children.empty()) {
    w_.add(n.kind == QNode::Kind::And ? "1 = 1" : "1 = 0");
  } else {
    w_.add('(');
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      if (i) w_.add(n.kind == QNode::Kind::And ? " AND " : " OR ");
      condition(*n.children[i]);
    }
    w_.add(')');
  }
  if (n.negated) {
    w_.add(')');
    negated_ = !negated_;
  }
}

void Compiler::write_rhs(const ExprNode& rhs, std::optional<FieldKind> lhs_kind,
                         std::string_view what) {
  if (rhs.kind == ExprNode::Kind::Literal) {
    w_.value(prepared(rhs.value, lhs_kind, what));
  } else {
    expr(rhs);
  }
}

void Compiler::lookup(const QNode& leaf, bool negated) {
  const Resolved r = resolve_lookup(q_, leaf.lookup);
  const ExprNode& rhs = *leaf.rhs;
  const std::string& l = r.lookup;

  const std::size_t m = w_.sql.size(), p = w_.params.size();
  const std::optional<FieldKind> kind = reference(r);
  Fragment lhs = capture(w_, m, p);
  const bool literal = rhs.kind == ExprNode::Kind::Literal;

  // exclude(x=1) keeps the rows where x is NULL, as in Django: NOT (x = 1 AND x IS NOT NULL).
  const bool guard_null =
      negated && r.field && r.field->null() && l != "isnull" && !(literal && rhs.value.is_null());
  if (guard_null) w_.add('(');

  if (l == "isnull" || (l == "exact" && literal && rhs.value.is_null())) {
    const bool is_null = l == "exact" || (literal && rhs.value.as<bool>());
    w_.add(lhs.sql);
    w_.params.insert(w_.params.end(), lhs.params.begin(), lhs.params.end());
    w_.add(is_null ? " IS NULL" : " IS NOT NULL");
  } else if (l == "in") {
    if (rhs.kind == ExprNode::Kind::List && rhs.values.empty()) {
      w_.add("1 = 0");  // nothing is in an empty list
    } else {
      w_.add(lhs.sql);
      w_.params.insert(w_.params.end(), lhs.params.begin(), lhs.params.end());
      w_.add(" IN (");
      if (rhs.kind == ExprNode::Kind::List) {
        for (std::size_t i = 0; i < rhs.values.size(); ++i) {
          if (i) w_.add(", ");
          w_.value(prepared(rhs.values[i], kind, leaf.lookup));
        }
      } else if (rhs.kind == ExprNode::Kind::Subquery) {
        Compiled ignored;
        Compiler inner(*rhs.query, w_, rhs.query->model->table());
        inner.select(ignored);
      } else {
        throw ProgrammingError("'" + leaf.lookup + "' needs a list of values or a queryset");
      }
      w_.add(')');
    }
  } else if (l == "range") {
    if (rhs.kind != ExprNode::Kind::List || rhs.values.size() != 2) {
      throw ProgrammingError("'" + leaf.lookup + "' needs a list of two values: [low, high]");
    }
    w_.add(lhs.sql);
    w_.params.insert(w_.params.end(), lhs.params.begin(), lhs.params.end());
    w_.add(" BETWEEN ");
    w_.value(prepared(rhs.values[0], kind, leaf.lookup));
    w_.add(" AND ");
    w_.value(prepared(rhs.values[1], kind, leaf.lookup));
  } else {
    Fragment value;
    const std::size_t vm = w_.sql.size(), vp = w_.params.size();
    if (is_pattern(l) && !(l == "iexact" && d_.text("lookup.iexact.pattern") == "raw")) {
      if (!literal || rhs.value.type() != ValueType::Text) {
        throw NotSupportedError("'" + leaf.lookup + "' takes text, not an expression");
      }
      w_.value(Value(d_.pattern_value(l, *rhs.value.get_if<std::string>())));
    } else if (l == "regex" || l == "iregex") {
      write_rhs(rhs, FieldKind::Text, leaf.lookup);
    } else {
      write_rhs(rhs, kind, leaf.lookup);
    }
    value = capture(w_, vm, vp);
    render(w_, d_.text("lookup." + l), {{"lhs", &lhs}, {"rhs", &value}});
  }
  if (guard_null) {
    w_.add(" AND ");
    w_.add(lhs.sql);
    w_.params.insert(w_.params.end(), lhs.params.begin(), lhs.params.end());
    w_.add(" IS NOT NULL)");
  }
}

// ---- SELECT -----------------------------------------------------------------------

namespace {

bool refers_to_aggregate(const Query& q, const QNode& n) {
  if (n.kind == QNode::Kind::Leaf) {
    const Resolved r = resolve_lookup(q, n.lookup);
    if (r.annotation && contains_aggregate(r.annotation->node())) return true;
    return n.rhs && contains_aggregate(*n.rhs);
  }
  for (const auto& c : n.children) {
    if (refers_to_aggregate(q, *c)) return true;
  }
  return false;
}

}  // namespace

void Compiler::where_clause(bool having) {
  bool first = true;
  for (const auto& w : q_.where) {
    if (refers_to_aggregate(q_, *w) != having) continue;
    if (w->kind != QNode::Kind::Leaf && w->children.empty() && !w->negated) continue;
    w_.add(first ? (having ? " HAVING " : " WHERE ") : " AND ");
    first = false;
    condition(*w);
  }
  if (!having && q_.empty) {
    w_.add(first ? " WHERE 1 = 0" : " AND 1 = 0");
  }
}

bool Compiler::needs_group_by() const {
  return q_.has_aggregate_annotation();
}

void Compiler::select(Compiled& out, bool with_order) {
  if (q_.combinator != Combinator::None) {
    combined_select(out);
    return;
  }
  const ModelMeta& m = *q_.model;
  w_.add("SELECT ");
  if (q_.distinct) w_.add("DISTINCT ");
  // Each selected item, and whether GROUP BY must list it (it is not an aggregate).
  std::vector<bool> plain;
  bool first = true;
  auto comma = [&] {
    if (!first) w_.add(", ");
    first = false;
  };
  auto add_annotation = [&](const std::string& name, const Expr& e) {
    comma();
    const auto k = expr(e.node());
    w_.add(" AS ");
    w_.quoted(name);
    out.extras.push_back({name, k, decimal_places_of(q_, e.node())});
    annotation_kinds_[name] = k;
    plain.push_back(!contains_aggregate(e.node()));
  };
  if (!q_.values_mode) {
    for (const auto& f : m.fields()) {
      const bool deferred =
          !f->primary_key() &&
          ((!q_.only_fields.empty() && std::find(q_.only_fields.begin(), q_.only_fields.end(),
                                                 f->name()) == q_.only_fields.end()) ||
           std::find(q_.defer_fields.begin(), q_.defer_fields.end(), f->name()) !=
               q_.defer_fields.end());
      if (deferred) continue;
      comma();
      reference(Resolved{f.get(), nullptr, f->name(), {}, {}});
      out.fields.push_back(f.get());
      plain.push_back(true);
    }
    for (const auto& [name, e] : q_.annotations) add_annotation(name, e);
  } else {
    std::vector<std::string> names = q_.values_fields;
    if (names.empty()) {
      for (const auto& f : m.fields()) names.push_back(f->name());
      for (const auto& [name, e] : q_.annotations) names.push_back(name);
    }
    for (const auto& name : names) {
      if (const Expr* a = q_.annotation(name)) {
        add_annotation(name, *a);
        continue;
      }
      comma();
      const Resolved r = resolve_ref(q_, name);
      const auto k = reference(r);
      const int places = r.field && r.transforms.empty() && r.field->kind() == FieldKind::Decimal
                             ? r.field->spec().decimal_places()
                             : -1;
      out.extras.push_back({name, k, places});
      plain.push_back(true);
    }
  }
  w_.add(" FROM ");
  w_.quoted(m.table());
  where_clause(false);
  if (needs_group_by()) {
    w_.add(" GROUP BY ");
    // By position: PostgreSQL cannot match a repeated expression whose parameters have
    // other numbers, and every backend accepts ordinals.
    bool any = false;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (!plain[i]) continue;
      if (any) w_.add(", ");
      any = true;
      w_.add(std::to_string(i + 1));
    }
    if (!any) w_.sql.resize(w_.sql.size() - std::string_view(" GROUP BY ").size());
    where_clause(true);
  }
  if (with_order) order_by_clause();
  limit_clause();
  if (q_.for_update && d_.features().has("has_select_for_update")) {
    w_.add(' ');
    w_.add(d_.text("lock.for_update"));
  }
}

void Compiler::order_item(const OrderBy& o, bool flip) {
  const bool desc = o.descending != flip;
  bool nulls_first = o.options.nulls_first, nulls_last = o.options.nulls_last;
  if (flip) std::swap(nulls_first, nulls_last);
  const ExprNode& e = o.expr.node();
  const std::size_t m = w_.sql.size(), p = w_.params.size();
  if (e.kind == ExprNode::Kind::Field && annotation_kinds_.count(e.path)) {
    w_.quoted(e.path);  // a selected annotation: by its alias
  } else {
    expr(e);
  }
  Fragment item = capture(w_, m, p);
  const bool native_nulls = d_.features().has("supports_nulls_order");
  if ((nulls_first || nulls_last) && !native_nulls) {
    // (x IS NULL) sorts false before true: DESC puts NULLs first.
    w_.add(item.sql);
    w_.params.insert(w_.params.end(), item.params.begin(), item.params.end());
    w_.add(nulls_first ? " IS NULL DESC, " : " IS NULL ASC, ");
  }
  w_.add(item.sql);
  w_.params.insert(w_.params.end(), item.params.begin(), item.params.end());
  w_.add(desc ? " DESC" : " ASC");
  if ((nulls_first || nulls_last) && native_nulls)
    w_.add(nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

void Compiler::order_by_clause(bool) {
  std::vector<OrderBy> items = q_.order_by;
  if (!q_.ordered) {
    // Meta.ordering, except for GROUP BY queries (as Django since 3.1).
    if (needs_group_by()) return;
    for (const auto& o : q_.model->ordering()) items.push_back(order_from_text(o));
  }
  if (items.empty()) return;
  w_.add(" ORDER BY ");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) w_.add(", ");
    order_item(items[i], q_.reversed);
  }
}

void Compiler::limit_clause() {
  if (!q_.sliced()) return;
  const int64_t low = q_.low.value_or(0);
  Fragment limit, offset;
  if (q_.high) {
    const std::size_t m = w_.sql.size(), p = w_.params.size();
    w_.value(Value(*q_.high - low));
    limit = capture(w_, m, p);
  }
  if (low > 0) {
    const std::size_t m = w_.sql.size(), p = w_.params.size();
    w_.value(Value(low));
    offset = capture(w_, m, p);
  }
  w_.add(' ');
  if (q_.high && low > 0) {
    render(w_, d_.text("limit_offset"), {{"limit", &limit}, {"offset", &offset}});
  } else if (q_.high) {
    render(w_, d_.text("limit"), {{"limit", &limit}});
  } else {
    render(w_, d_.text("offset"), {{"offset", &offset}});
  }
}

void Compiler::combined_select(Compiled& out) {
  const bool parens = d_.features().has("supports_parentheses_in_compound");
  const char* op = q_.combinator == Combinator::Union          ? " UNION "
                   : q_.combinator == Combinator::Intersection ? " INTERSECT "
                                                               : " EXCEPT ";
  const std::string feature =
      q_.combinator == Combinator::Intersection ? "supports_select_intersection"
      : q_.combinator == Combinator::Difference ? "supports_select_difference"
                                                : "";
  if (!feature.empty() && !d_.features().has(feature)) {
    throw NotSupportedError(std::string(op + 1) + "is not supported by " + d_.engine_name() + " " +
                            d_.server_version());
  }
  std::vector<const Query*> parts;
  Query head = q_;  // this query without the combination, order or slice
  head.combinator = Combinator::None;
  head.combined.clear();
  head.order_by.clear();
  head.ordered = true;
  head.low.reset();
  head.high.reset();
  parts.push_back(&head);
  for (const auto& c : q_.combined) parts.push_back(c.get());
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
    Compiler inner(*parts[i], w_, parts[i]->model->table());
    // A part is ordered only when it says so (and the backend allows it): never by
    // Meta.ordering.
    inner.select(part, parts[i]->ordered && !parts[i]->order_by.empty());
    if (i == 0) out = std::move(part);
    if (parens) w_.add(')');
  }
  // Ordering a combination refers to its columns by position.
  std::vector<OrderBy> items = q_.order_by;
  if (!items.empty()) {
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
  limit_clause();
}

// ---- the statements -----------------------------------------------------------------

namespace {

bool simple(const Query& q) {
  return !q.distinct && !q.sliced() && !q.has_aggregate_annotation() &&
         q.combinator == Combinator::None;
}

Compiled done(const Dialect& d, SqlWriter& w, Compiled c) {
  c.sql = finish(d, w.sql);
  c.params = std::move(w.params);
  return c;
}

}  // namespace

Compiled compile_select(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  Compiler(q, w, q.model->table()).select(c);
  return done(d, w, std::move(c));
}

Compiled compile_count(const Query& q, const Dialect& d) {
  SqlWriter w(d);
  Compiled c;
  if (simple(q)) {
    w.add("SELECT COUNT(*) FROM ");
    w.quoted(q.model->table());
    Compiler(q, w, q.model->table()).where_clause_public();
  } else {
    w.add("SELECT COUNT(*) FROM (");
    Compiled inner;
    Compiler(q, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  }
  c.extras.push_back({"count", FieldKind::BigInteger});
  return done(d, w, std::move(c));
}

Compiled compile_exists(const Query& q, const Dialect& d) {
  Query limited = q;
  SqlWriter w(d);
  Compiled c;
  if (simple(q)) {
    w.add("SELECT 1 AS ");
    w.quoted("a");
    w.add(" FROM ");
    w.quoted(q.model->table());
    Compiler(q, w, q.model->table()).where_clause_public();
  } else {
    w.add("SELECT 1 FROM (");
    Compiled inner;
    Compiler(q, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  }
  limited.low.reset();
  limited.high = 1;
  limited.combinator = Combinator::None;
  Compiler(limited, w, "").limit_clause();
  c.extras.push_back({"a", FieldKind::BigInteger});
  return done(d, w, std::move(c));
}

Compiled compile_aggregate(const Query& q, const Dialect& d,
                           const std::vector<std::pair<std::string, Expr>>& aggregates) {
  SqlWriter w(d);
  Compiled c;
  const bool wrap = !simple(q) || q.has_aggregate_annotation();
  Compiler outer(q, w, wrap ? "subquery" : q.model->table());
  if (wrap) outer.use_annotation_columns();
  w.add("SELECT ");
  for (std::size_t i = 0; i < aggregates.size(); ++i) {
    if (i) w.add(", ");
    const auto k = outer.expr(aggregates[i].second.node());
    w.add(" AS ");
    w.quoted(aggregates[i].first);
    c.extras.push_back({aggregates[i].first, k, decimal_places_of(q, aggregates[i].second.node())});
  }
  w.add(" FROM ");
  if (wrap) {
    w.add('(');
    Query all_fields = q;  // the outer aggregates may read any field
    all_fields.values_mode = false;
    all_fields.only_fields.clear();
    all_fields.defer_fields.clear();
    Compiled inner;
    // A slice keeps its order: LIMIT picks the rows the ordering says.
    Compiler(all_fields, w, q.model->table()).select(inner, q.sliced());
    w.add(") subquery");
  } else {
    w.quoted(q.model->table());
    outer.where_clause_public();
  }
  return done(d, w, std::move(c));
}

Compiled compile_update(const Query& q, const Dialect& d,
                        const std::vector<std::pair<std::string, Expr>>& assignments) {
  if (q.sliced()) throw ProgrammingError("Cannot update a query once a slice has been taken.");
  if (assignments.empty()) throw ProgrammingError("update() needs at least one field to set");
  SqlWriter w(d);
  Compiler comp(q, w, q.model->table());
  w.add("UPDATE ");
  w.quoted(q.model->table());
  w.add(" SET ");
  for (std::size_t i = 0; i < assignments.size(); ++i) {
    const Field& f = q.model->field(assignments[i].first);
    if (i) w.add(", ");
    w.quoted(f.column());
    w.add(" = ");
    const ExprNode& e = assignments[i].second.node();
    if (e.kind == ExprNode::Kind::Literal) {
      w.value(prepared(e.value, f.kind(), "update of '" + f.name() + "'"));
    } else {
      comp.expr(e);
    }
  }
  comp.where_clause_public();
  return done(d, w, Compiled{});
}

Compiled compile_delete(const Query& q, const Dialect& d) {
  if (q.sliced()) throw ProgrammingError("Cannot use 'limit' or 'offset' with delete().");
  SqlWriter w(d);
  w.add("DELETE FROM ");
  w.quoted(q.model->table());
  Compiler(q, w, q.model->table()).where_clause_public();
  return done(d, w, Compiled{});
}

Compiled compile_insert(const ModelMeta& m, const Dialect& d,
                        const std::vector<const Field*>& fields,
                        const std::vector<std::vector<Value>>& rows, bool returning_pk) {
  SqlWriter w(d);
  Compiled c;
  std::string table;
  d.append_quoted(table, m.table());
  if (fields.empty()) {
    if (rows.size() != 1) throw ProgrammingError("an INSERT without columns inserts one row");
    w.add(d.render("insert.empty", {{"table", table}}));
  } else {
    w.add("INSERT INTO ");
    w.add(table);
    w.add(" (");
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) w.add(", ");
      w.quoted(fields[i]->column());
    }
    w.add(") VALUES ");
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (r) w.add(", ");
      w.add('(');
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) w.add(", ");
        w.param(rows[r][i]);
      }
      w.add(')');
    }
  }
  if (returning_pk) {
    std::string pk;
    d.append_quoted(pk, m.pk().column());
    w.add(' ');
    w.add(d.render("returning", {{"columns", pk}}));
    c.extras.push_back({m.pk().name(), m.pk().kind()});
  }
  return done(d, w, std::move(c));
}

Compiled compile_bulk_update(const ModelMeta& m, const Dialect& d,
                             const std::vector<const Field*>& fields, const std::vector<Value>& pks,
                             const std::vector<std::vector<Value>>& values) {
  SqlWriter w(d);
  std::string pk_col;
  d.append_quoted(pk_col, m.pk().column());
  w.add("UPDATE ");
  w.quoted(m.table());
  w.add(" SET ");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) w.add(", ");
    w.quoted(fields[i]->column());
    w.add(" = CASE");
    for (std::size_t r = 0; r < pks.size(); ++r) {
      w.add(" WHEN ");
      w.add(pk_col);
      w.add(" = ");
      w.param(pks[r]);
      w.add(" THEN ");
      w.param(values[r][i]);
    }
    w.add(" ELSE ");
    w.quoted(fields[i]->column());
    w.add(" END");
  }
  w.add(" WHERE ");
  w.add(pk_col);
  w.add(" IN (");
  for (std::size_t r = 0; r < pks.size(); ++r) {
    if (r) w.add(", ");
    w.param(pks[r]);
  }
  w.add(')');
  return done(d, w, Compiled{});
}

std::string compile_ddl_condition(const ModelMeta& m, const Dialect& d, const Q& cond) {
  Query q(m);
  SqlWriter w(d, /*inline_literals=*/true);
  Compiler(q, w, "").condition(cond.node());
  return w.sql;
}

int decimal_places_of(const Query& q, const ExprNode& e) {
  if (e.output) return e.output->kind() == FieldKind::Decimal ? e.output->decimal_places() : -1;
  if (e.kind == ExprNode::Kind::Field) {
    if (q.annotation(e.path)) return decimal_places_of(q, q.annotation(e.path)->node());
    const Resolved r = resolve_ref(q, e.path);
    if (r.field && r.transforms.empty() && r.field->kind() == FieldKind::Decimal) {
      return r.field->spec().decimal_places();
    }
    return -1;
  }
  if (e.kind == ExprNode::Kind::Aggregate &&
      (e.func == "SUM" || e.func == "MAX" || e.func == "MIN") && !e.star) {
    return decimal_places_of(q, *e.args[0]);
  }
  return -1;
}

std::string default_alias(const Expr& aggregate) {
  const ExprNode& e = aggregate.node();
  std::string func = e.func;
  std::transform(func.begin(), func.end(), func.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  if (e.kind == ExprNode::Kind::Aggregate && e.star) return func;
  if (e.kind == ExprNode::Kind::Aggregate && e.args[0]->kind == ExprNode::Kind::Field) {
    return e.args[0]->path + "__" + func;
  }
  throw ProgrammingError("Complex aggregates require an alias: aggregate({{\"name\", ...}})");
}

}  // namespace quarry::detail
