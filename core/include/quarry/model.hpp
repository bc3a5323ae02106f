// Models: a plain C++ struct plus one declaration binding its members to fields.
//
//   struct Product {
//     int64_t id = 0;
//     std::string name;
//     quarry::Decimal price;
//     quarry::DateTime created_at;
//     bool is_active = true;
//   };
//
//   // Found by argument-dependent lookup: declare it in Product's namespace.
//   inline void quarry_model(quarry::ModelDef<Product>& m) {
//     using namespace quarry;
//     m.table("product");
//     m.field("id", &Product::id, BigAutoField());
//     m.field("name", &Product::name, CharField(100).db_index());
//     m.field("price", &Product::price, DecimalField(10, 2));
//     m.field("created_at", &Product::created_at, DateTimeField().auto_now_add());
//     m.field("is_active", &Product::is_active, BooleanField().default_value(true));
//     m.ordering({"-created_at"});
//     m.index(Index({"is_active", "-created_at"}));
//   }
//
// quarry::meta<Product>() builds and checks the declaration once, on first use, and
// throws ImproperlyConfigured naming the model and the field at fault.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <vector>

#include "quarry/errors.hpp"
#include "quarry/expressions.hpp"
#include "quarry/fields.hpp"
#include "quarry/value.hpp"

namespace quarry {

class ModelMeta;
class ManyMember;

namespace detail {
struct LoadContext;

// What a Many<> member reads through: the member, its object's key, where it came from.
struct ManyBinding {
  const ManyMember* member = nullptr;
  Value key;
  std::shared_ptr<const LoadContext> context;
};
}  // namespace detail

// Django's Model._state: what quarry knows about one object. A model that declares a
// member of this type (m.state(&T::state)) gets deferred loading: fields left out by
// only() or defer() are read on first touch through quarry::loaded(), and save() writes
// only the fields that were loaded, so a partial object never overwrites a full row.
struct ModelState {
  std::string db;                     // the alias it was read from or saved to
  bool adding = true;                 // not yet in the database
  std::vector<std::string> deferred;  // fields not read yet
};

// One field of a model, bound to a member of the struct.
class Field {
 public:
  virtual ~Field() = default;

  const std::string& name() const { return name_; }
  const std::string& column() const { return column_; }
  FieldKind kind() const { return spec_.kind(); }
  // What the column's values are (for a ForeignKey: the key's kind).
  FieldKind data_kind() const { return spec_.data_kind(); }
  const FieldSpec& spec() const { return spec_; }
  bool null() const { return null_ || (spec_.relation() && spec_.relation()->null); }
  // A ForeignKey or OneToOneField (a column holding another row's key).
  bool is_foreign_key() const {
    return kind() == FieldKind::ForeignKey || kind() == FieldKind::OneToOne;
  }
  // The model a relation field points at; resolved on first use.
  const ModelMeta& target() const;
  bool primary_key() const { return spec_.is_primary_key(); }
  bool auto_increment() const { return is_auto(spec_.kind()); }
  // The model it belongs to, and the field's position among its fields.
  const class ModelMeta& model() const { return *model_; }
  std::size_t index() const { return index_; }

  // The member of `obj` as a Value.
  virtual Value get(const void* obj) const = 0;
  // Sets the member from a Value, converting it (ValueError if it cannot).
  virtual void set(void* obj, const Value& v) const = 0;
  // Reads a column straight into the member: the fast path for loading rows.
  virtual void load(void* obj, ValueRef v) const = 0;
  // The member as a plugin takes it, borrowing its text (a decimal's is written into
  // scratch): the fast path for writing rows, without a Value per cell.
  virtual quarry_value view(const void* obj, char (&scratch)[Decimal::kTextBuffer]) const = 0;
  // A ForeignKey's member takes the related object a query loaded (select_related);
  // `related` holds an object of the target model.
  virtual void attach(void* obj, std::shared_ptr<void> related) const;
  // A ForeignKey's member learns where its object came from, to read the related
  // object from the same database later.
  virtual void bind(void*, const std::shared_ptr<const detail::LoadContext>&) const {}
  // The related object a ForeignKey's member holds (assigned, or read), or null.
  virtual const void* held(const void*) const { return nullptr; }

