// The Compiler behind orm/compiler.hpp's compile_*() functions, shared by the files that
// write what it compiles (internal to those files):
//
//   compile_support.cpp    the writer, value preparation, helpers of every clause
//   compile_expr.cpp       references (columns, transforms) and expressions, one
//                          function per expression node kind
//   compile_functions.cpp  aggregates, Func() templates, Extract/Trunc, Window
//   compile_where.cpp      conditions (Q trees, EXISTS across many rows), WHERE, HAVING
//   compile_lookup.cpp     one lookup, from the registry of orm/lookups.hpp
//   compile_joins.cpp      the joins, in the order Django makes them, and FROM
//   compile_select.cpp     SELECT, one function per clause, and row locks
//   compile_compound.cpp   WITH (CTEs) and UNION / INTERSECT / EXCEPT
//   compile_read.cpp       the read statements: SELECT, COUNT, EXISTS, aggregate()
//   compile_write.cpp      INSERT, UPDATE, DELETE, bulk updates, DDL conditions
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orm/compiler.hpp"
#include "orm/lookups.hpp"
#include "quarry/errors.hpp"

namespace quarry::detail {

// One lookup being compiled: the condition, its resolved path and its registry row.
struct LookupCall {
  const QNode& leaf;
  const Resolved& r;
  const LookupRow& row;
};

class Compiler {
 public:
  // `table` is the name columns are qualified with ("" for none, as in CHECK constraints).
  Compiler(const Query& q, SqlWriter& w, std::string table);

  // SELECT for the query's rows; fills out.fields and out.extras.
  void select(Compiled& out, bool with_order = true);
  // Expression SQL; returns the kind of value it gives, where known.
  std::optional<FieldKind> expr(const ExprNode& e);
  // A condition; inside an odd number of NOTs nullable columns need care (negated_).
  void condition(const QNode& n);
  // WHERE for the rows the query names (without HAVING, GROUP BY or ORDER BY).
  void where_clause_public() { where_clause(false); }
  // " FROM table [joins] WHERE ...": what a statement reads from; true when it joined
  // other tables.
  bool from_where();
  // Inside aggregate() over a subquery: annotations are columns of "subquery".
  void use_annotation_columns() { annotations_as_columns_ = true; }
  // Registers the joins of the query's filter() calls and annotations in the order they
  // were made, so that each reference reuses the join Django's would (select() and
  // from_where() do it first; an aggregate() written before its FROM calls it itself).
  void plan_joins();

  // What a path reads: SQL for the column (with transforms applied) and its kind.
  std::optional<FieldKind> reference(const Resolved& r);
  // The kind a path reads, without writing it.
  std::optional<FieldKind> kind_of(const Resolved& r);
  // The kind an expression gives, without writing it.
  std::optional<FieldKind> kind_of(const ExprNode& e);

  // The lookups whose SQL no template can say (LookupRow::compile).
  void exact_lookup(const LookupCall& c);  // exact None is isnull
  void isnull_lookup(const LookupCall& c);
  void in_lookup(const LookupCall& c);
  void range_lookup(const LookupCall& c);

 private:
  // ---- expressions (compile_expr.cpp) ----
  std::optional<FieldKind> reference(const Resolved& r, std::size_t transforms);
  void column(const Field& f);
  std::optional<FieldKind> value_expr(const ExprNode& e);
  std::optional<FieldKind> binary(const ExprNode& e);
  std::optional<FieldKind> negate(const ExprNode& e);
  std::optional<FieldKind> case_when(const ExprNode& e);
  std::optional<FieldKind> wrapper(const ExprNode& e);
  std::optional<FieldKind> subquery_value(const ExprNode& e);
  std::optional<FieldKind> exists_expr(const ExprNode& e);
  std::optional<FieldKind> outer_ref(const ExprNode& e);
  std::optional<FieldKind> not_expr(const ExprNode& e);
  std::optional<FieldKind> cte_column(const ExprNode& e);
  // A value inside an expression (not compared with or stored in a column).
  void literal(const Value& v);
  // A value compared with a column or an expression (lookups, expressions).
  void compared_value(const Value& v, ParamOrigin origin = {});
  // A decimal parameter through the dialect's decimal_value template.
  void decimal_value(const Value& v, ParamOrigin origin);
  // An integer argument of a function, as the backend takes it (PostgreSQL: integer).
  void int_arg(int64_t n);
  // A queryset inside this query (Subquery, Exists, `in`): its tables aliased U<depth>,
  // its OuterRef()s read from this query.
  Compiler subquery(const Query& sub);
  // The query an OuterRef() in this query reads from.
  Compiler& enclosing();
  // The compiler of the outermost query (F() in a condition inside EXISTS refers to it).
  Compiler& root() { return outer_ ? outer_->root() : *this; }

