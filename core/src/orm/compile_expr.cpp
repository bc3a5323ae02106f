// Expressions: what a path reads (a column, through its joins, with its transforms), and
// every expression node kind, one function each (Compiler::expr dispatches); the values
// inside expressions; subqueries and OuterRef(). Functions, aggregates and windows are
// in compile_functions.cpp.
#include "orm/sql_compiler.hpp"

namespace quarry::detail {
namespace {

// The kind of a + b: decimals win over floats over integers, as in Django.
std::optional<FieldKind> promote(std::optional<FieldKind> a, std::optional<FieldKind> b) {
  if (a == FieldKind::Decimal || b == FieldKind::Decimal) return FieldKind::Decimal;
  if (a == FieldKind::Float || b == FieldKind::Float) return FieldKind::Float;
  if (is_integer(a) && is_integer(b)) return FieldKind::BigInteger;
  return a ? a : b;
}

}  // namespace

Compiler::Compiler(const Query& q, SqlWriter& w, std::string table)
    : q_(q), w_(w), d_(w.dialect()), table_(std::move(table)) {}

void Compiler::column(const Field& f) {
  if (!table_.empty() && table_ == q_.model->table() && &f.model() == q_.model) {
    w_.add(quoted_model(d_, *q_.model).columns[f.index()]);
    return;
  }
  if (!table_.empty()) {
    w_.quoted(table_);
    w_.add('.');
  }
  w_.quoted(f.column());
}

std::optional<FieldKind> Compiler::reference(const Resolved& r) {
  return reference(r, r.transform_count);
}

// The path with its first n transforms applied: each transform's template wraps the
// reference under it.
std::optional<FieldKind> Compiler::reference(const Resolved& r, std::size_t n) {
  if (n == 0) {
    if (r.field && r.hop_count > 0) {
      w_.quoted(join(r.hops()));
      w_.add('.');
      w_.quoted(r.field->column());
      return r.field->data_kind();
    }
    if (r.field) {
      column(*r.field);
      return r.field->data_kind();
    }
    if (annotations_as_columns_) {
      w_.quoted(table_);
      w_.add('.');
      w_.quoted(r.name);
      const auto it = annotation_kinds_.find(std::string(r.name));
      return it != annotation_kinds_.end() ? it->second : std::nullopt;
    }
    // The annotation reads what it read where it was made, wherever it is used.
    const int was = event_;
    event_ = annotation_event(r.name);
    const auto k = expr(r.annotation->node());
    event_ = was;
    return k;
  }
  std::optional<FieldKind> inner;
  const TransformRow& t = *find_transform(r.transform_list[n - 1]);  // resolve() found it
  render(w_, d_.text(t.key), [&](std::string_view slot) {
    if (slot != "lhs") unknown_slot(slot);
    inner = reference(r, n - 1);
  });
  return t.gives;
}

std::optional<FieldKind> Compiler::kind_of(const Resolved& r) {
  if (r.field) return transformed_kind(r.field->data_kind(), r.transforms());
  const int was = event_;
  event_ = annotation_event(r.name);  // its joins are the annotation's
  const std::optional<FieldKind> base = kind_of(r.annotation->node());
  event_ = was;
  return transformed_kind(base, r.transforms());
}

std::optional<FieldKind> Compiler::kind_of(const ExprNode& e) {
  // An expression's kind is known once it is compiled: compile it where it stands and
  // take the text and parameters back out. (An OuterRef in it writes through the query
  // around, into the same writer, so a writer of its own would not do.) Joins it needs
  // stay registered; the expression is about to be written for real and needs them.
  const std::size_t text = w_.sql.size(), params = w_.params.size();
  const auto kind = expr(e);
  w_.truncate(text, params);
  return kind;
}

std::optional<FieldKind> Compiler::expr(const ExprNode& e) {
  switch (e.kind) {
    case ExprNode::Kind::Literal:
      return value_expr(e);
    case ExprNode::Kind::List:
      throw ProgrammingError("a list of values can only be the right side of an 'in' lookup");
    case ExprNode::Kind::Field:
      return reference(resolve_ref(q_, e.path));
    case ExprNode::Kind::Binary:
      return binary(e);
    case ExprNode::Kind::Negate:
      return negate(e);
    case ExprNode::Kind::Case:
      return case_when(e);
    case ExprNode::Kind::Aggregate:
      return aggregate(e);
    case ExprNode::Kind::Func:
      return function(e);
    case ExprNode::Kind::Wrapper:
      return wrapper(e);
    case ExprNode::Kind::Subquery:
      return subquery_value(e);
    case ExprNode::Kind::Exists:
      return exists_expr(e);
    case ExprNode::Kind::OuterRef:
      return outer_ref(e);
    case ExprNode::Kind::Not:
      return not_expr(e);
    case ExprNode::Kind::Window:
      return window(e);
    case ExprNode::Kind::CteColumn:
      return cte_column(e);
  }
  return std::nullopt;
}

std::optional<FieldKind> Compiler::value_expr(const ExprNode& e) {
  literal(e.value);
  return kind_of_value(e.value);
}

std::optional<FieldKind> Compiler::binary(const ExprNode& e) {
  w_.add('(');
  const auto a = expr(*e.args[0]);
  w_.add(' ');
  w_.add(e.op);
  w_.add(' ');
  const auto b = expr(*e.args[1]);
  w_.add(')');
  return promote(a, b);
}

std::optional<FieldKind> Compiler::negate(const ExprNode& e) {
  w_.add("-(");
  const auto k = expr(*e.args[0]);
  w_.add(')');
  return k;
}

// CASE WHEN ... THEN ... ELSE ... END; with a declared output, literal branches are
// converted to it.
std::optional<FieldKind> Compiler::case_when(const ExprNode& e) {
  const std::optional<FieldKind> out = e.output ? std::optional(e.output->kind) : std::nullopt;
  std::optional<FieldKind> seen;
  auto branch = [&](const ExprNode& v) {
    if (out && v.kind == ExprNode::Kind::Literal) {
      literal(prepared(v.value, out, "Case", d_));
    } else {
      const auto k = expr(v);
      if (!seen) seen = k;
    }
  };
  w_.add("CASE");
  for (const auto& [cond, then] : e.whens) {
    w_.add(" WHEN ");
    const bool was = in_expression_;
    in_expression_ = true;
    condition(*cond);
    in_expression_ = was;
    w_.add(" THEN ");
    branch(*then);
  }
  w_.add(" ELSE ");
  branch(*e.args[0]);
  w_.add(" END");
  return out ? out : seen;
}

// ExpressionWrapper: the expression, of its declared kind.
std::optional<FieldKind> Compiler::wrapper(const ExprNode& e) {
  expr(*e.args[0]);
  return e.output->kind;
}

// Subquery(): a queryset of one column used as a value.
std::optional<FieldKind> Compiler::subquery_value(const ExprNode& e) {
  w_.add('(');
  Compiled inner;
  subquery(*e.query).select(inner);
  w_.add(')');
  if (inner.fields.size() + inner.extras.size() != 1) {
    throw ProgrammingError("a subquery used as a value must select one column: values({name})");
  }
  if (inner.fields.size() == 1) return inner.fields[0]->data_kind();
  return inner.extras[0].kind;
}

std::optional<FieldKind> Compiler::exists_expr(const ExprNode& e) {
  Compiler inner = subquery(*e.query);
  if (!simple(*e.query)) {
    // Grouped, sliced, combined or with CTEs: the whole query decides which rows exist.
    w_.add("EXISTS (");
    Compiled ignored;
    inner.select(ignored, e.query->sliced());
    w_.add(')');
    return FieldKind::Boolean;
  }
  w_.add("EXISTS (SELECT 1 AS ");
  w_.quoted("a");
  inner.from_where();
  write_limit(w_, std::nullopt, 1);
  w_.add(')');
  return FieldKind::Boolean;
}

std::optional<FieldKind> Compiler::outer_ref(const ExprNode& e) {
  return enclosing().expr(*e.args[0]);
}

std::optional<FieldKind> Compiler::not_expr(const ExprNode& e) {
  w_.add("NOT (");
  expr(*e.args[0]);
  w_.add(')');
  return FieldKind::Boolean;
}

// A column of a CTE the query selects from or joins.
std::optional<FieldKind> Compiler::cte_column(const ExprNode& e) {
  const CteNode& cte = find_cte(e.func);
  const Field& f = cte_column_field(cte, e.path);
  w_.quoted(cte.name);
  w_.add('.');
  w_.quoted(f.column());  // "pk" is the first column's own name
  return f.data_kind();
}

Compiler Compiler::subquery(const Query& sub) {
  Compiler inner(sub, w_, "U" + std::to_string(depth_));
  inner.enclosing_ = this;
  inner.depth_ = depth_ + 1;
  return inner;
}

Compiler& Compiler::enclosing() {
  Compiler* c = this;
  while (c->outer_) c = c->outer_;  // a relation's EXISTS is part of the same query
  if (!c->enclosing_) {
    throw ProgrammingError(
        "OuterRef() is only valid inside a Subquery() or Exists() used in another query");
  }
  return *c->enclosing_;
}

void Compiler::int_arg(int64_t n) {
  render(w_, d_.text("int_arg"), [&](std::string_view slot) {
    if (slot == "value") {
      w_.value(Value(n));
    } else if (slot == "literal") {
      w_.add(std::to_string(n));  // a C++ integer: digits, nothing else
    } else {
      unknown_slot(slot);
    }
  });
}

void Compiler::literal(const Value& v) {
  if (v.type() != ValueType::Decimal) {
    w_.value(v);
    return;
  }
  decimal_value(v, {});
}

// A decimal compared with something: SQLite binds decimals as text, which an
// aggregate, an annotation or any other expression (no column affinity) compares as
// text, so never equal to or greater than a number; through the dialect's decimal_value
// (CAST(? AS NUMERIC)) the numbers are compared, as Django's SQLite backend does. DDL
// writes literals, compared with columns only.
void Compiler::compared_value(const Value& v, ParamOrigin origin) {
  if (v.type() != ValueType::Decimal || w_.inline_literals()) {
    w_.value(v, origin);
    return;
  }
  decimal_value(v, origin);
}

void Compiler::decimal_value(const Value& v, ParamOrigin origin) {
  render(w_, d_.text("decimal_value"), [&](std::string_view slot) {
    if (slot != "value") unknown_slot(slot);
    w_.value(v, origin);
  });
}

int decimal_places_of(const Query& q, const ExprNode& e) {
  if (e.output) return e.output->kind == FieldKind::Decimal ? e.output->decimal_places : -1;
  if (e.kind == ExprNode::Kind::Field) {
    if (q.annotation(e.path)) return decimal_places_of(q, q.annotation(e.path)->node());
    const Resolved r = resolve_ref(q, e.path);
    if (r.field && r.transform_count == 0 && r.field->kind() == FieldKind::Decimal) {
      return r.field->spec().decimal_places();
    }
    return -1;
  }
  if (e.kind == ExprNode::Kind::Aggregate &&
      (e.func == "SUM" || e.func == "MAX" || e.func == "MIN") && !e.star) {
    return decimal_places_of(q, *e.args[0]);
  }
  // Over a window, and through the functions that give one of their arguments back.
  const bool passes_through =
      e.kind == ExprNode::Kind::Window ||
      (e.kind == ExprNode::Kind::Func &&
       (e.func == "Coalesce" || e.func == "Greatest" || e.func == "Least" || e.func == "Abs" ||
        e.func.starts_with("Lag") || e.func.starts_with("Lead") || e.func == "FirstValue" ||
        e.func == "LastValue" || e.func == "NthValue"));
  if (passes_through && !e.args.empty()) return decimal_places_of(q, *e.args[0]);
  return -1;
}

}  // namespace quarry::detail
