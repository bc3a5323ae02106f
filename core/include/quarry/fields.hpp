// Field kinds and their options, as Django names them. A FieldSpec is what a model
// declaration says about one member:
//
//   m.field("name", &Student::name, CharField(200).db_index());
//   m.field("price", &Product::price, DecimalField(10, 2));
//   m.field("created_at", &Product::created_at, DateTimeField().auto_now_add());
//
// Options chain in any order. `null` follows the member's type: a std::optional member
// is a nullable column, any other is NOT NULL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include "quarry/errors.hpp"
#include "quarry/value.hpp"

namespace quarry {

enum class FieldKind : uint8_t {
  Auto,
  BigAuto,
  SmallInteger,
  Integer,
  BigInteger,
  Float,
  Decimal,
  Boolean,
  Char,
  Text,
  Date,
  Time,
  DateTime,
  Json,
  Uuid,
  Binary,
  // Relations (quarry/relations.hpp): a ForeignKey or OneToOneField is a column holding
  // the related row's key; a ManyToManyField has a table of its own.
  ForeignKey,
  OneToOne,
  ManyToMany,
};

// "CharField", "DecimalField", ...: the dialect's type keys are "type." + this.
std::string_view kind_name(FieldKind kind) noexcept;
// The Value type a column of this kind holds.
ValueType value_type(FieldKind kind) noexcept;
bool is_auto(FieldKind kind) noexcept;
bool is_relation(FieldKind kind) noexcept;

class ModelMeta;

// Django's on_delete: what deleting a row does to the rows whose ForeignKey points at it.
enum class OnDelete { Cascade, Protect, Restrict, SetNull, SetDefault, DoNothing };

namespace detail {
// What a relation field says beyond a FieldSpec's options: the related model, found
// when first needed (models may refer to each other, or to themselves), and the
// relation's options.
struct RelationSpec {
  const ModelMeta& (*target)();  // meta<Target>
  std::type_index target_type;   // typeid(Target), to find relations without registering it
  FieldKind key_kind;            // what the key column holds (from the member's key type)
  OnDelete on_delete = OnDelete::Cascade;
  std::string related_name{};  // the reverse name; "" for the model's name in lower case
  bool null = false;
  // ManyToManyField: an explicit through model and its two ForeignKeys, or none (then a
  // table of its own: db_table, or "<table>_<field>").
  const ModelMeta& (*through)() = nullptr;
  std::string through_from{}, through_to{};
  std::string db_table{};
  const ModelMeta* target_meta = nullptr;  // instead of `target` (automatic through tables)
};
}  // namespace detail

class FieldSpec {
 public:
  explicit FieldSpec(FieldKind kind) : kind_(kind) {}

  FieldKind kind() const { return kind_; }
  // What the column's values are: the kind itself, or for a ForeignKey or OneToOneField
  // the kind of the key it holds (an int64_t key: BigIntegerField).
  FieldKind data_kind() const { return relation_ ? relation_->key_kind : kind_; }
  // The relation's details, for a relation field; null otherwise.
  const detail::RelationSpec* relation() const { return relation_.get(); }
  int max_length() const { return max_length_; }
  int max_digits() const { return max_digits_; }
  int decimal_places() const { return decimal_places_; }
  bool is_primary_key() const { return primary_key_ || is_auto(kind_); }
  bool is_unique() const { return unique_ || is_primary_key(); }
  bool has_db_index() const { return db_index_; }
  bool is_auto_now() const { return auto_now_; }
  bool is_auto_now_add() const { return auto_now_add_; }
  const std::string& column() const { return db_column_; }
  const std::vector<std::pair<Value, std::string>>& choice_list() const { return choices_; }
  // The default for a new object: a callable's result, a fixed value, or NULL/none.
  std::optional<Value> default_value() const {
    if (default_fn_) return default_fn_();
    return default_;
  }
  bool has_default() const { return default_fn_ || default_; }

