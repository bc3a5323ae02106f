// The SQL compiler: a Query and a Dialect in, SQL text and its parameters out.
//
// Every value becomes a bound parameter (DDL, which cannot take parameters, gets
// literals written by the dialect); every identifier is a resolved field, a checked
// annotation name or a quoted alias. Internal to the core: the executor and the rest of
// the ORM call the compile_*() functions below; the Compiler behind them is in
// orm/sql_compiler.hpp, split by what it compiles over orm/compile_*.cpp.
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
  // The tables the statement reads (FROM, joins, subqueries, CTE members, a compound's
  // other queries), sorted and each once; and the one it changes (INSERT, UPDATE,
  // DELETE), or "". What the query cache invalidates by.
  std::vector<std::string> tables;
  std::string written;
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
  // A table the statement reads: written quoted, and noted in `tables`.
  void table(std::string_view name) {
    quoted(name);
    note_table(name);
  }
  // Notes a table the statement reads whose name is written some other way.
  void note_table(std::string_view name);
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
  std::vector<std::string> tables;  // sorted, each once
  bool record_origins = false;
  std::vector<ParamOrigin> origins;  // per parameter, when record_origins

 private:
  const Dialect& d_;
  bool inline_;
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
