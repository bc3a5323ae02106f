// Relations between models: ForeignKey and OneToOneField, held by a Ref<> member.
//
//   struct Order {
//     int64_t id = 0;
//     quarry::Ref<Customer> customer;   // the customer's key, and the Customer once read
//     quarry::Decimal amount;
//   };
//   inline void quarry_model(quarry::ModelDef<Order>& m) {
//     m.field("id", &Order::id, BigAutoField());
//     m.field("customer", &Order::customer,
//             ForeignKey<Customer>(OnDelete::Cascade).related_name("orders"));
//     ...
//   }
//
//   order.customer.id();        // the key (Django's order.customer_id), never a query
//   order.customer->name;       // the Customer: from select_related, or read now (a query)
//   order.customer = customer;  // points it at another customer
//
// The column is "customer_id". Lookups go through it: filter("customer", c),
// filter("customer__name__icontains", "ann") joins the customer's table.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "quarry/fetch_mode.hpp"
#include "quarry/model.hpp"
#include "quarry/queryset.hpp"

namespace quarry {

namespace detail {

// What a relation of the objects of one result reads lazily through: the database they
// came from, the fetch mode, and under FetchMode::Peers the keys of all of them.
struct LoadContext {
  // The alias the objects were read from or saved to, which hints the routers where their
  // relations are ("" for objects the program made: the routers alone decide).
  std::string alias;
  const Field* via = nullptr;     // the relation it serves
  std::optional<FetchMode> mode;  // the queryset's own; else the scope's when touched
  bool collect_peers = false;     // the result was read under FetchMode::Peers
  mutable std::mutex mutex;
  mutable std::vector<Value> peer_keys;  // every non-null key of the result, in order
  mutable std::map<std::string, std::shared_ptr<void>, std::less<>> peers;  // by key repr
  mutable bool peers_read = false;
};

// The `target` object with this key, read as the fetch mode says (ctx may be null: an
// object the program made itself reads where the routers say, one query).
std::shared_ptr<void> fetch_related(const LoadContext* ctx, const ModelMeta& target,
                                    const Value& key);

// The field kind of a relation's key column, from the key's C++ type.
template <class K>
constexpr FieldKind key_kind() {
  if constexpr (std::is_same_v<K, std::string>) {
    return FieldKind::Char;
  } else if constexpr (std::is_same_v<K, Uuid>) {
    return FieldKind::Uuid;
  } else {
    static_assert(std::is_integral_v<K> && !std::is_same_v<K, bool>,
                  "a relation's key is an integer, a std::string or a Uuid");
    return sizeof(K) >= 8   ? FieldKind::BigInteger
           : sizeof(K) >= 4 ? FieldKind::Integer
                            : FieldKind::SmallInteger;
  }
}

template <class T, class K>
detail::RelationSpec relation_to(OnDelete on_delete) {
  return detail::RelationSpec{&meta<T>, typeid(T), key_kind<K>(), on_delete};
}

// An object's key as a relation holds it; an object not saved yet has none to give.
template <class K>
K key_of(const Value& pk, const std::string& model) {
  const bool unset = pk.is_null() || (pk.type() == ValueType::Int && pk.as<int64_t>() == 0) ||
                     (pk.type() == ValueType::Text && pk.as<std::string>().empty());
  if (unset) {
    throw ValueError("this " + model + " has no primary key yet: save it before pointing at it");
  }
  return pk.as<K>();
}

struct RefAccess;

}  // namespace detail

// A ForeignKey to T: the related row's key (K, the type of T's primary key), and T once
// read. Copies share the read object. Equal when the keys are equal.
template <class T, class K = int64_t>
class Ref {
 public:
  using model_type = T;
  using key_type = K;

  Ref() = default;
  Ref(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): NULL
  // Points at obj, which must have its key; reading it then costs no query.
  Ref(const T& obj) { *this = obj; }  // NOLINT(google-explicit-constructor)
  Ref& operator=(const T& obj) {
    key_ = detail::key_of<K>(meta<T>().pk().get(&obj), meta<T>().name());
    obj_ = std::make_shared<T>(obj);
    return *this;
  }
  Ref& operator=(std::nullptr_t) {
    key_.reset();
    obj_.reset();
    return *this;
  }
  // Points at the row with this key, without reading it.
  static Ref to(K key) {
    Ref r;
    r.key_ = std::move(key);
    return r;
  }

  // The key (Django's customer_id): never a query. Empty for NULL.
  const std::optional<K>& id() const { return key_; }
  bool is_null() const { return !key_.has_value(); }
  explicit operator bool() const { return key_.has_value(); }
  // Whether the related object has been read (by select_related, or an earlier access).
  bool loaded() const { return obj_ != nullptr; }

  // The related object: the one a query attached, or read now by its key (one query,
  // which the query log shows). Throws DoesNotExist for a NULL key or a missing row.
  const T& get() const {
    if (obj_) return *obj_;
    if (!key_) throw DoesNotExist("the " + meta<T>().name() + " this points at is NULL");
    obj_ = std::static_pointer_cast<T>(
        detail::fetch_related(ctx_.get(), meta<T>(), ValueTraits<K>::to_value(*key_)));
    return *obj_;
  }
  const T& operator*() const { return get(); }
  const T* operator->() const { return &get(); }

