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
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
};

// "CharField", "DecimalField", ...: the dialect's type keys are "type." + this.
std::string_view kind_name(FieldKind kind) noexcept;
// The Value type a column of this kind holds.
ValueType value_type(FieldKind kind) noexcept;
bool is_auto(FieldKind kind) noexcept;

class FieldSpec {
 public:
  explicit FieldSpec(FieldKind kind) : kind_(kind) {}

  FieldKind kind() const { return kind_; }
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
  // Django's default=: a value, or a callable (Uuid::v4, DateTime::now) run per object.
  FieldSpec default_value(Value v) const {
    return with([&v](FieldSpec& f) { f.default_ = std::move(v); });
  }
  FieldSpec default_value(std::function<Value()> fn) const {
    return with([&fn](FieldSpec& f) { f.default_fn_ = std::move(fn); });
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

 private:
  template <class Fn>
  FieldSpec with(Fn&& fn) const {
    FieldSpec copy = *this;
    fn(copy);
    return copy;
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
