// Value: one database value of any supported type, and ValueTraits<T>: the single place
// where a C++ type becomes a Value and a database value becomes that C++ type.
//
// Reading goes through ValueRef, a borrowed view of what the plugin returned, so that a
// row can be written straight into struct members without building a Value per cell.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "quarry/bytes.hpp"
#include "quarry/datetime.hpp"
#include "quarry/decimal.hpp"
#include "quarry/errors.hpp"
#include "quarry/json.hpp"
#include "quarry/plugin/abi.h"
#include "quarry/uuid.hpp"

namespace quarry {

// The numbering is the ABI's (quarry_type), so no table maps between them.
enum class ValueType : uint8_t {
  Null = QUARRY_NULL,
  Bool = QUARRY_BOOL,
  Int = QUARRY_INT64,
  Double = QUARRY_DOUBLE,
  Decimal = QUARRY_DECIMAL,
  Text = QUARRY_TEXT,
  Bytes = QUARRY_BYTES,
  Date = QUARRY_DATE,
  Time = QUARRY_TIME,
  DateTime = QUARRY_DATETIME,
  Json = QUARRY_JSON,
  Uuid = QUARRY_UUID,
};

std::string_view type_name(ValueType t) noexcept;

// A borrowed view of one value as the plugin returned it.
class ValueRef {
 public:
  explicit ValueRef(const quarry_value& v) noexcept : v_(&v) {}

  ValueType type() const noexcept { return static_cast<ValueType>(v_->type); }
  bool is_null() const noexcept { return v_->type == QUARRY_NULL; }
  int64_t raw_int() const noexcept { return v_->u.i; }
  double raw_double() const noexcept { return v_->u.d; }
  std::string_view raw_text() const noexcept { return {v_->u.s.ptr, v_->u.s.len}; }
  Uuid raw_uuid() const noexcept;
  const quarry_value& abi() const noexcept { return *v_; }

  // For messages: the value as a short SQL-like literal.
  std::string repr() const;
  // Throws ValueError: "cannot read <type> <repr> as <target>".
  [[noreturn]] void mismatch(std::string_view target) const;

 private:
  const quarry_value* v_;
};

// Specialise ValueTraits<T> to store your own types:
//   static Value to_value(const T&);
//   static void read(ValueRef, T& out);   // throws ValueError if the value cannot be T
// read() writes into an existing object so that refilling a struct reuses its buffers.
template <class T, class Enable = void>
struct ValueTraits;

namespace detail {
template <class I>
int64_t checked_int(I v) {
  if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(int64_t)) {
    if (v > static_cast<I>(std::numeric_limits<int64_t>::max())) {
      throw ValueError("unsigned value " + std::to_string(v) + " does not fit in int64");
    }
  }
  return static_cast<int64_t>(v);
}
}  // namespace detail

class Value {
 public:
  using Storage = std::variant<std::monostate, bool, int64_t, double, Decimal, std::string, Bytes,
                               Date, Time, DateTime, Json, Uuid>;

