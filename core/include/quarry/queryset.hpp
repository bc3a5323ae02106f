// QuerySet: lazy, chainable, immutable queries over a model, as in Django.
//
//   auto students = objects<Student>()
//       .filter(Q("gpa__gt", 3.5) | Q("course", "Math"))
//       .exclude("name__startswith", "X")
//       .order_by({"-gpa", "name"});
//   for (const Student& s : students) ...          // runs once; the rows are cached
//   students.count();                              // from the cache now
//
// Every call returns a new QuerySet and leaves the one it was called on unchanged.
// Nothing runs until the rows are needed: iteration, size(), count(), exists(), get(),
// first(), list(), aggregate() and the writes. Names are checked when a call is made,
// so a misspelt field throws FieldError with the choices before any SQL exists.
//
// Custom QuerySets derive with themselves as the second argument, so that built-in
// and custom methods chain in any order:
//
//   struct ProductQuerySet : quarry::QuerySet<Product, ProductQuerySet> {
//     using QuerySet::QuerySet;
//     ProductQuerySet active() const { return filter("is_active", true); }
//   };
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "quarry/atomic.hpp"
#include "quarry/deletion.hpp"
#include "quarry/detail/query_ops.hpp"
#include "quarry/detail/row_stream.hpp"
#include "quarry/expressions.hpp"
#include "quarry/fetch_mode.hpp"
#include "quarry/model.hpp"
#include "quarry/named_row.hpp"
#include "quarry/query_options.hpp"
#include "quarry/record.hpp"
#include "quarry/result_set.hpp"

namespace quarry {

template <class T>
class ValuesQuerySet;
template <class T, class RowT>
class ValuesListQuerySet;

// What every kind of queryset can do: model objects (QuerySet), values() Records and
// values_list() tuples differ only in what one row becomes (RowT).
template <class T, class Derived, class RowT>
class BasicQuerySet {
 public:
  using value_type = RowT;
  using const_iterator = typename std::vector<RowT>::const_iterator;

  BasicQuerySet() : q_(detail::make_query(meta<T>())) {}
  explicit BasicQuerySet(std::shared_ptr<const detail::Query> q) : q_(std::move(q)) {}

  // ---- chaining: each returns a new queryset --------------------------------------