 protected:
  Field(std::string name, FieldSpec spec, bool null)
      : name_(std::move(name)), spec_(std::move(spec)), null_(null) {
    // A ForeignKey's column is "<name>_id", as Django's.
    const bool key = spec_.kind() == FieldKind::ForeignKey || spec_.kind() == FieldKind::OneToOne;
    column_ = !spec_.column().empty() ? spec_.column() : key ? name_ + "_id" : name_;
  }

 private:
  friend class ModelMeta;
  std::string name_;
  std::string column_;
  FieldSpec spec_;
  bool null_;
  const ModelMeta* model_ = nullptr;
  std::size_t index_ = 0;
};

// Meta.indexes: fields ("-name" descending), an optional name and condition.
class Index {
 public:
  Index(std::vector<std::string> fields) : fields_(std::move(fields)) {}  // NOLINT
  Index name(std::string n) const {
    Index c = *this;
    c.name_ = std::move(n);
    return c;
  }
  // A partial index: only rows matching the condition. On a backend without partial
  // indexes creating it raises NotSupportedError, unless the index is optional().
  Index condition(Q q) const {
    Index c = *this;
    c.condition_ = std::move(q);
    return c;
  }
  Index unique(bool on = true) const {
    Index c = *this;
    c.unique_ = on;
    return c;
  }
  // Skip (rather than fail) on a backend that cannot create it.
  Index optional(bool on = true) const {
    Index c = *this;
    c.optional_ = on;
    return c;
  }
  const std::vector<std::string>& fields() const { return fields_; }
  const std::string& given_name() const { return name_; }
  const std::optional<Q>& where() const { return condition_; }
  bool is_unique() const { return unique_; }
  bool is_optional() const { return optional_; }

 private:
  std::vector<std::string> fields_;
  std::string name_;
  std::optional<Q> condition_;
  bool unique_ = false;
  bool optional_ = false;
};

struct UniqueConstraint {
  std::vector<std::string> fields;
  std::string name;
};

struct CheckConstraint {
  Q check;
  std::string name;
};

// A Many<R> member (quarry/relations.hpp): the R objects at the other end of one of the
// model's ManyToManyFields, or of a ForeignKey or ManyToManyField of R pointing at the
// model (a reverse accessor, customer.orders). No column of the model's table.
class ManyMember {
 public:
  virtual ~ManyMember() = default;
  const std::string& name() const { return name_; }
  const ModelMeta& model() const { return *model_; }
  // The model at the other end.
  const ModelMeta& other() const { return other_(); }
  // The ManyToManyField this member is, or null for a reverse accessor.
  const Field* field() const { return field_; }
  // Tells the member of `obj` what it reads through.
  virtual void bind(void* obj, detail::ManyBinding b) const = 0;
  // Gives the member of `obj` the objects a prefetch read for it (of the other model).
  virtual void fill(void* obj, const std::vector<std::shared_ptr<void>>& items) const = 0;

 protected:
  ManyMember(std::string name, const Field* field, const ModelMeta& (*other)())
      : name_(std::move(name)), field_(field), other_(other) {}

 private:
  friend class ModelMeta;
  std::string name_;
  const Field* field_;
  const ModelMeta& (*other_)();
  const ModelMeta* model_ = nullptr;
};

// Everything known about a model, without its C++ type: what the compiler, the schema
// editor and the managers work from.
class ModelMeta {
 public:
  ModelMeta(std::string name, std::type_index type);
  ModelMeta(const ModelMeta&) = delete;
  ModelMeta& operator=(const ModelMeta&) = delete;

  const std::string& name() const { return name_; }
  const std::string& table() const { return table_; }
  std::type_index type() const { return type_; }
  const std::vector<std::unique_ptr<Field>>& fields() const { return fields_; }
  const Field& pk() const { return *pk_; }
  // By name; "pk" names the primary key. nullptr when there is none.
  const Field* find(std::string_view name) const;
  // By name; throws FieldError listing the choices there are.
  const Field& field(std::string_view name) const;
  // "course, gpa, id, name": the sorted names Django lists in its FieldError.
  std::string choices() const;
  [[noreturn]] void no_such_field(std::string_view name) const;