  Value() = default;
  Value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  Value(std::nullopt_t) {}  // NOLINT(google-explicit-constructor)
  Value(bool v) : v_(v) {}  // NOLINT(google-explicit-constructor)
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Value(I v) : v_(detail::checked_int(v)) {}         // NOLINT(google-explicit-constructor)
  Value(double v) : v_(v) {}                         // NOLINT(google-explicit-constructor)
  Value(float v) : v_(static_cast<double>(v)) {}     // NOLINT(google-explicit-constructor)
  Value(Decimal v) : v_(v) {}                        // NOLINT(google-explicit-constructor)
  Value(std::string v) : v_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view v) : v_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* v) : v_(std::string(v)) {}       // NOLINT(google-explicit-constructor)
  Value(Bytes v) : v_(std::move(v)) {}               // NOLINT(google-explicit-constructor)
  Value(Date v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(Time v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(DateTime v) : v_(v) {}                       // NOLINT(google-explicit-constructor)
  Value(Json v) : v_(std::move(v)) {}                // NOLINT(google-explicit-constructor)
  Value(Uuid v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  template <class T>
  Value(const std::optional<T>& v)  // NOLINT(google-explicit-constructor)
  {
    if (v) *this = ValueTraits<T>::to_value(*v);
  }

  // Any type with ValueTraits, including your own.
  template <class T>
  static Value of(const T& v) {
    return ValueTraits<T>::to_value(v);
  }

  ValueType type() const noexcept { return static_cast<ValueType>(v_.index()); }
  bool is_null() const noexcept { return v_.index() == 0; }
  const Storage& storage() const noexcept { return v_; }
  template <class T>
  const T* get_if() const noexcept {
    return std::get_if<T>(&v_);
  }

  // Converts with ValueTraits<T>; throws ValueError if it cannot.
  template <class T>
  T as() const;

  // The same value as another type (text "2024-05-01" as a Date, 100 as a Decimal),
  // by the conversions ValueTraits allow; NULL stays NULL. Throws ValueError.
  Value convert_to(ValueType type) const;

  // The ABI view of this value, borrowing from it; a decimal is written into scratch.
  quarry_value to_abi(char (&scratch)[Decimal::kTextBuffer]) const noexcept;
  // A short SQL-like literal for logs and messages: NULL, 42, 'it''s', X'00ff'.
  std::string repr() const;

  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

 private:
  Storage v_;
};

// ---- the ABI's view of a stored value ------------------------------------------

namespace detail {

template <class M>
struct is_optional : std::false_type {};
template <class M>
struct is_optional<std::optional<M>> : std::true_type {};

// The one mapping of quarry's value types onto quarry_value: a view borrowing the
// value's text (a decimal's is written into scratch). Value::to_abi uses it, and so do
// model fields handing their members to a plugin without making a Value.
template <class M>
quarry_value abi_view(const M& m, char (&scratch)[Decimal::kTextBuffer]) {
  quarry_value out{};
  auto text = [&out](quarry_type t, std::string_view s) {
    out.type = t;
    out.u.s.ptr = s.data();
    out.u.s.len = s.size();
  };
  if constexpr (is_optional<M>::value) {
    if (m) return abi_view(*m, scratch);
  } else if constexpr (std::is_same_v<M, std::monostate>) {
  } else if constexpr (std::is_same_v<M, bool>) {
    out.type = QUARRY_BOOL;
    out.u.i = m ? 1 : 0;
  } else if constexpr (std::is_integral_v<M>) {
    out.type = QUARRY_INT64;
    out.u.i = checked_int(m);
  } else if constexpr (std::is_floating_point_v<M>) {
    out.type = QUARRY_DOUBLE;
    out.u.d = static_cast<double>(m);
  } else if constexpr (std::is_same_v<M, Decimal>) {
    text(QUARRY_DECIMAL, {scratch, m.format(scratch)});
  } else if constexpr (std::is_same_v<M, std::string>) {
    text(QUARRY_TEXT, m);
  } else if constexpr (std::is_same_v<M, Bytes>) {
    text(QUARRY_BYTES, m.view());
  } else if constexpr (std::is_same_v<M, Date>) {
    out.type = QUARRY_DATE;
    out.u.i = m.days_since_epoch();
  } else if constexpr (std::is_same_v<M, Time>) {
    out.type = QUARRY_TIME;
    out.u.i = m.micros_since_midnight();
  } else if constexpr (std::is_same_v<M, DateTime>) {
    out.type = QUARRY_DATETIME;
    out.u.i = m.unix_micros();
  } else if constexpr (std::is_same_v<M, Json>) {
    text(QUARRY_JSON, m.text());
  } else if constexpr (std::is_same_v<M, Uuid>) {
    out.type = QUARRY_UUID;
    std::memcpy(out.u.uuid, m.bytes().data(), 16);
  } else if constexpr (requires {
                         typename M::key_type;
                         m.id();
                       }) {
    return abi_view(m.id(), scratch);  // a relation (Ref<>): the key it holds, or NULL
  } else {
    static_assert(sizeof(M) == 0, "not a type quarry stores");
  }
  return out;
}

}  // namespace detail

// ---- ValueTraits for the built-in types -----------------------------------------

namespace detail {
void read_bool(ValueRef v, bool& out);
void read_int(ValueRef v, int64_t& out, int64_t lo, int64_t hi, std::string_view target);
void read_uint(ValueRef v, uint64_t& out, uint64_t hi, std::string_view target);
void read_double(ValueRef v, double& out);
void read_decimal(ValueRef v, Decimal& out);
void read_string(ValueRef v, std::string& out);
void read_bytes(ValueRef v, Bytes& out);
void read_date(ValueRef v, Date& out);
void read_time(ValueRef v, Time& out);
void read_datetime(ValueRef v, DateTime& out);
void read_json(ValueRef v, Json& out);
void read_uuid(ValueRef v, Uuid& out);
void read_value(ValueRef v, Value& out);
std::string_view int_name(std::size_t size, bool is_signed) noexcept;
}  // namespace detail

template <>
struct ValueTraits<bool> {
  static Value to_value(bool v) { return Value(v); }
  static void read(ValueRef v, bool& out) {
    if (v.type() == ValueType::Bool) {
      out = v.raw_int() != 0;
      return;
    }
    detail::read_bool(v, out);
  }
};

template <class I>
struct ValueTraits<I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>> {
  static Value to_value(I v) { return Value(v); }
  static void read(ValueRef v, I& out) {
    if constexpr (std::is_signed_v<I>) {
      if (v.type() == ValueType::Int) {  // inline: every integer cell of every row comes here
        const int64_t x = v.raw_int();
        if (x >= std::numeric_limits<I>::min() && x <= std::numeric_limits<I>::max()) {
          out = static_cast<I>(x);
          return;
        }
      }
      int64_t x;
      detail::read_int(v, x, std::numeric_limits<I>::min(), std::numeric_limits<I>::max(),
                       detail::int_name(sizeof(I), true));
      out = static_cast<I>(x);
    } else {
      uint64_t x;
      detail::read_uint(v, x, std::numeric_limits<I>::max(), detail::int_name(sizeof(I), false));
      out = static_cast<I>(x);
    }
  }
};

template <class F>
struct ValueTraits<F, std::enable_if_t<std::is_floating_point_v<F>>> {
  static Value to_value(F v) { return Value(static_cast<double>(v)); }
  static void read(ValueRef v, F& out) {
    double d;
    detail::read_double(v, d);
    out = static_cast<F>(d);
  }
};

#define QUARRY_VALUE_TRAITS(Type, reader)                       \
  template <>                                                   \
  struct ValueTraits<Type> {                                    \
    static Value to_value(const Type& v) { return Value(v); }   \
    static void read(ValueRef v, Type& out) { reader(v, out); } \
  }
QUARRY_VALUE_TRAITS(Decimal, detail::read_decimal);
QUARRY_VALUE_TRAITS(std::string, detail::read_string);
QUARRY_VALUE_TRAITS(Bytes, detail::read_bytes);
QUARRY_VALUE_TRAITS(Date, detail::read_date);
QUARRY_VALUE_TRAITS(Time, detail::read_time);
QUARRY_VALUE_TRAITS(DateTime, detail::read_datetime);
QUARRY_VALUE_TRAITS(Json, detail::read_json);
QUARRY_VALUE_TRAITS(Uuid, detail::read_uuid);
QUARRY_VALUE_TRAITS(Value, detail::read_value);
#undef QUARRY_VALUE_TRAITS

// NULL is a std::optional's nullopt; any other value is read as T.
template <class T>
struct ValueTraits<std::optional<T>> {
  static Value to_value(const std::optional<T>& v) {
    return v ? ValueTraits<T>::to_value(*v) : Value();
  }
  static void read(ValueRef v, std::optional<T>& out) {
    if (v.is_null()) {
      out.reset();
      return;
    }
    if (!out) out.emplace();
    ValueTraits<T>::read(v, *out);
  }
};

// Reads a borrowed value as T.
template <class T>
T read_as(ValueRef v) {
  T out{};
  ValueTraits<T>::read(v, out);
  return out;
}

template <class T>
T Value::as() const {
  char scratch[Decimal::kTextBuffer];
  const quarry_value raw = to_abi(scratch);
  return read_as<T>(ValueRef(raw));
}

}  // namespace quarry