  Derived all() const { return make(q_); }
  Derived filter(const Q& cond) const { return make(detail::with_filter(q_, cond, false)); }
  Derived filter(std::string lookup, Expr value) const {
    return filter(Q(std::move(lookup), std::move(value)));
  }
  Derived filter(Kwargs lookups) const { return filter(Q(lookups)); }
  // A boolean expression as the condition: filter(Exists(orders)), filter(~Exists(...)).
  Derived filter(const Expr& condition) const { return filter(Q(condition)); }
  Derived exclude(const Q& cond) const { return make(detail::with_filter(q_, cond, true)); }
  Derived exclude(const Expr& condition) const { return exclude(Q(condition)); }
  Derived exclude(std::string lookup, Expr value) const {
    return exclude(Q(std::move(lookup), std::move(value)));
  }
  Derived exclude(Kwargs lookups) const { return exclude(Q(lookups)); }
  // order_by({"-gpa", "name"}), order_by({F("score").desc({.nulls_last = true})});
  // order_by({}) clears the ordering, Meta.ordering included.
  Derived order_by(std::vector<OrderSpec> order) const {
    return make(detail::with_order(*q_, order));
  }
  Derived reverse() const { return make(detail::with_reverse(*q_)); }
  Derived distinct() const { return make(detail::with_distinct(*q_)); }
  // Django's qs[low:high]; slice(5) is qs[5:].
  Derived slice(int64_t low, std::optional<int64_t> high = std::nullopt) const {
    return make(detail::with_slice(q_, low, high));
  }
  Derived limit(int64_t n) const { return slice(0, n); }
  Derived annotate(const std::string& name, const Expr& e) const {
    return make(detail::with_annotation(*q_, name, e));
  }
  Derived annotate(Kwargs annotations) const {
    auto q = q_;
    for (const auto& [name, e] : annotations) q = detail::with_annotation(*q, name, e);
    return make(std::move(q));
  }
  Derived none() const { return make(detail::with_none(*q_)); }
  // Django's using(): the database alias that runs it.
  Derived using_(std::string alias) const {
    return make(detail::with_alias(*q_, std::move(alias)));
  }
  // Django's union() (a C++ keyword), intersection() and difference().
  Derived union_(const Derived& other, bool all = false) const {
    return make(detail::with_combination(*q_, 1, other.query(), all));
  }
  Derived intersection(const Derived& other) const {
    return make(detail::with_combination(*q_, 2, other.query(), false));
  }
  Derived difference(const Derived& other) const {
    return make(detail::with_combination(*q_, 3, other.query(), false));
  }
  // SELECT ... FOR UPDATE: the rows stay locked until the atomic block it runs in ends
  // (outside one: TransactionManagementError). SQLite has no row locks: see the
  // select_for_update setting in docs/config.md.
  Derived select_for_update(ForUpdate options = {}) const {
    return make(detail::with_for_update(*q_, std::move(options)));
  }
  // Django's select_related("customer", "order__customer"): the related objects of
  // ForeignKeys read in the same query (one JOIN each), so touching them costs nothing.
  // With no names, every non-null ForeignKey, as far as they go.
  template <class... Names>
  Derived select_related(Names... names) const {
    return make(detail::with_select_related(*q_, {std::string(names)...}, sizeof...(Names) == 0));
  }
  // What touching a relation that no query loaded does, for the objects of this
  // queryset (quarry/fetch_mode.hpp): read it (One), read it for all of them (Peers), or
  // throw FieldFetchBlocked (Raise).
  Derived fetch_mode(FetchMode mode) const { return make(detail::with_fetch_mode(*q_, mode)); }
  // Reads through the alias's query cache, each entry kept at most ttl (zero: the alias's
  // ttl_s); nocache() never does, whatever the model's default. quarry/cache.hpp says
  // what is cached and when an entry stops being served.
  Derived cache(std::chrono::milliseconds ttl = {}) const {
    return make(detail::with_cache(*q_, std::max<int64_t>(ttl.count(), 0)));
  }
  Derived nocache() const { return make(detail::with_cache(*q_, std::nullopt)); }
  // Django's prefetch_related("authors", "authors__books", Prefetch(...)): reverse
  // ForeignKeys and ManyToManyFields (and ForeignKeys) read for all the objects at once,
  // one query per lookup and level, into their Many<> (and Ref<>) members.
  template <class... Lookups>
  Derived prefetch_related(Lookups... lookups) const {
    return make(detail::with_prefetch(*q_, {Prefetch(std::move(lookups))...}));
  }

  // ---- evaluation ---------------------------------------------------------------------

  // What happens once rows are read (for model objects: their prefetches).
  static void after_fetch(const detail::Query&, RowT*, std::size_t) {}

  // The rows, fetched once and cached for this queryset (and its copies).
  const std::vector<RowT>& list() const {
    if (!cache_) {
      auto rows = std::make_shared<std::vector<RowT>>();
      fetch(*q_, *rows);
      cache_ = std::move(rows);
    }
    return *cache_;
  }
  const_iterator begin() const { return list().begin(); }
  const_iterator end() const { return list().end(); }
  std::size_t size() const { return list().size(); }
  bool empty() const { return exists() == false; }
  // Django's qs[i]: from the cache if there is one, else one row (LIMIT 1 OFFSET i).
  RowT operator[](std::size_t i) const {
    if (cache_) return cache_->at(i);
    const auto out_of_range = [i] {
      return std::out_of_range("queryset index " + std::to_string(i) + " out of range");
    };
    // No table holds INT64_MAX rows: an index that large has no row, and never wraps.
    if (i >= static_cast<std::size_t>(std::numeric_limits<int64_t>::max())) throw out_of_range();
    const auto at = static_cast<int64_t>(i);
    auto one = fetch_first(*detail::with_slice(q_, at, at + 1));
    if (!one) throw out_of_range();
    return std::move(*one);
  }

  // Django's iterator(): the rows as the server sends them, not cached in the queryset,
  // chunk_size at a time, so memory stays flat however many there are (PostgreSQL's
  // single-row mode, MySQL/MariaDB's unbuffered fetch, SQLite's stepping). While it
  // runs it holds its connection, which runs nothing else (inside an atomic block that
  // is the block's connection).
  //   for (const Student& s : objects<Student>().iterator()) ...
  detail::RowStream<RowT, Derived> iterator(std::size_t chunk_size = 2000) const {
    return detail::RowStream<RowT, Derived>(q_, chunk_size);
  }

