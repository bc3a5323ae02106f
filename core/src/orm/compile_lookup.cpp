// One lookup ("gpa__gt", 3.5): its registry row (orm/lookups.hpp) says how. Most are a
// template (the dialect's lookup.NAME, or a registered lookup's own) over the column and
// the value's marker; exact None, isnull, in and range have compile functions here.
#include "orm/sql_compiler.hpp"

namespace quarry::detail {

void Compiler::lookup(const QNode& leaf, const Resolved& r, bool negated) {
  const ExprNode& rhs = *leaf.rhs;
  const bool null_value = rhs.kind == ExprNode::Kind::Literal && rhs.value.is_null();
  const LookupRow* row = find_lookup(r.lookup);
  if (!row) throw ProgrammingError("no template for lookup '" + std::string(r.lookup) + "'");
  if (!row->feature.empty() && !d_.features().has(row->feature)) {
    not_supported(d_, "'" + leaf.lookup + "' (" + std::string(row->feature_what) + ") is");
  }

  // exclude(x=1) keeps the rows where x is NULL, as in Django: NOT (x = 1 AND x IS NOT NULL).
  const bool guard_null =
      negated && r.field && r.field->null() && r.lookup != "isnull" && !null_value;
  if (guard_null) w_.add('(');
  const LookupCall call{leaf, r, *row};
  if (row->compile) {
    (this->*row->compile)(call);
  } else {
    template_lookup(call);
  }
  if (guard_null) {
    w_.add(" AND ");
    null_test(r, false);
    w_.add(')');
  }
}

void Compiler::null_test(const Resolved& r, bool is_null) {
  reference(r);
  w_.add(is_null ? " IS NULL" : " IS NOT NULL");
}

void Compiler::exact_lookup(const LookupCall& c) {
  const ExprNode& rhs = *c.leaf.rhs;
  if (rhs.kind == ExprNode::Kind::Literal && rhs.value.is_null()) {
    null_test(c.r, true);
  } else {
    template_lookup(c);
  }
}

void Compiler::isnull_lookup(const LookupCall& c) {
  const ExprNode& rhs = *c.leaf.rhs;
  null_test(c.r, rhs.kind == ExprNode::Kind::Literal && rhs.value.as<bool>());
}

void Compiler::in_lookup(const LookupCall& c) {
  const ExprNode& rhs = *c.leaf.rhs;
  if (rhs.kind == ExprNode::Kind::List && rhs.values.empty()) {
    w_.add("1 = 0");  // nothing is in an empty list
    return;
  }
  const std::optional<FieldKind> kind = reference(c.r);
  w_.add(" IN (");
  if (rhs.kind == ExprNode::Kind::List) {
    for (std::size_t i = 0; i < rhs.values.size(); ++i) {
      if (i) w_.add(", ");
      compared_value(prepared(rhs.values[i], kind, c.leaf.lookup, d_));
    }
  } else if (rhs.kind == ExprNode::Kind::Subquery) {
    Compiled ignored;
    root().subquery(*rhs.query).select(ignored);
  } else {
    throw ProgrammingError("'" + c.leaf.lookup + "' needs a list of values or a queryset");
  }
  w_.add(')');
}

void Compiler::range_lookup(const LookupCall& c) {
  const ExprNode& rhs = *c.leaf.rhs;
  if (rhs.kind != ExprNode::Kind::List || rhs.values.size() != 2) {
    throw ProgrammingError("'" + c.leaf.lookup + "' needs a list of two values: [low, high]");
  }
  const std::optional<FieldKind> kind = reference(c.r);
  w_.add(" BETWEEN ");
  compared_value(prepared(rhs.values[0], kind, c.leaf.lookup, d_));
  w_.add(" AND ");
  compared_value(prepared(rhs.values[1], kind, c.leaf.lookup, d_));
}

void Compiler::template_lookup(const LookupCall& c) {
  const ExprNode& rhs = *c.leaf.rhs;
  const LookupRow& row = c.row;
  const std::string_view tmpl = row.key.empty() ? row.sql_on(d_.engine_name()) : d_.text(row.key);
  const bool pattern =
      row.value == LookupValue::Pattern ||
      (row.value == LookupValue::PatternUnlessRaw && d_.text(row.pattern_key) != "raw");
  if (pattern && (rhs.kind != ExprNode::Kind::Literal || rhs.value.type() != ValueType::Text)) {
    throw NotSupportedError("'" + c.leaf.lookup + "' takes text, not an expression");
  }
  const bool text = row.value == LookupValue::Text;
  // The value is converted to the column's kind, which must be known before the value
  // is written: ahead of time when a template puts {rhs} first.
  std::optional<FieldKind> kind;
  bool kind_known = pattern || text;
  if (!kind_known && tmpl.find("{rhs}") < tmpl.find("{lhs}")) {
    kind = kind_of(c.r);
    kind_known = true;
  }
  render(w_, tmpl, [&](std::string_view slot) {
    if (slot == "lhs") {
      const auto k = reference(c.r);
      if (!kind_known) kind = k;
    } else if (slot == "rhs") {
      if (pattern) {
        const std::string& value = *rhs.value.get_if<std::string>();
        check_text(d_, value, c.leaf.lookup, "patterns_hold_nul");
        w_.value(Value(d_.pattern_value(row.name, value)));
      } else {
        write_rhs(rhs, text ? std::optional(FieldKind::Text) : kind, c.leaf.lookup);
      }
    } else {
      unknown_slot(slot);
    }
  });
}

}  // namespace quarry::detail
