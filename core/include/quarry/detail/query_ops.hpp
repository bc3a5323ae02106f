// Internal: what the QuerySet templates (quarry/queryset.hpp) call in the core library.
// Not a contract: names and signatures here change with the core; applications use the
// QuerySet, Manager and model calls instead. Defined in core/src/orm (query building in
// query*.cpp, running in executor.cpp, writes in persistence.cpp and deletion.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "quarry/decimal.hpp"
#include "quarry/deletion.hpp"
#include "quarry/expressions.hpp"
#include "quarry/fetch_mode.hpp"
#include "quarry/model.hpp"
#include "quarry/query_options.hpp"
#include "quarry/record.hpp"
#include "quarry/result_set.hpp"

namespace quarry {

namespace detail {

// Building queries (each returns a changed copy). Names are checked here. Those taking
// the query by pointer change it in place when given the only reference to it.
std::shared_ptr<const Query> make_query(const ModelMeta& m);
std::shared_ptr<const Query> with_filter(std::shared_ptr<const Query> q, const Q& cond,
                                         bool negate);
std::shared_ptr<const Query> with_order(const Query& q, const std::vector<OrderSpec>& order);
std::shared_ptr<const Query> with_reverse(const Query& q);
std::shared_ptr<const Query> with_distinct(const Query& q);
std::shared_ptr<const Query> with_slice(std::shared_ptr<const Query> q, int64_t low,
                                        std::optional<int64_t> high);
std::shared_ptr<const Query> with_annotation(const Query& q, const std::string& name,
                                             const Expr& e);
std::shared_ptr<const Query> with_values(const Query& q, std::vector<std::string> names);
std::shared_ptr<const Query> with_fields(const Query& q, std::vector<std::string> names,
                                         bool defer);
std::shared_ptr<const Query> with_none(const Query& q);
std::shared_ptr<const Query> with_alias(const Query& q, std::string alias);
std::shared_ptr<const Query> with_combination(const Query& q, int kind, const Query& other,
                                              bool all);
std::shared_ptr<const Query> with_for_update(const Query& q, ForUpdate options);
// select_related(paths); with no paths, every non-null ForeignKey, followed as far as they
// go (Django's select_related() without arguments).
std::shared_ptr<const Query> with_select_related(const Query& q, std::vector<std::string> paths,
                                                 bool all_non_null);
std::shared_ptr<const Query> with_fetch_mode(const Query& q, FetchMode mode);
// cache(ttl) (ttl_ms 0: the alias's default) and nocache() (ttl_ms nullopt).
std::shared_ptr<const Query> with_cache(const Query& q, std::optional<int64_t> ttl_ms);
// prefetch_related(lookups); an empty list clears them.
std::shared_ptr<const Query> with_prefetch(const Query& q, std::vector<Prefetch> lookups);
// Runs the query's prefetch_related lookups for the objects it read: one query per
// lookup and level, the related objects handed to the objects' members.
bool has_prefetch(const Query& q);
void prefetch(const Query& q, const std::vector<void*>& objs);
std::shared_ptr<const Query> with_default_order_by_pk(const Query& q, bool descending);
const ModelMeta& model_of(const Query& q);
// The alias using() gave the query, or "" (the routers choose when it runs).
const std::string& alias_of(const Query& q);
// Where the routers write the query's model: using()'s alias, else db_for_write's.
std::string write_alias_of(const Query& q);
bool is_none(const Query& q);
bool has_annotations(const Query& q);
Expr subquery(std::shared_ptr<const Query> q);
Expr exists_subquery(std::shared_ptr<const Query> q);
// EXPLAIN of the query's SELECT, with the backend's options (checked against its list).
std::string explain(const Query& q, const ExplainOptions& options);

// A running SELECT on the query's alias (the thread's atomic block's connection, or a
// pooled one), read row by row. Its rows are read to the end, or the cursor dropped,
// before anything else runs on that connection: the backend may stream them. With
// `stream`, the rows are read from the server as they are consumed, however long the
// caller takes (iterator()).
class Cursor {
 public:
  explicit Cursor(const Query& q, bool stream = false);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  bool next();
  // Fills a model object from the current row; annotations go to the model's slots and,
  // if `extra` is given, into it.
  void load(void* obj, Record* extra) const;
  Record record() const;
  Row row() const;
  // The names of a values() query's columns, in order.
  const std::shared_ptr<const std::vector<std::string>>& names() const;
  // The decimal places a column's values are rounded to, or -1.
  int decimal_places(std::size_t column) const;
  // Ends the query now and gives the connection back (the destructor does it too).
  void close();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

int64_t count(const Query& q);
bool exists(const Query& q);
Record aggregate(const Query& q, const std::vector<std::pair<std::string, Expr>>& aggregates);
// The name Django gives an aggregate passed without one: Avg("gpa") is "gpa__avg".
std::string default_alias(const Expr& aggregate);
int64_t update(const Query& q, const std::vector<std::pair<std::string, Expr>>& assignments);
DeleteResult remove(const Query& q);
CompiledSql sql_of(const Query& q);

// Writes on objects, through their ModelMeta.
void save(const ModelMeta& m, void* obj, const std::string& alias,
          const std::vector<std::string>& update_fields, bool force_insert = false);
DeleteResult remove_object(const ModelMeta& m, void* obj, const std::string& alias);
void set_fields(const ModelMeta& m, void* obj,
                const std::vector<std::pair<std::string, Expr>>& values);
void insert_many(const ModelMeta& m, const std::vector<void*>& objs, const std::string& alias,
                 const BulkCreateOptions& options);
int64_t update_many(const ModelMeta& m, const std::vector<void*>& objs,
                    const std::vector<std::string>& fields, const std::string& alias,
                    std::size_t batch_size);
void refresh(const ModelMeta& m, void* obj, const std::string& alias,
             const std::vector<std::string>& fields);
// Sets every field that declares a default (a value or a callable) to it.
void apply_defaults(const ModelMeta& m, void* obj);
// The lookups of get_or_create()'s kwargs that name plain fields (no "__").
std::vector<std::pair<std::string, Expr>> plain_fields(
    const std::vector<std::pair<std::string, Expr>>& kw);
[[noreturn]] void throw_multiple(const ModelMeta& m, std::size_t n);

template <class First, class...>
struct first {
  using type = First;
};
template <class... Ts>
using first_t = typename first<Ts...>::type;

template <class T>
void read_tuple_element(const Cursor& c, const Row& r, std::size_t i, T& out) {
  r.read(i, out);
  if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, std::optional<Decimal>>) {
    const int places = c.decimal_places(i);
    if constexpr (std::is_same_v<T, Decimal>) {
      if (places >= 0) fit_decimal(out, places);
    } else {
      if (places >= 0 && out) fit_decimal(*out, places);
    }
  }
}

}  // namespace detail

}  // namespace quarry
