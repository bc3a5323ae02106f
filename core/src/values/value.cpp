#include "quarry/value.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace quarry {

std::string_view type_name(ValueType t) noexcept {
  switch (t) {
    case ValueType::Null:
      return "NULL";
    case ValueType::Bool:
      return "bool";
    case ValueType::Int:
      return "int64";
    case ValueType::Double:
      return "double";
    case ValueType::Decimal:
      return "decimal";
    case ValueType::Text:
      return "text";
    case ValueType::Bytes:
      return "bytes";
    case ValueType::Date:
      return "date";
    case ValueType::Time:
      return "time";
    case ValueType::DateTime:
      return "datetime";
    case ValueType::Json:
      return "json";
    case ValueType::Uuid:
      return "uuid";
  }
  return "unknown";
}

Uuid ValueRef::raw_uuid() const noexcept {
  Uuid::Bytes b;
  std::memcpy(b.data(), v_->u.uuid, 16);
  return Uuid(b);
}

namespace {

constexpr std::size_t kReprLimit = 200;

void quote_into(std::string& out, std::string_view s) {
  out += '\'';
  for (std::size_t i = 0; i < s.size() && i < kReprLimit; ++i) {
    if (s[i] == '\'') out += '\'';
    out += s[i];
  }
  if (s.size() > kReprLimit) out += "...";
  out += '\'';
  if (s.size() > kReprLimit) out += "(" + std::to_string(s.size()) + " bytes)";
}

std::string format_double(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::string repr_of(const quarry_value& v) {
  const ValueRef ref(v);
  std::string out;
  switch (ref.type()) {
    case ValueType::Null:
      return "NULL";
    case ValueType::Bool:
      return v.u.i ? "TRUE" : "FALSE";
    case ValueType::Int:
      return std::to_string(v.u.i);
    case ValueType::Double:
      return format_double(v.u.d);
    case ValueType::Decimal:
      return std::string(ref.raw_text());
    case ValueType::Text:
    case ValueType::Json:
      quote_into(out, ref.raw_text());
      return out;
    case ValueType::Bytes: {
      const Bytes b(ref.raw_text().substr(0, kReprLimit / 2));
      out = "X'" + b.to_hex() + "'";
      if (ref.raw_text().size() > kReprLimit / 2) {
        out += "...(" + std::to_string(ref.raw_text().size()) + " bytes)";
      }
      return out;
    }
    case ValueType::Date:
      return "'" + Date::from_days(v.u.i).to_string() + "'";
    case ValueType::Time:
      return "'" + Time::from_micros(v.u.i).to_string() + "'";
    case ValueType::DateTime:
      return "'" + DateTime::from_unix_micros(v.u.i).to_string() + "'";
    case ValueType::Uuid:
      return "'" + ref.raw_uuid().to_string() + "'";
  }
  return "?";
}

}  // namespace

std::string ValueRef::repr() const {
  return repr_of(*v_);
}

void ValueRef::mismatch(std::string_view target) const {
  if (is_null()) {
    throw ValueError("cannot read NULL as " + std::string(target) +
                     " (use std::optional<...> for a column that may be NULL)");
  }
  throw ValueError("cannot read " + std::string(type_name(type())) + " " + repr() + " as " +
                   std::string(target));
}

quarry_value Value::to_abi(char (&scratch)[Decimal::kTextBuffer]) const noexcept {
  // Every alternative is a stored type; none is an integer that could fail to fit.
  return std::visit([&](const auto& x) { return detail::abi_view(x, scratch); }, v_);
}

Value Value::convert_to(ValueType t) const {
  if (is_null() || type() == t) return *this;
  switch (t) {
    case ValueType::Null:
      return Value();
    case ValueType::Bool:
      return Value(as<bool>());
    case ValueType::Int:
      return Value(as<int64_t>());
    case ValueType::Double:
      return Value(as<double>());
    case ValueType::Decimal:
      return Value(as<Decimal>());
    case ValueType::Text:
      return Value(as<std::string>());
    case ValueType::Bytes:
      return Value(as<Bytes>());
    case ValueType::Date:
      return Value(as<Date>());
    case ValueType::Time:
      return Value(as<Time>());
    case ValueType::DateTime:
      return Value(as<DateTime>());
    case ValueType::Json:
      return Value(as<Json>());
    case ValueType::Uuid:
      return Value(as<Uuid>());
  }
  return *this;
}

std::string Value::repr() const {
  char scratch[Decimal::kTextBuffer];
  return repr_of(to_abi(scratch));
}

namespace detail {

std::string_view int_name(std::size_t size, bool is_signed) noexcept {
  switch (size) {
    case 1:
      return is_signed ? "int8" : "uint8";
    case 2:
      return is_signed ? "int16" : "uint16";
    case 4:
      return is_signed ? "int32" : "uint32";
    default:
      return is_signed ? "int64" : "uint64";
  }
}

namespace {

template <class N>
bool parse_number(std::string_view s, N& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// An integer from any representation that holds one exactly.
bool integral_of(ValueRef v, __int128& out) {
  switch (v.type()) {
    case ValueType::Bool:
    case ValueType::Int:
      out = v.raw_int();
      return true;
    case ValueType::Double: {
      const double d = v.raw_double();
      if (std::trunc(d) != d || std::fabs(d) > 9.3e18) return false;
      out = static_cast<__int128>(d);
      return true;
    }
    case ValueType::Decimal:
    case ValueType::Text: {
      int64_t i;
      if (parse_number(v.raw_text(), i)) {
        out = i;
        return true;
      }
      auto d = Decimal::parse(v.raw_text());
      if (!d) return false;
      const Decimal n = d->normalized();
      if (n.scale() != 0) return false;
      out = n.is_negative() ? -static_cast<__int128>(n.coefficient())
                            : static_cast<__int128>(n.coefficient());
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

void read_bool(ValueRef v, bool& out) {
  switch (v.type()) {
    case ValueType::Bool:
    case ValueType::Int:
      if (v.raw_int() == 0 || v.raw_int() == 1) {
        out = v.raw_int() != 0;
        return;
      }
      break;
    case ValueType::Text:
    case ValueType::Decimal: {
      const std::string_view s = v.raw_text();
      if (s == "1" || s == "t" || s == "true" || s == "TRUE") {
        out = true;
        return;
      }
      if (s == "0" || s == "f" || s == "false" || s == "FALSE") {
        out = false;
        return;
      }
      break;
    }
    default:
      break;
  }
  v.mismatch("bool");
}

void read_int(ValueRef v, int64_t& out, int64_t lo, int64_t hi, std::string_view target) {
  if (v.type() == ValueType::Int) {  // the common case, without the general path
    const int64_t x = v.raw_int();
    if (x >= lo && x <= hi) {
      out = x;
      return;
    }
    throw ValueError("value " + std::to_string(x) + " does not fit in " + std::string(target));
  }
  __int128 x;
  if (!integral_of(v, x)) v.mismatch(target);
  if (x < lo || x > hi) {
    throw ValueError("value " + v.repr() + " does not fit in " + std::string(target));
  }
  out = static_cast<int64_t>(x);
}

void read_uint(ValueRef v, uint64_t& out, uint64_t hi, std::string_view target) {
  __int128 x;
  if (!integral_of(v, x)) v.mismatch(target);
  if (x < 0 || static_cast<unsigned __int128>(x) > hi) {
    throw ValueError("value " + v.repr() + " does not fit in " + std::string(target));
  }
  out = static_cast<uint64_t>(x);
}

void read_double(ValueRef v, double& out) {
  switch (v.type()) {
    case ValueType::Double:
      out = v.raw_double();
      return;
    case ValueType::Int:
      out = static_cast<double>(v.raw_int());
      return;
    case ValueType::Decimal:
    case ValueType::Text: {
      // from_chars for doubles is exact (shortest round trip) in libstdc++ 11+.
      if (parse_number(v.raw_text(), out)) return;
      break;
    }
    default:
      break;
  }
  v.mismatch("double");
}

void read_decimal(ValueRef v, Decimal& out) {
  switch (v.type()) {
    case ValueType::Decimal:
    case ValueType::Text:
      if (auto d = Decimal::parse(v.raw_text())) {
        out = *d;
        return;
      }
      break;
    case ValueType::Int:
      out = Decimal(v.raw_int());
      return;
    case ValueType::Double:
      // SQLite keeps decimals as REAL: 15 significant digits are what it preserves.
      if (std::isfinite(v.raw_double())) {
        out = Decimal::from_double(v.raw_double(), 15);
        return;
      }
      break;
    default:
      break;
  }
  v.mismatch("decimal");
}

void read_string(ValueRef v, std::string& out) {
  switch (v.type()) {
    case ValueType::Text:
    case ValueType::Decimal:
    case ValueType::Json:
    case ValueType::Bytes:
      out.assign(v.raw_text());
      return;
    case ValueType::Null:
      v.mismatch("string");
    case ValueType::Double:
      out = format_double(v.raw_double());
      return;
    case ValueType::Int:
      out = std::to_string(v.raw_int());
      return;
    case ValueType::Bool:
      out = v.raw_int() ? "true" : "false";
      return;
    case ValueType::Date:
      out = Date::from_days(v.raw_int()).to_string();
      return;
    case ValueType::Time:
      out = Time::from_micros(v.raw_int()).to_string();
      return;
    case ValueType::DateTime:
      out = DateTime::from_unix_micros(v.raw_int()).to_string();
      return;
    case ValueType::Uuid:
      out = v.raw_uuid().to_string();
      return;
  }
  v.mismatch("string");
}

void read_bytes(ValueRef v, Bytes& out) {
  if (v.type() == ValueType::Bytes || v.type() == ValueType::Text) {
    out.str().assign(v.raw_text());
    return;
  }
  v.mismatch("bytes");
}

void read_date(ValueRef v, Date& out) {
  if (v.type() == ValueType::Date) {
    out = Date::from_days(v.raw_int());
    return;
  }
  if (v.type() == ValueType::Text) {
    if (auto d = civil::parse_date(v.raw_text())) {
      out = Date::from_days(*d);
      return;
    }
  }
  v.mismatch("date");
}

void read_time(ValueRef v, Time& out) {
  if (v.type() == ValueType::Time) {
    out = Time::from_micros(v.raw_int());
    return;
  }
  if (v.type() == ValueType::Text) {
    if (auto t = civil::parse_time(v.raw_text())) {
      out = Time::from_micros(*t);
      return;
    }
  }
  v.mismatch("time");
}

void read_datetime(ValueRef v, DateTime& out) {
  switch (v.type()) {
    case ValueType::DateTime:
      out = DateTime::from_unix_micros(v.raw_int());
      return;
    case ValueType::Date:
      out = DateTime(Date::from_days(v.raw_int()), Time());
      return;
    case ValueType::Text:
      if (auto t = civil::parse_datetime(v.raw_text())) {
        out = DateTime::from_unix_micros(*t);
        return;
      }
      break;
    default:
      break;
  }
  v.mismatch("datetime");
}

void read_json(ValueRef v, Json& out) {
  switch (v.type()) {
    case ValueType::Json:
    case ValueType::Text:
      out = Json::raw(std::string(v.raw_text()));
      return;
    case ValueType::Int:
      out = Json::raw(std::to_string(v.raw_int()));
      return;
    case ValueType::Double:
      out = Json::raw(format_double(v.raw_double()));
      return;
    case ValueType::Decimal:
      out = Json::raw(std::string(v.raw_text()));
      return;
    case ValueType::Bool:
      out = Json::raw(v.raw_int() ? "true" : "false");
      return;
    default:
      break;
  }
  v.mismatch("json");
}

void read_uuid(ValueRef v, Uuid& out) {
  switch (v.type()) {
    case ValueType::Uuid:
      out = v.raw_uuid();
      return;
    case ValueType::Text:
      if (Uuid::try_parse(v.raw_text(), out)) return;
      break;
    case ValueType::Bytes:
      if (v.raw_text().size() == 16) {
        Uuid::Bytes b;
        std::memcpy(b.data(), v.raw_text().data(), 16);
        out = Uuid(b);
        return;
      }
      break;
    default:
      break;
  }
  v.mismatch("uuid");
}

void read_value(ValueRef v, Value& out) {
  switch (v.type()) {
    case ValueType::Null:
      out = Value();
      return;
    case ValueType::Bool:
      out = Value(v.raw_int() != 0);
      return;
    case ValueType::Int:
      out = Value(v.raw_int());
      return;
    case ValueType::Double:
      out = Value(v.raw_double());
      return;
    case ValueType::Decimal: {
      Decimal d;
      read_decimal(v, d);
      out = Value(d);
      return;
    }
    case ValueType::Text:
      out = Value(std::string(v.raw_text()));
      return;
    case ValueType::Bytes:
      out = Value(Bytes(v.raw_text()));
      return;
    case ValueType::Date:
      out = Value(Date::from_days(v.raw_int()));
      return;
    case ValueType::Time:
      out = Value(Time::from_micros(v.raw_int()));
      return;
    case ValueType::DateTime:
      out = Value(DateTime::from_unix_micros(v.raw_int()));
      return;
    case ValueType::Json:
      out = Value(Json::raw(std::string(v.raw_text())));
      return;
    case ValueType::Uuid:
      out = Value(v.raw_uuid());
      return;
  }
  v.mismatch("value");
}

}  // namespace detail
}  // namespace quarry