  // One row matching the lookups; DoesNotExist or MultipleObjectsReturned otherwise.
  // (On a temporary, objects<T>().get("pk", id), the query it was made with is filtered
  // and sliced in place when nothing else holds it, instead of copied twice. A queryset
  // given to get() with std::move is left without a query, as a moved-from shared_ptr,
  // whether get() returns or throws: assign to it before using it again.)
  RowT get() const& { return get_one(q_); }
  RowT get() && { return get_one(std::move(q_)); }
  RowT get(const Q& cond) const& { return get_one(detail::with_filter(q_, cond, false)); }
  RowT get(const Q& cond) && { return get_one(detail::with_filter(std::move(q_), cond, false)); }
  RowT get(std::string lookup, Expr value) const& {
    return get(Q(std::move(lookup), std::move(value)));
  }
  RowT get(std::string lookup, Expr value) && {
    return std::move(*this).get(Q(std::move(lookup), std::move(value)));
  }
  RowT get(Kwargs lookups) const& { return get(Q(lookups)); }
  RowT get(Kwargs lookups) && { return std::move(*this).get(Q(lookups)); }
  // The first (or last) row in the queryset's order, by primary key if it has none.
  std::optional<RowT> first() const { return edge(false); }
  std::optional<RowT> last() const { return edge(true); }

  int64_t count() const {
    if (cache_) return static_cast<int64_t>(cache_->size());
    if (detail::is_none(*q_)) return 0;
    return detail::count(*q_);
  }
  bool exists() const {
    if (cache_) return !cache_->empty();
    if (detail::is_none(*q_)) return false;
    return detail::exists(*q_);
  }
  // aggregate({{"total", Sum("amount")}}), or aggregate(Avg("gpa")), named "gpa__avg".
  Record aggregate(Kwargs aggregates) const {
    return detail::aggregate(*q_, {aggregates.begin(), aggregates.end()});
  }
  Record aggregate(const std::vector<std::pair<std::string, Expr>>& aggregates) const {
    return detail::aggregate(*q_, aggregates);
  }
  Record aggregate(const Expr& e) const {
    return detail::aggregate(*q_, {{detail::default_alias(e), e}});
  }
  // UPDATE of every matching row; returns the number of rows matched.
  int64_t update(Kwargs assignments) const {
    if (detail::is_none(*q_)) return 0;
    return detail::update(*q_, {assignments.begin(), assignments.end()});
  }
  // The SQL this queryset runs, with its parameters, for its alias's backend.
  CompiledSql sql() const { return detail::sql_of(*q_); }
  // The backend's plan for this queryset (Django's explain()): its rows, one per line,
  // columns separated by spaces.
  //   qs.explain({.format = "JSON", .options = {{"ANALYZE", true}}})
  std::string explain(const ExplainOptions& options = {}) const {
    return detail::explain(*q_, options);
  }

  // This queryset with its rows already known (what a prefetch read): no query runs
  // until a chained call asks for other rows.
  Derived with_result_cache(std::shared_ptr<const std::vector<RowT>> rows) const {
    Derived d = make(q_);
    d.cache_ = std::move(rows);
    return d;
  }

  const detail::Query& query() const { return *q_; }
  const std::shared_ptr<const detail::Query>& query_ptr() const { return q_; }
  // As a subquery: filter("id__in", other_queryset).
  operator Expr() const { return detail::subquery(q_); }  // NOLINT(google-explicit-constructor)

 protected:
  Derived make(std::shared_ptr<const detail::Query> q) const { return Derived(std::move(q)); }

  static RowT get_one(std::shared_ptr<const detail::Query> q) {
    const ModelMeta& m = detail::model_of(*q);
    std::size_t n = 0;
    // Up to 21, as Django, to say "more than 20" without reading a whole table.
    auto row = fetch_first(*detail::with_slice(std::move(q), 0, 21), &n);
    if (!row) throw DoesNotExistFor<T>(m.name());
    if (n > 1) detail::throw_multiple(m, n);
    return std::move(*row);
  }