  // ---- functions (compile_functions.cpp) ----
  std::optional<FieldKind> aggregate(const ExprNode& e);
  std::optional<FieldKind> aggregate_call(const ExprNode& e);
  std::optional<FieldKind> function(const ExprNode& e);
  void concat(const ExprNode& e, std::size_t i);
  std::optional<FieldKind> date_part(const ExprNode& e);
  std::optional<FieldKind> window(const ExprNode& e);
  void frame_bound(std::optional<int64_t> n, bool start);

  // ---- conditions (compile_where.cpp, compile_lookup.cpp) ----
  void where_clause(bool having);
  // The conditions of one AND or OR.
  void children(const QNode& n);
  // A leaf, or leaves of one AND, whose path crosses a relation to many rows from hop
  // `at`: EXISTS (SELECT 1 FROM the rows ... WHERE they belong to this row AND ...), so
  // a row matches once however many related rows do.
  void exists(const std::vector<std::pair<const QNode*, Resolved>>& leaves, std::size_t at);
  void lookup(const QNode& leaf, const Resolved& r, bool negated);
  // A lookup through its template: the dialect's key, or a registered lookup's own.
  void template_lookup(const LookupCall& c);
  // IS [NOT] NULL.
  void null_test(const Resolved& r, bool is_null);
  void write_rhs(const ExprNode& rhs, std::optional<FieldKind> lhs_kind, std::string_view what);

  // ---- joins (compile_joins.cpp) ----
  // " FROM table", remembering where the joins go.
  void from_clause();
  // The alias of the table the hops lead to, joining the tables still missing (INNER
  // where every row has one; LEFT OUTER past a nullable or reverse relation unless
  // `inner`).
  const std::string& join(std::span<const Hop> hops, bool inner = false);
  // Writes the joins made so far after the FROM table. Joins hold no parameters, so
  // inserting them later leaves every marker's number as it was written.
  void insert_joins();

  // ---- SELECT (compile_select.cpp) ----
  struct SelectList;
  void select_list(SelectList& list);
  void model_columns(SelectList& list);
  void values_columns(SelectList& list);
  void annotation_column(SelectList& list, const std::string& name, const Expr& e);
  void prefetch_column(SelectList& list);
  void select_related_columns(Compiled& out, std::vector<bool>* plain);
  bool needs_group_by() const;
  void group_by_clause(const std::vector<bool>& plain);
  void order_by_clause();
  // One ORDER BY item; a selected annotation by its alias unless !by_alias.
  void order_item(const OrderBy& o, bool flip, bool by_alias = true);
  void limit_clause();
  void lock_clause();

  // ---- WITH and compound queries (compile_compound.cpp) ----
  // The SELECT of a UNION, INTERSECT or EXCEPT, under one WITH for all its parts.
  void compound_select(Compiled& out);
  void combined_select(Compiled& out);
  void compound_order_by(const Compiled& out);
  // WITH [RECURSIVE] name (columns) AS (...), ... before the SELECT.
  void with_clause(const std::vector<std::shared_ptr<const CteNode>>& ctes);
  // A compiler for another query at this one's level (a CTE's body, a part of a UNION):
  // it reads the same OuterRefs and CTEs.
  Compiler sibling(const Query& q) const;
  // The CTE of that name this query can read: its own, or one of a query around it.
  const CteNode& find_cte(std::string_view name) const;

  struct Join {
    const Field* via;    // the relation crossed
    bool reverse;        // from the model via points at to via's model
    std::string parent;  // the alias joined from
    std::string alias;   // this table's alias
    const ModelMeta* model;
    bool left;  // LEFT OUTER: the row may have no related row
    int event;  // what made it (see event_)
  };

  // Django's rules for relations to many rows ("Spanning multi-valued relationships" in
  // its queries topic guide): the conditions of one filter() call share one join of such
  // a relation, a later filter() call joins it again, and an annotation (or anything
  // read after the filters: values(), order_by(), aggregate()) reuses the latest join
  // made before it. Each filter() call and each annotation is an event, numbered in the
  // order they were made: filter() call i is 2i+1, an annotation made after n calls 2n.
  static constexpr int kAfterAll = 1 << 30;
  static int filter_event(std::size_t i) { return 2 * static_cast<int>(i) + 1; }
  int annotation_event(std::string_view name) const;
  void plan(const QNode& n, bool negated);
  void plan(const ExprNode& e);
  // Whether a condition across a relation to many rows is an EXISTS subquery: only where
  // Django uses one, in a negated filter condition (exclude(), ~Q); elsewhere it joins.
  bool subquery_for_many() const { return negated_ && !in_expression_; }

