// Query: what a QuerySet asks for, before any SQL exists. Immutable once shared:
// every QuerySet method copies the Query it starts from and changes the copy, so the
// querysets along a chain never affect each other. Internal to the core.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orm/nodes.hpp"
#include "quarry/fetch_mode.hpp"
#include "quarry/model.hpp"
#include "quarry/queryset.hpp"

namespace quarry::detail {

enum class Combinator { None, Union, Intersection, Difference };

// One relation of a ManyToManyField crossed in a prefetch: the through table joined,
// its column that holds the prefetching objects' keys selected (as
// "_prefetch_related_val") and limited to those keys.
struct PrefetchJoin;
struct CteNode;

// A list of a Query, shared between the copies a chain of QuerySet calls makes: each
// call copies the whole query, and most of its lists are empty or unchanged, so copying
// one is copying a pointer (none at all while it is empty). Read like a const vector;
// changing it copies it first if another query shares it.
// Whether an object that was shared, and whose last other owner has just let go, may be
// changed in place: the acquire fence orders those owners' reads (before they let go)
// before the writes that follow. ThreadSanitizer does not model fences (GCC refuses them
// with -fsanitize=thread), so under it such an object is copied instead: correct
// everywhere, only slower.
inline bool sole_owner_may_edit() {
#if defined(__SANITIZE_THREAD__)
  return false;
#else
  std::atomic_thread_fence(std::memory_order_acquire);
  return true;
#endif
}

template <class T>
class SharedList {
 public:
  SharedList() = default;
  SharedList(std::vector<T> v) { *this = std::move(v); }  // NOLINT(google-explicit-constructor)
  SharedList& operator=(std::vector<T> v) {
    if (v.empty()) {
      p_.reset();
    } else {
      p_ = std::make_shared<std::vector<T>>(std::move(v));
    }
    return *this;
  }
  const std::vector<T>& get() const { return p_ ? *p_ : none(); }
  operator const std::vector<T>&() const { return get(); }  // NOLINT(google-explicit-constructor)
  auto begin() const { return get().begin(); }
  auto end() const { return get().end(); }
  bool empty() const { return !p_ || p_->empty(); }
  std::size_t size() const { return p_ ? p_->size() : 0; }
  const T& operator[](std::size_t i) const { return (*p_)[i]; }
  const T& front() const { return p_->front(); }
  const T& back() const { return p_->back(); }
  // The list to change: this query's own.
  std::vector<T>& edit() {
    if (!p_) {
      p_ = std::make_shared<std::vector<T>>();
    } else if (p_.use_count() > 1 || !sole_owner_may_edit()) {
      p_ = std::make_shared<std::vector<T>>(*p_);
    }
    return *p_;
  }
  void push_back(T v) { edit().push_back(std::move(v)); }
  template <class... A>
  T& emplace_back(A&&... a) {
    return edit().emplace_back(std::forward<A>(a)...);
  }
  void clear() { p_.reset(); }

 private:
  static const std::vector<T>& none() {
    static const std::vector<T> kNone;
    return kNone;
  }
  std::shared_ptr<std::vector<T>> p_;
};

// A CTE joined to the query's model: INNER JOIN cte ON table.field = cte.column.
struct CteJoin {
  std::string cte;
  const Field* field;
  std::string column;
};

class Query {
 public:
  explicit Query(const ModelMeta& m) : model(&m) {}

  const ModelMeta* model;
  // using(): the alias that runs it; "" until then: the routers choose when it runs
  // (orm/route.hpp), hinted with hint_db, the alias of the object it starts from (the
  // parent of a related lookup), if any.
  std::string alias;
  std::string hint_db;
  SharedList<QPtr> where;  // ANDed together; exclude() adds a negated node
  SharedList<OrderBy> order_by;
  bool ordered = false;  // order_by() was called: Meta.ordering no longer applies
  bool reversed = false;
  std::optional<int64_t> low, high;  // the slice [low, high)
  bool distinct = false;
  SharedList<std::pair<std::string, Expr>> annotations;
  // Per annotation, how many entries `where` had when it was added: the filter() calls
  // before it, whose joins across relations to many rows it reuses (Django's "Order of
  // annotate() and filter() clauses").
  SharedList<std::size_t> annotation_filters;
  bool values_mode = false;
  SharedList<std::string> values_fields;  // values(): fields and annotations, in order
  SharedList<std::string> group_by;       // the values() fields an aggregate groups by
  SharedList<std::string> only_fields;
  SharedList<std::string> defer_fields;
  // select_related(): paths of ForeignKeys ("customer", "order__customer"), every
  // prefix of a path included, parents before children.
  SharedList<std::string> select_related;
  std::optional<FetchMode> fetch_mode;  // fetch_mode(): for relations no query loaded
  // cache(ttl): read through the alias's query cache (0: its default ttl); nocache():
  // never, whatever the model's default (quarry/cache.hpp).
  std::optional<int64_t> cache_ttl_ms;
  bool no_cache = false;
  SharedList<Prefetch> prefetch;  // prefetch_related()
  std::shared_ptr<const PrefetchJoin> prefetch_join;
  bool empty = false;  // none(): matches nothing, never runs
  bool for_update = false;
  ForUpdate lock;  // select_for_update()'s options
  Combinator combinator = Combinator::None;
  bool combinator_all = false;
  SharedList<std::shared_ptr<const Query>> combined;  // the other operands
  SharedList<std::shared_ptr<const CteNode>> ctes;    // WITH, in order
  SharedList<CteJoin> cte_joins;

