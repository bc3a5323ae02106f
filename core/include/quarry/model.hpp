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

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
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

// Django's Model._state: what quarry knows about one object. A model that declares a
// member of this type (m.state(&T::state)) gets deferred loading: fields left out by
// only() or defer() are read on first touch through quarry::loaded(), and save() writes
// only the fields that were loaded, so a partial object never overwrites a full row.
struct ModelState {
  std::string db;                     // the alias it was read from or saved to
  bool adding = true;                 // not yet in the database
  std::vector<std::string> deferred;  // fields not read yet
};

// Django's FieldError: a name that is not a field, or a lookup a field does not have.
class FieldError : public Error {
 public:
  using Error::Error;
};

// One field of a model, bound to a member of the struct.
class Field {
 public:
  virtual ~Field() = default;

  const std::string& name() const { return name_; }
  const std::string& column() const { return column_; }
  FieldKind kind() const { return spec_.kind(); }
  const FieldSpec& spec() const { return spec_; }
  bool null() const { return null_; }
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

 protected:
  Field(std::string name, FieldSpec spec, bool null)
      : name_(std::move(name)), spec_(std::move(spec)), null_(null) {
    column_ = spec_.column().empty() ? name_ : spec_.column();
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

  // Internal: the declaration fills these in, then finish() checks them.
  void set_table(std::string t) { table_ = std::move(t); }
  void add_field(std::unique_ptr<Field> f);
  void set_ordering(std::vector<std::string> o) { ordering_ = std::move(o); }
  void add_index(Index i) { indexes_.push_back(std::move(i)); }
  void add_unique(UniqueConstraint u) { uniques_.push_back(std::move(u)); }
  void add_check(CheckConstraint c) { checks_.push_back(std::move(c)); }
  void add_slot(Slot s) { slots_.push_back(std::move(s)); }
  void set_delete_hook(std::function<void(void*)> f) { delete_hook_ = std::move(f); }
  void set_state(std::function<ModelState*(void*)> f) { state_ = std::move(f); }
  void finish();

 private:
  [[noreturn]] void invalid(const std::string& problem) const;

  std::string name_;
  std::string table_;
  std::type_index type_;
  std::vector<std::unique_ptr<Field>> fields_;
  std::map<std::string, const Field*, std::less<>> by_name_;
  const Field* pk_ = nullptr;
  std::vector<std::string> ordering_;
  std::vector<Index> indexes_;
  std::vector<UniqueConstraint> uniques_;
  std::vector<CheckConstraint> checks_;
  std::vector<Slot> slots_;
  std::function<void(void*)> delete_hook_;
  std::function<ModelState*(void*)> state_;
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
class MemberField final : public Field {
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

}  // namespace detail

template <class T>
class ModelDef {
 public:
  explicit ModelDef(ModelMeta& meta) : meta_(meta) {}

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
    if (!detail::member_fits<detail::unwrap_optional_t<M>>(spec.kind())) {
      throw ImproperlyConfigured("model " + meta_.name() + ": field '" + name + "' is a " +
                                 std::string(kind_name(spec.kind())) + ", but its member is a " +
                                 detail::demangle(typeid(M).name()));
    }
    meta_.add_field(
        std::make_unique<detail::MemberField<T, M>>(std::move(name), member, std::move(spec)));
    return *this;
  }
  // Meta.ordering: "name", "-created_at".
  ModelDef& ordering(std::vector<std::string> fields) {
    meta_.set_ordering(std::move(fields));
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
}  // namespace detail

template <class T>
concept Model = requires(ModelDef<T>& m) {
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
