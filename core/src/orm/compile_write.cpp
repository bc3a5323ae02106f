// The statements that change rows: UPDATE and DELETE of a query's rows (through
// "pk IN (SELECT ...)" where its conditions join), INSERT of rows, bulk_update's CASE,
// and the conditions of DDL (CHECK constraints, partial indexes) with literals.
#include "orm/sql_compiler.hpp"

namespace quarry::detail {
namespace {

void no_ctes(const Query& q, const char* what) {
  if (!q.ctes.empty()) {
    throw NotSupportedError(std::string(what) + " of a queryset with CTEs is not supported: " +
                            "filter by the CTE's keys (pk__in=cte.queryset().values(...))");
  }
}

// The WHERE of an UPDATE or DELETE. UPDATE and DELETE take no joins, so conditions
// across relations become "pk IN (SELECT pk ... joins ... WHERE ...)" (through a derived
// table on backends that cannot select from the table they change, as MySQL).
void write_target_rows(const Query& q, SqlWriter& w) {
  const Dialect& d = w.dialect();
  w.note_table(q.model->table());  // it reads the rows it changes, joined or not
  SqlWriter probe(d);
  if (!Compiler(q, probe, q.model->table()).from_where()) {
    Compiler(q, w, q.model->table()).where_clause_public();
    return;
  }
  std::string pk;
  d.append_quoted(pk, q.model->pk().column());
  const bool self_select = d.features().has("update_can_self_select");
  w.add(" WHERE " + pk + " IN (SELECT ");
  if (!self_select) w.add("* FROM (SELECT ");
  w.quoted(q.model->table());
  w.add("." + pk);
  Compiler(q, w, q.model->table()).from_where();
  w.add(self_select ? ")" : ") subquery)");
}

}  // namespace

Compiled compile_update(const Query& q, const Dialect& d,
                        const std::vector<std::pair<std::string, Expr>>& assignments) {
  if (q.sliced()) throw ProgrammingError("Cannot update a query once a slice has been taken.");
  if (assignments.empty()) throw ProgrammingError("update() needs at least one field to set");
  no_ctes(q, "update()");
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
      w.value(prepared(e.value, f.data_kind(), "update of '" + f.name() + "'", d));
    } else {
      comp.expr(e);
    }
  }
  write_target_rows(q, w);
  Compiled c;
  c.written = q.model->table();
  return done(w, std::move(c));
}

Compiled compile_delete(const Query& q, const Dialect& d) {
  if (q.sliced()) throw ProgrammingError("Cannot use 'limit' or 'offset' with delete().");
  no_ctes(q, "delete()");
  SqlWriter w(d);
  w.add("DELETE FROM ");
  w.quoted(q.model->table());
  write_target_rows(q, w);
  Compiled c;
  c.written = q.model->table();
  return done(w, std::move(c));
}

Compiled compile_insert(const ModelMeta& m, const Dialect& d,
                        const std::vector<const Field*>& fields,
                        const std::vector<std::vector<Value>>& rows, bool returning_pk,
                        bool ignore_conflicts) {
  if (ignore_conflicts && !d.features().has("supports_ignore_conflicts")) {
    throw NotSupportedError("This database backend does not support ignoring conflicts.");
  }
  SqlWriter w(d);
  Compiled c;
  c.written = m.table();
  std::string table;
  d.append_quoted(table, m.table());
  if (fields.empty()) {
    if (rows.size() != 1) throw ProgrammingError("an INSERT without columns inserts one row");
    w.add(d.render("insert.empty", {{"table", table}}));
  } else {
    render(w, d.text(ignore_conflicts ? "insert.ignore_conflicts" : "insert"),
           [&](std::string_view slot) {
             if (slot == "table") {
               w.add(table);
             } else if (slot == "columns") {
               for (std::size_t i = 0; i < fields.size(); ++i) {
                 if (i) w.add(", ");
                 w.quoted(fields[i]->column());
               }
             } else if (slot == "rows") {
               for (std::size_t r = 0; r < rows.size(); ++r) {
                 w.add(r ? ", (" : "(");
                 for (std::size_t i = 0; i < fields.size(); ++i) {
                   if (i) w.add(", ");
                   if (const auto* text = rows[r][i].get_if<std::string>()) {
                     check_text(d, *text, fields[i]->name(), "text_holds_nul");
                   }
                   w.param(rows[r][i]);
                 }
                 w.add(')');
               }
             } else {
               unknown_slot(slot);
             }
           });
  }
  if (returning_pk) {
    std::string pk;
    d.append_quoted(pk, m.pk().column());
    w.add(' ');
    w.add(d.render("returning", {{"columns", pk}}));
    c.extras.push_back({m.pk().name(), m.pk().data_kind()});
  }
  return done(w, std::move(c));
}

Compiled compile_bulk_update(const ModelMeta& m, const Dialect& d,
                             const std::vector<const Field*>& fields, const std::vector<Value>& pks,
                             const std::vector<std::vector<Value>>& values) {
  SqlWriter w(d);
  std::string pk_col;
  d.append_quoted(pk_col, m.pk().column());
  w.add("UPDATE ");
  w.table(m.table());
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
  Compiled c;
  c.written = m.table();
  return done(w, std::move(c));
}

std::string compile_ddl_condition(const ModelMeta& m, const Dialect& d, const Q& cond) {
  Query q(m);
  SqlWriter w(d, /*inline_literals=*/true);
  Compiler(q, w, "").condition(cond.node());
  return w.sql;
}

}  // namespace quarry::detail