  const Query& q_;
  SqlWriter& w_;
  const Dialect& d_;
  std::string table_;
  bool negated_ = false;  // inside an odd number of NOTs
  bool annotations_as_columns_ = false;
  std::map<std::string, std::optional<FieldKind>> annotation_kinds_;  // selected, by alias
  std::vector<Join> joins_;
  std::size_t joins_at_ = std::string::npos;  // in w_.sql, after the FROM table
  Compiler* outer_ = nullptr;                 // inside EXISTS: the query it belongs to
  Compiler* enclosing_ = nullptr;             // in a subquery: the query it is used in
  int depth_ = 0;                             // how many subqueries deep
  bool in_window_ = false;                    // compiling a Window's function
  int event_ = kAfterAll;                     // the event whose references are compiled
  bool in_expression_ = false;                // a condition of Case/When or filter=
  bool planned_ = false;                      // plan_joins() done
  // Inside WITH: the CTEs of the query that defines this one (a recursive CTE reads
  // itself), and its UNION's parts are written without parentheses.
  const std::vector<std::shared_ptr<const CteNode>>* cte_scope_ = nullptr;
  bool bare_compound_ = false;
  std::vector<std::shared_ptr<const CteNode>> with_list_;  // a compound's WITH
};

// ---- helpers of every clause (compile_support.cpp) ----

// The kind of a literal value; none for NULL.
std::optional<FieldKind> kind_of_value(const Value& v);
bool is_integer(std::optional<FieldKind> k);
// Refuses, before any SQL is sent, an expression whose two sides no backend can relate
// (a number compared with text): FieldError naming `what`.
void same_family(std::optional<FieldKind> a, std::optional<FieldKind> b, std::string_view what);
// A query whose rows a plain "FROM ... WHERE" names (COUNT(*), EXISTS need no subquery).
bool simple(const Query& q);
[[noreturn]] void not_supported(const Dialect& d, const std::string& what);
[[noreturn]] void unknown_slot(std::string_view name);
// " LIMIT ... OFFSET ..." for the rows [low, high), in the dialect's words.
// A query's own slice notes where its numbers come from (`of`: its `low` and `high`).
void write_limit(SqlWriter& w, std::optional<int64_t> low, std::optional<int64_t> high,
                 const Query* of = nullptr);

// A model's table and columns quoted for one dialect, made once: the SELECT list of
// every query on the model starts from these.
struct QuotedModel {
  std::string table;                 // "student"
  std::vector<std::string> columns;  // "student"."id", per field index
  std::string all_columns;           // "student"."id", "student"."name", ...
};
const QuotedModel& quoted_model(const Dialect& d, const ModelMeta& m);

// The statement written: `c` with the writer's SQL and parameters.
Compiled done(SqlWriter& w, Compiled c);

// Whether a condition reads an aggregate (it then goes to HAVING) (compile_where.cpp).
bool refers_to_aggregate(const Query& q, const QNode& n);

// Writes a template, calling slot(name) to write each {slot} where it stands. SQL and
// parameters are written in textual order, so a template may put {rhs} before {lhs} or
// name a slot twice, and the parameters still line up with their markers.
template <class Slot>
void render(SqlWriter& w, std::string_view tmpl, Slot&& slot) {
  while (!tmpl.empty()) {
    const std::size_t brace = tmpl.find_first_of("{}");
    w.add(tmpl.substr(0, brace));
    if (brace == std::string_view::npos) return;
    const char c = tmpl[brace];
    if (brace + 1 < tmpl.size() && tmpl[brace + 1] == c) {  // {{ or }}
      w.add(c);
      tmpl.remove_prefix(brace + 2);
      continue;
    }
    if (c == '}') throw ProgrammingError("unmatched '}' in template");
    const std::size_t close = tmpl.find('}', brace);
    if (close == std::string_view::npos) throw ProgrammingError("unclosed '{' in template");
    slot(tmpl.substr(brace + 1, close - brace - 1));
    tmpl.remove_prefix(close + 1);
  }
}

}  // namespace quarry::detail