  friend bool operator==(const Ref& a, const Ref& b) { return a.key_ == b.key_; }

 private:
  friend struct ValueTraits<Ref>;
  friend struct detail::RefAccess;
  std::optional<K> key_;
  mutable std::shared_ptr<T> obj_;
  std::shared_ptr<const detail::LoadContext> ctx_;
};

// A ForeignKey to T (Django's models.ForeignKey); K is the type of T's primary key.
template <class T, class K = int64_t>
FieldSpec ForeignKey(OnDelete on_delete) {
  return FieldSpec(FieldKind::ForeignKey).db_index().relation(detail::relation_to<T, K>(on_delete));
}

// A ForeignKey that is unique: at most one row points at each T.
template <class T, class K = int64_t>
FieldSpec OneToOneField(OnDelete on_delete) {
  return FieldSpec(FieldKind::OneToOne).unique().relation(detail::relation_to<T, K>(on_delete));
}

template <class T, class K>
struct ValueTraits<Ref<T, K>> {
  static Value to_value(const Ref<T, K>& r) { return r.key_ ? Value(*r.key_) : Value(); }
  static void read(ValueRef v, Ref<T, K>& out) {
    if (v.is_null()) {
      out.key_.reset();
      out.obj_.reset();
      return;
    }
    K key{};
    ValueTraits<K>::read(v, key);
    if (out.key_ != key) out.obj_.reset();  // a read object of another key goes
    out.key_ = std::move(key);
  }
};

// ---- Many<R>: a ManyToManyField, or a reverse accessor --------------------------------

namespace detail {

// The R objects a Many<> member stands for, as a query (on its object's database).
std::shared_ptr<const Query> many_query(const ManyBinding& b);
enum class ManyChange { Add, Remove, Set, Clear };
// add/remove/set/clear: rows of the through table (a ManyToManyField), or the
// ForeignKey of R's rows (a reverse accessor), in one transaction.
void change_many(const ManyBinding& b, ManyChange op, std::vector<Value> keys);
[[noreturn]] void unbound_many(const std::string& model);
template <class T, class R>
class ManyMemberOf;

}  // namespace detail

// The objects at the other end of a ManyToManyField (book.authors), or the objects of R
// whose ForeignKey points here (customer.orders, declared with m.reverse()).
//
//   for (const Author& a : book.authors.all()) ...   // a query, or what a prefetch read
//   book.authors.add(ann);  book.authors.remove(bob);  book.authors.clear();
//   customer.orders.all().filter("amount__gt", 100)   // a QuerySet<Order>
//
// The member works once its object has been read or saved (it needs its key).
template <class R>
class Many {
 public:
  using model_type = R;

  // The related objects: what prefetch_related read (no query), else a query.
  QuerySet<R> all() const {
    QuerySet<R> qs(detail::many_query(binding()));
    return items_ ? qs.with_result_cache(items_) : qs;
  }
  QuerySet<R> filter(const Q& cond) const { return all().filter(cond); }
  QuerySet<R> filter(std::string lookup, Expr value) const {
    return all().filter(std::move(lookup), std::move(value));
  }
  int64_t count() const { return all().count(); }
  bool exists() const { return all().exists(); }
  // Whether prefetch_related read the objects.
  bool prefetched() const { return items_ != nullptr; }

  // Links these objects (saved ones) to this object; links already there stay as they are.
  template <class... Objs>
  void add(const Objs&... objs) const {
    change(detail::ManyChange::Add, {ValueTraits<R>::to_value(objs)...});
  }
  template <class... Objs>
  void remove(const Objs&... objs) const {
    change(detail::ManyChange::Remove, {ValueTraits<R>::to_value(objs)...});
  }
  // Links exactly these objects: the others are removed, the missing ones added.
  void set(const std::vector<R>& objs) const {
    std::vector<Value> keys;
    for (const R& o : objs) keys.push_back(ValueTraits<R>::to_value(o));
    change(detail::ManyChange::Set, std::move(keys));
  }
  void clear() const { change(detail::ManyChange::Clear, {}); }

 private:
  template <class T, class U>
  friend class detail::ManyMemberOf;
  const detail::ManyBinding& binding() const {
    if (!binding_.member) detail::unbound_many(meta<R>().name());
    return binding_;
  }
  void change(detail::ManyChange op, std::vector<Value> keys) const {
    detail::change_many(binding(), op, std::move(keys));
    items_.reset();  // as Django: a change drops what a prefetch read
  }

