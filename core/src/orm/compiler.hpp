// The SQL compiler: a Query and a Dialect in, SQL text and its parameters out.
//
// Every value becomes a bound parameter (DDL, which cannot take parameters, gets
// literals written by the dialect); every identifier is a resolved field, a checked
// annotation name or a quoted alias. Internal to the core.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orm/query.hpp"
#include "quarry/dialect.hpp"

namespace quarry::detail {

struct OutputColumn {
  std::string name;
  std::optional<FieldKind> kind;  // what the raw value is converted to; none: as it comes
  int decimal_places = -1;        // a decimal is rounded to these places (a DecimalField's)
};

// The places of the DecimalField an expression reads (directly, or through SUM, MAX,
// MIN, or a declared output), or -1.
int decimal_places_of(const Query& q, const ExprNode& e);

// The columns of one object that select_related reads with its parent's row.
struct RelatedColumns {
  const Field* via;        // the ForeignKey of the parent that holds it
  int parent;              // index of the parent's RelatedColumns, or -1: the row's object
  const ModelMeta* model;  // the related model
  std::size_t first;       // its first column in the row
  std::vector<const Field*> fields;  // its fields, in select order (only()/defer() apply)
  std::size_t pk = 0;                // where its primary key is in `fields`
};

struct Compiled {
  std::string sql;
  std::vector<Value> params;
  std::vector<const Field*> fields;     // model fields, in select order
  std::vector<RelatedColumns> related;  // then select_related's objects, parents first
  std::vector<OutputColumn> extras;     // then these: annotations, values() columns
  // Where the extras begin in a row.
  std::size_t extras_first() const {
    std::size_t n = fields.size();
    for (const auto& r : related) n += r.fields.size();
    return n;
  }
};

// Where a parameter's value comes from, noted while a SELECT is compiled for the cache of
// compiled SELECTs (orm/select_cache.hpp): a Literal of the query's conditions
// (converted to `kind`, as the compiler converts it), or the query's own slice (the
// address of its `low` or `high`). A parameter the compiler computed has no source,
// and a query with one is compiled every time.
struct ParamOrigin {
  const void* source = nullptr;
  std::optional<FieldKind> kind;
};

// SQL text and its parameters, with placeholders numbered across subqueries. Markers
// are numbered as they are written: the compiler writes SQL in textual order (a
// template's slots are filled where they stand), so the n-th marker in the text is
// always the n-th parameter.
class SqlWriter {
 public:
  explicit SqlWriter(const Dialect& d, bool inline_literals = false)
      : d_(d), inline_(inline_literals) {
    sql.reserve(256);
    params.reserve(4);
  }
  const Dialect& dialect() const { return d_; }
  bool inline_literals() const { return inline_; }
  void add(std::string_view s) { sql += s; }
  void add(char c) { sql += c; }
  void quoted(std::string_view identifier) { d_.append_quoted(sql, identifier); }
  // A value: a typed parameter marker, or a literal in DDL. NULL is written as NULL.
  void value(Value v, ParamOrigin origin = {});
  // A value that is always bound, NULL included (INSERT rows, bulk updates): the SQL
  // text then stays the same from row to row, so the prepared statement is reused.
  void param(Value v, ParamOrigin origin = {}) {
    d_.append_param(sql, params.size() + 1, v.type());
    params.push_back(std::move(v));
    if (record_origins) origins.push_back(origin);
  }
  // Takes back what was written after `text` characters and `n` parameters.
  void truncate(std::size_t text, std::size_t n) {
    sql.resize(text);
    params.resize(n);
    if (record_origins) origins.resize(n);
  }

  std::string sql;
  std::vector<Value> params;
  bool record_origins = false;
  std::vector<ParamOrigin> origins;  // per parameter, when record_origins

 private:
  const Dialect& d_;
  bool inline_;
};

class Compiler {
 public:
  // `table` is the name columns are qualified with ("" for none, as in CHECK constraints).
  Compiler(const Query& q, SqlWriter& w, std::string table);

  // SELECT for the query's rows; fills out.fields and out.extras.
  void select(Compiled& out, bool with_order = true);
  // Expression SQL; returns the kind of value it gives, where known.
  std::optional<FieldKind> expr(const ExprNode& e);
  // A condition; `negated` is true inside NOT (nullable columns then need care).
  void condition(const QNode& n);
  void order_by_clause(bool reverse_default = false);
  void limit_clause();
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