  const std::vector<std::string>& ordering() const { return ordering_; }
  // The default of ModelDef::cache(): its querysets read through the query cache.
  const std::optional<int64_t>& cache_ttl_ms() const { return cache_ttl_ms_; }
  const std::vector<Index>& indexes() const { return indexes_; }
  const std::vector<UniqueConstraint>& unique_constraints() const { return uniques_; }
  const std::vector<CheckConstraint>& check_constraints() const { return checks_; }

  // Members that receive an annotation of the same name when a query has one.
  struct Slot {
    std::string name;
    std::function<void(void*, ValueRef)> load;
  };
  const std::vector<Slot>& annotation_slots() const { return slots_; }

  // Set by the declaration; used by quarry::remove() on one object (soft delete).
  const std::function<void(void*)>& delete_hook() const { return delete_hook_; }
  // The object's ModelState, or nullptr when the model declares none.
  ModelState* state_of(void* obj) const { return state_ ? state_(obj) : nullptr; }
  bool has_state() const { return static_cast<bool>(state_); }
  // A new, default-constructed object of the model (select_related makes related ones).
  std::shared_ptr<void> make() const { return factory_(); }
  // The ForeignKeys and OneToOneFields among the fields.
  const std::vector<const Field*>& foreign_keys() const { return foreign_keys_; }
  // Every relation the model declares: its ForeignKeys and OneToOneFields, then its
  // ManyToManyFields (which are no column of its table).
  std::vector<const Field*> relation_fields() const;
  const std::vector<std::unique_ptr<Field>>& many_to_many() const { return many_to_many_; }
  const Field* find_many_to_many(std::string_view name) const;
  // The Many<> members: ManyToManyFields' and reverse accessors'.
  const std::vector<std::unique_ptr<ManyMember>>& members() const { return members_; }
  const ManyMember* find_member(std::string_view name) const;

  // Internal: the declaration fills these in, then finish() checks them.
  void set_table(std::string t) { table_ = std::move(t); }
  void add_field(std::unique_ptr<Field> f);
  void set_ordering(std::vector<std::string> o) { ordering_ = std::move(o); }
  void set_cache_ttl_ms(int64_t ms) { cache_ttl_ms_ = ms; }
  void add_index(Index i) { indexes_.push_back(std::move(i)); }
  void add_unique(UniqueConstraint u) { uniques_.push_back(std::move(u)); }
  void add_check(CheckConstraint c) { checks_.push_back(std::move(c)); }
  void add_slot(Slot s) { slots_.push_back(std::move(s)); }
  void set_delete_hook(std::function<void(void*)> f) { delete_hook_ = std::move(f); }
  void set_state(std::function<ModelState*(void*)> f) { state_ = std::move(f); }
  void set_factory(std::shared_ptr<void> (*f)()) { factory_ = f; }
  void add_many_to_many(std::unique_ptr<Field> f);
  void add_member(std::unique_ptr<ManyMember> m);
  // Checks the declaration and indexes the fields. A model quarry derives from a query
  // (a CTE's columns) is not a declaration: its decimals may have no fixed places.
  void finish(bool declared = true);

 private:
  [[noreturn]] void invalid(const std::string& problem) const;