  detail::ManyBinding binding_;
  mutable std::shared_ptr<const std::vector<R>> items_;
};

// A ManyToManyField to R (K: R's key type), with a table of its own named
// "<table>_<field>" (or .db_table(...)).
template <class R, class K = int64_t>
FieldSpec ManyToManyField() {
  return FieldSpec(FieldKind::ManyToMany).relation(detail::relation_to<R, K>(OnDelete::Cascade));
}
// A ManyToManyField through an explicit model whose ForeignKeys `from` (to this model)
// and `to` (to R) link the two: ManyToManyField<Student, Enrollment>("course", "student").
template <class R, class Through, class K = int64_t>
FieldSpec ManyToManyField(std::string from, std::string to) {
  detail::RelationSpec r = detail::relation_to<R, K>(OnDelete::Cascade);
  r.through = &meta<Through>;
  r.through_from = std::move(from);
  r.through_to = std::move(to);
  return FieldSpec(FieldKind::ManyToMany).relation(std::move(r));
}

// A model object stands for its key in a lookup: filter("customer", customer).
template <class T>
struct ValueTraits<T, std::enable_if_t<Model<T>>> {
  static Value to_value(const T& obj) { return meta<T>().pk().get(&obj); }
};

namespace detail {

struct RefAccess {
  template <class T, class K>
  static void attach(Ref<T, K>& r, std::shared_ptr<void> obj) {
    r.obj_ = std::static_pointer_cast<T>(std::move(obj));
  }
  template <class T, class K>
  static void bind(Ref<T, K>& r, const std::shared_ptr<const LoadContext>& ctx) {
    r.ctx_ = ctx;
  }
  template <class T, class K>
  static const void* held(const Ref<T, K>& r) {
    return r.obj_.get();
  }
};

// The member of a ForeignKey or OneToOneField.
template <class T, class R, class K>
class RefField final : public MemberField<T, Ref<R, K>> {
 public:
  using MemberField<T, Ref<R, K>>::MemberField;
  void attach(void* obj, std::shared_ptr<void> related) const override {
    RefAccess::attach(static_cast<T*>(obj)->*this->member(), std::move(related));
  }
  void bind(void* obj, const std::shared_ptr<const LoadContext>& ctx) const override {
    RefAccess::bind(static_cast<T*>(obj)->*this->member(), ctx);
  }
  const void* held(const void* obj) const override {
    return RefAccess::held(static_cast<const T*>(obj)->*this->member());
  }
};

// The Many<R> member of T.
template <class T, class R>
class ManyMemberOf final : public ManyMember {
 public:
  ManyMemberOf(std::string name, const Field* field, Many<R> T::*member)
      : ManyMember(std::move(name), field, &meta<R>), member_(member) {}
  void bind(void* obj, ManyBinding b) const override {
    (static_cast<T*>(obj)->*member_).binding_ = std::move(b);
  }
  void fill(void* obj, const std::vector<std::shared_ptr<void>>& items) const override {
    auto list = std::make_shared<std::vector<R>>();
    list->reserve(items.size());
    for (const auto& i : items) list->push_back(*std::static_pointer_cast<R>(i));
    (static_cast<T*>(obj)->*member_).items_ = std::move(list);
  }

 private:
  Many<R> T::*member_;
};

template <class T, class R>
struct FieldFactory<T, Many<R>> {
  static void add(ModelMeta& meta, std::string name, Many<R> T::*member, FieldSpec spec) {
    const detail::RelationSpec* rel = spec.relation();
    if (spec.kind() != FieldKind::ManyToMany || rel->target_type != typeid(R)) {
      throw ImproperlyConfigured("model " + meta.name() + ": field '" + name + "' is a Many<" +
                                 demangle(typeid(R).name()) + ">, so it takes ManyToManyField<" +
                                 demangle(typeid(R).name()) +
                                 ">() (or m.reverse() for the other side of a relation)");
    }
    auto field = make_unbound_field(name, std::move(spec));
    const Field* f = field.get();
    meta.add_many_to_many(std::move(field));
    meta.add_member(std::make_unique<ManyMemberOf<T, R>>(std::move(name), f, member));
  }
};

template <class T, class R>
struct ReverseFactory<T, Many<R>> {
  static void add(ModelMeta& meta, std::string name, Many<R> T::*member) {
    meta.add_member(std::make_unique<ManyMemberOf<T, R>>(std::move(name), nullptr, member));
  }
};

template <class T, class R, class K>
struct FieldFactory<T, Ref<R, K>> {
  static void add(ModelMeta& meta, std::string name, Ref<R, K> T::*member, FieldSpec spec) {
    const detail::RelationSpec* rel = spec.relation();
    if ((spec.kind() != FieldKind::ForeignKey && spec.kind() != FieldKind::OneToOne) ||
        rel->target_type != typeid(R) || rel->key_kind != key_kind<K>()) {
      throw ImproperlyConfigured("model " + meta.name() + ": field '" + name + "' is a " +
                                 demangle(typeid(Ref<R, K>).name()) + ", so it takes ForeignKey<" +
                                 demangle(typeid(R).name()) +
                                 "> or OneToOneField<...> with the same key type");
    }
    meta.add_field(std::make_unique<RefField<T, R, K>>(std::move(name), member, std::move(spec)));
  }
};

}  // namespace detail

}  // namespace quarry