 private:
  void lookup(const QNode& leaf, const Resolved& r, bool negated);
  // A leaf, or leaves of one AND, whose path crosses a relation to many rows from hop
  // `at`: EXISTS (SELECT 1 FROM the rows ... WHERE they belong to this row AND ...), so
  // a row matches once however many related rows do.
  void exists(const std::vector<std::pair<const QNode*, Resolved>>& leaves, std::size_t at);
  // The compiler of the outermost query (F() in a condition inside EXISTS refers to it).
  Compiler& root() { return outer_ ? outer_->root() : *this; }
  std::optional<FieldKind> reference(const Resolved& r, std::size_t transforms);
  void column(const Field& f);
  std::optional<FieldKind> aggregate(const ExprNode& e);
  std::optional<FieldKind> aggregate_call(const ExprNode& e);
  std::optional<FieldKind> function(const ExprNode& e);
  std::optional<FieldKind> date_part(const ExprNode& e);
  std::optional<FieldKind> window(const ExprNode& e);
  void frame_bound(std::optional<int64_t> n, bool start);
  // An integer argument of a function, as the backend takes it (PostgreSQL: integer).
  void int_arg(int64_t n);
  // A value inside an expression (not compared with or stored in a column).
  void literal(const Value& v);
  // A value compared with a column or an expression (lookups, expressions).
  void compared_value(const Value& v, ParamOrigin origin = {});
  // A decimal parameter through the dialect's decimal_value template.
  void decimal_value(const Value& v, ParamOrigin origin);
  // A queryset inside this query (Subquery, Exists, `in`): its tables aliased U<depth>,
  // its OuterRef()s read from this query.
  Compiler subquery(const Query& sub);
  // The query an OuterRef() in this query reads from.
  Compiler& enclosing();
  // WITH [RECURSIVE] name (columns) AS (...), ... before the SELECT.
  void with_clause(const std::vector<std::shared_ptr<const CteNode>>& ctes);
  // A compiler for another query at this one's level (a CTE's body, a part of a UNION):
  // it reads the same OuterRefs and CTEs.
  Compiler sibling(const Query& q) const;
  // The CTE of that name this query can read: its own, or one of a query around it.
  const CteNode& find_cte(std::string_view name) const;
  void concat(const ExprNode& e, std::size_t i);
  void where_clause(bool having);
  bool needs_group_by() const;
  void group_by_clause(const std::vector<std::pair<std::string, const ExprNode*>>& selected);
  void write_rhs(const ExprNode& rhs, std::optional<FieldKind> lhs_kind, std::string_view what);
  void combined_select(Compiled& out);
  // One ORDER BY item; a selected annotation by its alias unless !by_alias.
  void order_item(const OrderBy& o, bool flip, bool by_alias = true);
  void lock_clause();
  // " FROM table", remembering where the joins go.
  void from_clause();
  // The alias of the table the hops lead to, joining the tables still missing (INNER
  // where every row has one; LEFT OUTER past a nullable or reverse relation unless
  // `inner`).
  const std::string& join(std::span<const Hop> hops, bool inner = false);
  // Writes the joins made so far after the FROM table. Joins hold no parameters, so
  // inserting them later leaves every marker's number as it was written.
  void insert_joins();
  void select_related_columns(Compiled& out, std::vector<bool>* plain);

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

// select_for_update()'s options that are set, each with the feature flag it needs.
struct LockOption {
  const char* name;
  const char* feature;
};
std::vector<LockOption> lock_options(const ForUpdate& o);

// A value compared with a column of `kind`, converted to it; a ValueError names `what`.
Value prepared(const Value& v, std::optional<FieldKind> kind, std::string_view what,
               const Dialect& d);
// Refuses text that breaks values/text_check.hpp's rule with DataError naming `what`
// (the field or lookup), ahead of the connection's check, which can name only the
// parameter's position. `nul_flag` is the feature that says whether a NUL may stay:
// "text_holds_nul" for a value, "patterns_hold_nul" for a LIKE pattern.
void check_text(const Dialect& d, std::string_view text, std::string_view what,
                const char* nul_flag);
// The compile behind compile_select(), writing through a writer the caller made.
void compile_select_into(const Query& q, SqlWriter& w, Compiled& out);

Compiled compile_select(const Query& q, const Dialect& d);
Compiled compile_count(const Query& q, const Dialect& d);
Compiled compile_exists(const Query& q, const Dialect& d);
Compiled compile_aggregate(const Query& q, const Dialect& d,
                           const std::vector<std::pair<std::string, Expr>>& aggregates);
Compiled compile_update(const Query& q, const Dialect& d,
                        const std::vector<std::pair<std::string, Expr>>& assignments);
Compiled compile_delete(const Query& q, const Dialect& d);
// INSERT of rows (each the values of `fields`, in order); RETURNING the primary key
// when asked; rows that conflict with existing ones skipped when ignore_conflicts.
Compiled compile_insert(const ModelMeta& m, const Dialect& d,
                        const std::vector<const Field*>& fields,
                        const std::vector<std::vector<Value>>& rows, bool returning_pk,
                        bool ignore_conflicts = false);
// UPDATE ... SET f = CASE WHEN pk = ? THEN ? ... END WHERE pk IN (...), for bulk_update.
Compiled compile_bulk_update(const ModelMeta& m, const Dialect& d,
                             const std::vector<const Field*>& fields, const std::vector<Value>& pks,
                             const std::vector<std::vector<Value>>& values);
// A condition as DDL text (CHECK constraints, partial indexes): literals, bare columns.
std::string compile_ddl_condition(const ModelMeta& m, const Dialect& d, const Q& cond);

}  // namespace quarry::detail