  std::string name_;
  std::string table_;
  std::type_index type_;
  std::vector<std::unique_ptr<Field>> fields_;
  std::map<std::string, const Field*, std::less<>> by_name_;
  std::map<std::string, const Field*, std::less<>> by_attname_;  // "customer_id"
  const Field* pk_ = nullptr;
  std::vector<std::string> ordering_;
  std::optional<int64_t> cache_ttl_ms_;
  std::vector<Index> indexes_;
  std::vector<UniqueConstraint> uniques_;
  std::vector<CheckConstraint> checks_;
  std::vector<Slot> slots_;
  std::function<void(void*)> delete_hook_;
  std::function<ModelState*(void*)> state_;
  std::shared_ptr<void> (*factory_)() = nullptr;
  std::vector<const Field*> foreign_keys_;
  std::vector<std::unique_ptr<Field>> many_to_many_;
  std::vector<std::unique_ptr<ManyMember>> members_;
};

namespace detail {

// The Value type a member of type M holds, if it is one quarry stores.
template <class M>
constexpr std::optional<ValueType> value_type_of() {
  using V = std::remove_cvref_t<M>;
  if constexpr (std::is_same_v<V, bool>) return ValueType::Bool;
  if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) return ValueType::Int;
  if constexpr (std::is_floating_point_v<V>) return ValueType::Double;
  if constexpr (std::is_same_v<V, Decimal>) return ValueType::Decimal;
  if constexpr (std::is_same_v<V, std::string>) return ValueType::Text;
  if constexpr (std::is_same_v<V, Bytes>) return ValueType::Bytes;
  if constexpr (std::is_same_v<V, Date>) return ValueType::Date;
  if constexpr (std::is_same_v<V, Time>) return ValueType::Time;
  if constexpr (std::is_same_v<V, DateTime>) return ValueType::DateTime;
  if constexpr (std::is_same_v<V, Json>) return ValueType::Json;
  if constexpr (std::is_same_v<V, Uuid>) return ValueType::Uuid;
  return std::nullopt;
}

// Whether a field kind can be bound to a member of type M: they hold the same Value type.
template <class M>
bool member_fits(FieldKind kind) {
  return value_type_of<M>() == value_type(kind);
}

template <class M>
using unwrap_optional_t =
    typename std::conditional_t<is_optional<M>::value, M, std::optional<M>>::value_type;

std::string demangle(const char* mangled);
// Rounds a decimal to the field's places, as Django's DecimalField does on load.
void fit_decimal(Decimal& d, int decimal_places);

template <class T, class M>
class MemberField : public Field {
 public:
  MemberField(std::string name, M T::*member, FieldSpec spec)
      : Field(std::move(name), std::move(spec), is_optional<M>::value), member_(member) {}

  Value get(const void* obj) const override {
    return ValueTraits<M>::to_value(static_cast<const T*>(obj)->*member_);
  }
  quarry_value view(const void* obj, char (&scratch)[Decimal::kTextBuffer]) const override {
    return detail::abi_view(static_cast<const T*>(obj)->*member_, scratch);
  }
  void set(void* obj, const Value& v) const override {
    char scratch[Decimal::kTextBuffer];
    const quarry_value raw = v.to_abi(scratch);
    load(obj, ValueRef(raw));
  }
  M T::*member() const { return member_; }
  void load(void* obj, ValueRef v) const override {
    M& m = static_cast<T*>(obj)->*member_;
    ValueTraits<M>::read(v, m);
    if constexpr (std::is_same_v<unwrap_optional_t<M>, Decimal>) {
      if (kind() == FieldKind::Decimal && spec().decimal_places() >= 0) {
        if constexpr (is_optional<M>::value) {
          if (m) fit_decimal(*m, spec().decimal_places());
        } else {
          fit_decimal(m, spec().decimal_places());
        }
      }
    }
  }

 private:
  M T::*member_;
};

// A field with no member: a ManyToManyField, a column of an automatic through table.
std::unique_ptr<Field> make_unbound_field(std::string name, FieldSpec spec);

// Makes the Field for a member of type M: a plain column here; quarry/relations.hpp
// specialises it for Ref<> and Many<> members.
// Makes a reverse accessor for a member of type M; quarry/relations.hpp has it for Many<>.
template <class T, class M>
struct ReverseFactory;

template <class T, class M>
struct FieldFactory {
  static void add(ModelMeta& meta, std::string name, M T::*member, FieldSpec spec) {
    if (is_relation(spec.kind()) || !member_fits<unwrap_optional_t<M>>(spec.kind())) {
      throw ImproperlyConfigured(
          "model " + meta.name() + ": field '" + name + "' is a " +
          std::string(kind_name(spec.kind())) + ", but its member is a " +
          demangle(typeid(M).name()) +
          (is_relation(spec.kind()) ? " (relations take Ref<> or Many<>)" : ""));
    }
    meta.add_field(std::make_unique<MemberField<T, M>>(std::move(name), member, std::move(spec)));
  }
};

}  // namespace detail