  static void fetch(const detail::Query& q, std::vector<RowT>& out) {
    if (detail::is_none(q)) return;
    {
      detail::Cursor c(q);
      while (c.next()) Derived::read_row(c, out.emplace_back());
    }
    Derived::after_fetch(q, out.data(), out.size());
  }
  // The first row, if any; with `rows`, also counts the rows there are (read, not loaded).
  static std::optional<RowT> fetch_first(const detail::Query& q, std::size_t* rows = nullptr) {
    if (detail::is_none(q)) return std::nullopt;
    detail::Cursor c(q);
    if (!c.next()) return std::nullopt;
    std::optional<RowT> first(std::in_place);
    Derived::read_row(c, *first);
    if (rows) {
      *rows = 1;
      while (c.next()) ++*rows;
    }
    c.close();
    Derived::after_fetch(q, &*first, 1);
    return first;
  }

  std::optional<RowT> edge(bool last) const {
    if (cache_) {
      if (cache_->empty()) return std::nullopt;
      return last ? cache_->back() : cache_->front();
    }
    return fetch_first(*detail::with_slice(detail::with_default_order_by_pk(*q_, last), 0, 1));
  }

  std::shared_ptr<const detail::Query> q_;
  mutable std::shared_ptr<const std::vector<RowT>> cache_;
};

// Model objects.
template <class T, class Self = void>
class QuerySet
    : public BasicQuerySet<T, std::conditional_t<std::is_void_v<Self>, QuerySet<T, void>, Self>,
                           T> {
  using Derived = std::conditional_t<std::is_void_v<Self>, QuerySet<T, void>, Self>;
  using Base = BasicQuerySet<T, Derived, T>;

 public:
  using Base::Base;
  QuerySet() = default;
  // Any queryset of the same model converts: a custom one to the plain one and back.
  template <class Other>
  QuerySet(const QuerySet<T, Other>& other)  // NOLINT(google-explicit-constructor)
      : Base(other.query_ptr()) {}

  // values("course", "gpa"): Records by name; values() is every field and annotation.
  ValuesQuerySet<T> values(std::vector<std::string> names = {}) const {
    return ValuesQuerySet<T>(detail::with_values(*this->q_, std::move(names)));
  }
  // values_list<int64_t, std::string>("id", "name"): tuples. With one type the rows are
  // that type (Django's flat=True): values_list<int64_t>("id").
  template <class... Ts, class... Names>
  auto values_list(Names... names) const {
    static_assert(sizeof...(Ts) == sizeof...(Names), "one type per name");
    using RowT = std::conditional_t<sizeof...(Ts) == 1, detail::first_t<Ts...>, std::tuple<Ts...>>;
    return ValuesListQuerySet<T, RowT>(
        detail::with_values(*this->q_, std::vector<std::string>{std::string(names)...}));
  }
  // values_list<int64_t, std::string>(named, "id", "name"): Django's named=True, rows
  // that are tuples whose columns are also found by name (row.get<std::string>("name")).
  template <class... Ts, class... Names>
  auto values_list(NamedTag, Names... names) const {
    static_assert(sizeof...(Ts) == sizeof...(Names), "one type per name");
    return ValuesListQuerySet<T, NamedRow<Ts...>>(
        detail::with_values(*this->q_, std::vector<std::string>{std::string(names)...}));
  }
  // Only these fields are read (the primary key always is); the rest keep their
  // member's default until quarry::refresh_from_db() or quarry::loaded() reads them.
  Derived only(std::vector<std::string> names) const {
    return this->make(detail::with_fields(*this->q_, std::move(names), false));
  }
  Derived defer(std::vector<std::string> names) const {
    return this->make(detail::with_fields(*this->q_, std::move(names), true));
  }

  // Each object with the query's annotations, for annotations without a member slot.
  std::vector<std::pair<T, Record>> annotated() const {
    std::vector<std::pair<T, Record>> out;
    if (detail::is_none(*this->q_)) return out;
    detail::Cursor c(*this->q_);
    while (c.next()) {
      out.emplace_back();
      c.load(&out.back().first, &out.back().second);
    }
    return out;
  }
  // The latest (earliest) object by a field; DoesNotExist when there is none.
  T latest(const std::string& field) const { return by_edge("-" + field); }
  T earliest(const std::string& field) const { return by_edge(field); }
  // {pk: object} for the given primary keys (all objects when none are given).
  template <class K = int64_t>
  std::map<K, T> in_bulk(const std::vector<K>& keys) const {
    std::map<K, T> out;
    for (const T& obj : this->filter("pk__in", keys)) {
      out.emplace(meta<T>().pk().get(&obj).template as<K>(), obj);
    }
    return out;
  }

  // ---- writes ---------------------------------------------------------------------------

  // Inserts the object and returns it with its primary key. Always an INSERT, as in
  // Django: an object whose key exists already raises IntegrityError.
  T create(T obj) const {
    detail::save(meta<T>(), &obj, detail::alias_of(*this->q_), {}, /*force_insert=*/true);
    return obj;
  }
  // create({{"name", "A"}, {"gpa", 3.9}}): the other members keep their defaults.
  T create(Kwargs values) const {
    T obj{};
    detail::apply_defaults(meta<T>(), &obj);
    detail::set_fields(meta<T>(), &obj, {values.begin(), values.end()});
    return create(std::move(obj));
  }
  // DELETE of every matching row (each object's on_remove() hook does not apply, as in
  // Django); returns the rows deleted, in all and per model (Django's (108, {...})).
  DeleteResult remove() const {
    if (detail::is_none(*this->q_)) return {};
    return detail::remove(*this->q_);
  }
  // Inserts the objects in one transaction, by the backend's fastest way in (COPY,
  // array binding, statements of many rows; multi-row INSERTs within the parameter
  // limit where it has none), and fills in their primary keys. batch_size bounds the
  // rows of one statement or bulk call. With ignore_conflicts, rows that would violate
  // a unique constraint are skipped (INSERT ... ON CONFLICT DO NOTHING, MySQL's INSERT
  // IGNORE) and, as in Django, primary keys are not filled in.
  void bulk_create(std::vector<T>& objs, BulkCreateOptions options) const {
    std::vector<void*> ptrs;
    for (T& o : objs) ptrs.push_back(&o);
    detail::insert_many(meta<T>(), ptrs, detail::alias_of(*this->q_), options);
  }
  void bulk_create(std::vector<T>& objs, std::size_t batch_size = 0) const {
    bulk_create(objs, BulkCreateOptions{.batch_size = batch_size});
  }
  // UPDATE ... SET f = CASE WHEN pk = ... END in batches; returns the rows matched.
  int64_t bulk_update(std::vector<T>& objs, std::vector<std::string> fields,
                      std::size_t batch_size = 0) const {
    std::vector<void*> ptrs;
    for (T& o : objs) ptrs.push_back(&o);
    return detail::update_many(meta<T>(), ptrs, fields, detail::alias_of(*this->q_), batch_size);
  }
  // The object matching `lookups`, or a new one made from them and `defaults`; the bool
  // says whether it was created. Safe against a concurrent create of the same object.
  std::pair<T, bool> get_or_create(Kwargs lookups, Kwargs defaults = {}) const {
    const std::vector<std::pair<std::string, Expr>> kw(lookups.begin(), lookups.end());
    // Read where it would be written, as Django does: a replica's older state must not
    // make it create what the primary has.
    const std::string alias = detail::write_alias_of(*this->q_);
    // Never from the query cache either: a "does not exist" read before another's create
    // committed would make it create again.
    const auto here = this->using_(alias).nocache();
    try {
      return {here.filter(Q(lookups)).get(), false};
    } catch (const DoesNotExist&) {
    }
    try {
      return atomic(alias, [&] {
        return std::pair<T, bool>{here.create_from(kw, defaults), true};
      });
    } catch (const IntegrityError&) {
      // Another connection created it first.
      try {
        return {here.filter(Q(lookups)).get(), false};
      } catch (const DoesNotExist&) {
      }
      throw;
    }
  }
  // Updates the object matching `lookups` with `defaults`, or creates it; the bool says
  // whether it was created. The row is locked while it is updated.
  std::pair<T, bool> update_or_create(Kwargs lookups, Kwargs defaults = {}) const {
    const std::vector<std::pair<std::string, Expr>> kw(lookups.begin(), lookups.end());
    const std::string alias = detail::write_alias_of(*this->q_);
    const auto here = this->using_(alias);
    return atomic(alias, [&] {
      T obj{};
      try {
        obj = here.select_for_update().filter(Q(lookups)).get();
      } catch (const DoesNotExist&) {
        return std::pair<T, bool>{here.create_from(kw, defaults), true};
      }
      detail::set_fields(meta<T>(), &obj, {defaults.begin(), defaults.end()});
      detail::save(meta<T>(), &obj, alias, {});
      return std::pair<T, bool>{std::move(obj), false};
    });
  }

  static void read_row(const detail::Cursor& c, T& obj) { c.load(&obj, nullptr); }
  static void after_fetch(const detail::Query& q, T* objs, std::size_t n) {
    if (n == 0 || !detail::has_prefetch(q)) return;
    std::vector<void*> ptrs(n);
    for (std::size_t i = 0; i < n; ++i) ptrs[i] = objs + i;
    detail::prefetch(q, ptrs);
  }

 private:
  // get_or_create()'s and update_or_create()'s new object: the plain fields of the
  // lookups, then the defaults, inserted.
  T create_from(const std::vector<std::pair<std::string, Expr>>& lookups, Kwargs defaults) const {
    T obj{};
    detail::apply_defaults(meta<T>(), &obj);
    detail::set_fields(meta<T>(), &obj, detail::plain_fields(lookups));
    detail::set_fields(meta<T>(), &obj, {defaults.begin(), defaults.end()});
    return create(std::move(obj));
  }

  T by_edge(const std::string& order) const {
    std::vector<T> one;
    Base::fetch(*detail::with_slice(detail::with_order(*this->q_, {order}), 0, 1), one);
    if (one.empty()) throw DoesNotExistFor<T>(meta<T>().name());
    return std::move(one.front());
  }
};

// A queryset as a value in another query (Django's Subquery): one column (values() of
// one field, or the primary keys of a queryset of objects), usually sliced to one row
// and tied to the query around it by OuterRef():
//   objects<Customer>().annotate("latest", Subquery(objects<Order>()
//       .filter("customer", OuterRef("pk")).order_by({"-created_at"}).values({"amount"})
//       .limit(1)))
template <class QS>
requires requires(const QS& qs) {
  qs.query_ptr();
}
Expr Subquery(const QS& queryset) {
  return detail::subquery(queryset.query_ptr());
}
// Whether the queryset has any row (Django's Exists): in annotate(), filter() and, as
// ~Exists(...), negated.
template <class QS>
requires requires(const QS& qs) {
  qs.query_ptr();
}
Expr Exists(const QS& queryset) {
  return detail::exists_subquery(queryset.query_ptr());
}

// values(): Records.
template <class T>
class ValuesQuerySet : public BasicQuerySet<T, ValuesQuerySet<T>, Record> {
 public:
  using BasicQuerySet<T, ValuesQuerySet<T>, Record>::BasicQuerySet;
  // values("customer").annotate("avg", Avg("amount")).values({"avg"}): other columns,
  // still grouped by the first values().
  ValuesQuerySet<T> values(std::vector<std::string> names = {}) const {
    return ValuesQuerySet<T>(detail::with_values(*this->q_, std::move(names)));
  }
  static void read_row(const detail::Cursor& c, Record& out) { out = c.record(); }
};

// values_list(): tuples, or single values.
template <class T, class RowT>
class ValuesListQuerySet : public BasicQuerySet<T, ValuesListQuerySet<T, RowT>, RowT> {
 public:
  using BasicQuerySet<T, ValuesListQuerySet<T, RowT>, RowT>::BasicQuerySet;
  static void read_row(const detail::Cursor& c, RowT& out) {
    const Row r = c.row();
    if constexpr (requires { out.set_names(c.names()); }) {  // values_list(named, ...)
      out.set_names(c.names());
      read_all(c, r, out.values());
    } else if constexpr (requires { std::tuple_size<RowT>::value; }) {
      read_all(c, r, out);
    } else {
      detail::read_tuple_element(c, r, 0, out);
    }
  }

 private:
  template <class Tuple>
  static void read_all(const detail::Cursor& c, const Row& r, Tuple& out) {
    std::apply(
        [&](auto&... e) {
          std::size_t i = 0;
          (detail::read_tuple_element(c, r, i++, e), ...);
        },
        out);
  }
};

}  // namespace quarry