  bool sliced() const { return low.has_value() || high.has_value(); }
  // No row can match (none(), filter(id__in=[])): as in Django, nothing is sent; its
  // rows are none, count() 0, update() and delete() 0, aggregate() the defaults. A
  // combined query still runs (the other parts may have rows).
  bool matches_nothing() const { return empty && combinator == Combinator::None; }
  const Expr* annotation(std::string_view name) const;
  bool has_aggregate_annotation() const;
  bool has_window_annotation() const;
};

// One relation crossed on the way to a field: "customer" in "customer__name".
struct Hop {
  const Field* via = nullptr;     // the ForeignKey or OneToOneField crossed
  const ModelMeta* to = nullptr;  // the model reached
  bool reverse = false;           // from the model `via` points at to the one declaring it
};

// A common table expression (quarry/cte.hpp). A recursive one refers to itself by name
// only, so that no query owns the node that owns it.
struct CteNode {
  std::string name;
  bool recursive = false;
  std::shared_ptr<const Query> query;  // null while a recursive one is being defined
  const ModelMeta* columns = nullptr;  // its columns as the fields of a derived model
};

struct PrefetchJoin {
  Hop hop;                  // to the through table (a reverse hop)
  const Field* column;      // the through table's column holding the keys
  std::vector<Value> keys;  // the prefetching objects' keys
};

// What a lookup or reference path names. Dialect-free, so it also checks names eagerly.
// Its views point into the path and the model, which outlive it; resolving allocates
// nothing, since every compile does it for every name.
struct Resolved {
  static constexpr std::size_t kMaxTransforms = 4;
  static constexpr std::size_t kMaxHops = 6;
  std::array<Hop, kMaxHops> hop_list{};  // the relations crossed, in order
  std::size_t hop_count = 0;
  const Field* field = nullptr;      // a model field (of the last model reached), or
  const Expr* annotation = nullptr;  // an annotation of the query
  std::string_view name;             // the field's or annotation's name
  std::array<std::string_view, kMaxTransforms> transform_list{};  // year, month, date, ...
  std::size_t transform_count = 0;
  std::string_view lookup;  // exact, gt, in, ... (lookups only)

  std::span<const std::string_view> transforms() const {
    return {transform_list.data(), transform_count};
  }
  std::span<const Hop> hops() const { return {hop_list.data(), hop_count}; }
  static Resolved of(const Field& f) {
    Resolved r;
    r.field = &f;
    r.name = f.name();
    return r;
  }
};

// The relations a select_related() path crosses: "order__customer". Every part must be
// a ForeignKey or OneToOneField of the model reached so far; FieldError otherwise.
std::vector<Hop> relation_path(const Query& q, std::string_view path);

// "gpa__gt", "created_at__year__gte", "name": the last part may be a lookup.
Resolved resolve_lookup(const Query& q, std::string_view path);
// "gpa", "created_at__year": a value to read (F(), order_by, values()).
Resolved resolve_ref(const Query& q, std::string_view path);
// The kind a transform chain leaves: year -> Integer, date -> Date.
std::optional<FieldKind> transformed_kind(std::optional<FieldKind> base,
                                          std::span<const std::string_view> transforms);

// The column of a CTE (as a field of its derived model); FieldError listing its columns.
const Field& cte_column_field(const CteNode& cte, std::string_view column);
// The query as a subquery or a CTE's body: Meta.ordering means nothing there, unless a
// slice picks rows by it.
std::shared_ptr<const Query> without_default_ordering(std::shared_ptr<const Query> q);

// Calls fn with each OuterRef() target of the query (F() of the query around it).
void for_each_outer_ref(const Query& q, const std::function<void(const ExprNode&)>& fn);

// Resolves every name in the query (and raises FieldError) without compiling it.
void validate(const Query& q);
void validate(const Query& q, const Expr& e);
// The one rule for every name a caller gives to something quarry then writes into SQL as
// an alias (annotate, alias, aggregate, CTE names): ASCII letters, digits and '_', at
// most 63 bytes (PostgreSQL's identifier limit), not starting with a digit. `what` names
// the kind of name in the error ("annotation", "aggregate", "CTE"). Throws ValueError.
void check_alias(std::string_view name, std::string_view what);
// Refuses, before any query runs, a prefetch_related() lookup naming a relation that m
// (and the models along the path) does not have; the FieldError names the part.
void check_prefetch_lookup(const ModelMeta& m, const std::string& lookup);
void validate(const Query& q, const Q& cond);

}  // namespace quarry::detail