template <class T>
class ModelDef {
 public:
  explicit ModelDef(ModelMeta& meta) : meta_(meta) {
    meta_.set_factory([] { return std::static_pointer_cast<void>(std::make_shared<T>()); });
  }

  ModelDef& table(std::string name) {
    meta_.set_table(std::move(name));
    return *this;
  }
  // A member inherited from a base struct binds too.
  template <class M, class Base>
  requires(std::is_base_of_v<Base, T> && !std::is_same_v<Base, T>) ModelDef& field(std::string name,
                                                                                   M Base::*member,
                                                                                   FieldSpec spec) {
    return field(std::move(name), static_cast<M T::*>(member), std::move(spec));
  }
  template <class M>
  ModelDef& field(std::string name, M T::*member, FieldSpec spec) {
    detail::FieldFactory<T, M>::add(meta_, std::move(name), member, std::move(spec));
    return *this;
  }
  // Meta.ordering: "name", "-created_at".
  ModelDef& ordering(std::vector<std::string> fields) {
    meta_.set_ordering(std::move(fields));
    return *this;
  }
  // Its querysets read through the query cache unless they say nocache(), each entry
  // kept at most ttl (zero: the alias's ttl_s): quarry/cache.hpp.
  ModelDef& cache(std::chrono::milliseconds ttl = {}) {
    meta_.set_cache_ttl_ms(std::max<int64_t>(ttl.count(), 0));
    return *this;
  }
  ModelDef& index(Index i) {
    meta_.add_index(std::move(i));
    return *this;
  }
  ModelDef& unique_together(std::vector<std::string> fields) {
    meta_.add_unique(UniqueConstraint{std::move(fields), ""});
    return *this;
  }
  ModelDef& constraint(UniqueConstraint c) {
    meta_.add_unique(std::move(c));
    return *this;
  }
  ModelDef& constraint(CheckConstraint c) {
    meta_.add_check(std::move(c));
    return *this;
  }
  // A Many<R> member for the reverse side of R's ForeignKey or ManyToManyField to this
  // model (Django's reverse accessor): m.reverse("orders", &Customer::orders). It is
  // the relation whose related_name is `name`, or R's only relation to this model.
  template <class M>
  ModelDef& reverse(std::string name, M T::*member) {
    detail::ReverseFactory<T, M>::add(meta_, std::move(name), member);
    return *this;
  }
  // A member that receives the annotation `name` whenever a query annotates it.
  template <class M>
  ModelDef& annotation(std::string name, M T::*member) {
    meta_.add_slot({std::move(name), [member](void* obj, ValueRef v) {
                      ValueTraits<M>::read(v, static_cast<T*>(obj)->*member);
                    }});
    return *this;
  }
  // The object's ModelState member (see ModelState).
  ModelDef& state(ModelState T::*member) {
    meta_.set_state([member](void* obj) { return &(static_cast<T*>(obj)->*member); });
    return *this;
  }
  // What quarry::remove(obj) does instead of DELETE (the soft-delete pattern).
  ModelDef& on_remove(std::function<void(T&)> fn) {
    meta_.set_delete_hook([fn = std::move(fn)](void* obj) { fn(*static_cast<T*>(obj)); });
    return *this;
  }

 private:
  ModelMeta& meta_;
};

namespace detail {
// Registers the model once per process.
const ModelMeta& register_model(std::type_index type, const char* mangled,
                                const std::function<void(ModelMeta&)>& declare);

// Every relation of every registered model, to find the relations pointing at a model
// (its reverse accessors: customer.orders) without knowing who declared them.
class RelationRegistry {
 public:
  void add(const ModelMeta& m);
  std::vector<const Field*> pointing_at(const ModelMeta& target) const;

 private:
  mutable std::mutex mutex_;
  std::vector<const Field*> fields_;
};
RelationRegistry& relation_registry();
}  // namespace detail

template <class T>
concept Model = std::is_class_v<T> && requires(ModelDef<T>& m) {
  quarry_model(m);
};

template <Model T>
const ModelMeta& meta() {
  static const ModelMeta& m =
      detail::register_model(typeid(T), typeid(T).name(), [](ModelMeta& mm) {
        ModelDef<T> def(mm);
        quarry_model(def);
      });
  return m;
}

}  // namespace quarry