  FieldSpec max_length(int n) const {
    return with([n](FieldSpec& f) { f.max_length_ = n; });
  }
  FieldSpec max_digits(int n) const {
    return with([n](FieldSpec& f) { f.max_digits_ = n; });
  }
  FieldSpec decimal_places(int n) const {
    return with([n](FieldSpec& f) { f.decimal_places_ = n; });
  }
  FieldSpec primary_key(bool on = true) const {
    return with([on](FieldSpec& f) { f.primary_key_ = on; });
  }
  FieldSpec unique(bool on = true) const {
    return with([on](FieldSpec& f) { f.unique_ = on; });
  }
  FieldSpec db_index(bool on = true) const {
    return with([on](FieldSpec& f) { f.db_index_ = on; });
  }
  FieldSpec db_column(std::string c) const {
    return with([&c](FieldSpec& f) { f.db_column_ = std::move(c); });
  }
  // Django's default=: a value (anything a Value is made from: 0, 1.5, "x", a Decimal),
  // or a callable (Uuid::v4, DateTime::now) run per object. A literal 0 is a value, not
  // a null function.
  FieldSpec default_value(Value v) const {
    return with([&v](FieldSpec& f) { f.default_ = std::move(v); });
  }
  template <class Fn, std::enable_if_t<std::is_invocable_v<Fn&>, int> = 0>
  FieldSpec default_value(Fn fn) const {
    std::function<Value()> call = std::move(fn);
    return with([&call](FieldSpec& f) { f.default_fn_ = std::move(call); });
  }
  FieldSpec auto_now(bool on = true) const {
    return with([on](FieldSpec& f) { f.auto_now_ = on; });
  }
  FieldSpec auto_now_add(bool on = true) const {
    return with([on](FieldSpec& f) { f.auto_now_add_ = on; });
  }
  // (stored value, human label) pairs, as Django's choices=.
  FieldSpec choices(std::vector<std::pair<Value, std::string>> c) const {
    return with([&c](FieldSpec& f) { f.choices_ = std::move(c); });
  }
  // Relation options (ForeignKey, OneToOneField, ManyToManyField).
  FieldSpec related_name(std::string name) const {
    return with_relation([&name](detail::RelationSpec& r) { r.related_name = std::move(name); });
  }
  // A ForeignKey or OneToOneField that may be NULL (Django's null=True).
  FieldSpec null(bool on = true) const {
    return with_relation([on](detail::RelationSpec& r) { r.null = on; });
  }
  // A ManyToManyField's own table name (Django's db_table).
  FieldSpec db_table(std::string name) const {
    return with_relation([&name](detail::RelationSpec& r) { r.db_table = std::move(name); });
  }
  // Internal: the relation factories set this.
  FieldSpec relation(detail::RelationSpec r) const {
    return with([&r](FieldSpec& f) {
      f.relation_ = std::make_shared<const detail::RelationSpec>(std::move(r));
    });
  }

 private:
  template <class Fn>
  FieldSpec with(Fn&& fn) const {
    FieldSpec copy = *this;
    fn(copy);
    return copy;
  }
  template <class Fn>
  FieldSpec with_relation(Fn&& fn) const {
    if (!relation_) {
      throw ImproperlyConfigured(std::string(kind_name(kind_)) + " has no relation options");
    }
    detail::RelationSpec r = *relation_;
    fn(r);
    return relation(std::move(r));
  }

  FieldKind kind_;
  int max_length_ = 0;
  int max_digits_ = 0;
  int decimal_places_ = -1;
  bool primary_key_ = false;
  bool unique_ = false;
  bool db_index_ = false;
  bool auto_now_ = false;
  bool auto_now_add_ = false;
  std::string db_column_;
  std::optional<Value> default_;
  std::function<Value()> default_fn_;
  std::vector<std::pair<Value, std::string>> choices_;
  std::shared_ptr<const detail::RelationSpec> relation_;
};

inline FieldSpec AutoField() {
  return FieldSpec(FieldKind::Auto);
}
inline FieldSpec BigAutoField() {
  return FieldSpec(FieldKind::BigAuto);
}
inline FieldSpec SmallIntegerField() {
  return FieldSpec(FieldKind::SmallInteger);
}
inline FieldSpec IntegerField() {
  return FieldSpec(FieldKind::Integer);
}
inline FieldSpec BigIntegerField() {
  return FieldSpec(FieldKind::BigInteger);
}
inline FieldSpec FloatField() {
  return FieldSpec(FieldKind::Float);
}
inline FieldSpec DecimalField(int max_digits = 0, int decimal_places = -1) {
  return FieldSpec(FieldKind::Decimal).max_digits(max_digits).decimal_places(decimal_places);
}
inline FieldSpec BooleanField() {
  return FieldSpec(FieldKind::Boolean);
}
inline FieldSpec CharField(int max_length = 0) {
  return FieldSpec(FieldKind::Char).max_length(max_length);
}
inline FieldSpec TextField() {
  return FieldSpec(FieldKind::Text);
}
inline FieldSpec DateField() {
  return FieldSpec(FieldKind::Date);
}
inline FieldSpec TimeField() {
  return FieldSpec(FieldKind::Time);
}
inline FieldSpec DateTimeField() {
  return FieldSpec(FieldKind::DateTime);
}
inline FieldSpec JSONField() {
  return FieldSpec(FieldKind::Json);
}
inline FieldSpec UUIDField() {
  return FieldSpec(FieldKind::Uuid);
}
inline FieldSpec BinaryField() {
  return FieldSpec(FieldKind::Binary);
}

}  // namespace quarry
