#include "quarry/fields.hpp"

namespace quarry {

std::string_view kind_name(FieldKind kind) noexcept {
  switch (kind) {
    case FieldKind::Auto:
      return "AutoField";
    case FieldKind::BigAuto:
      return "BigAutoField";
    case FieldKind::SmallInteger:
      return "SmallIntegerField";
    case FieldKind::Integer:
      return "IntegerField";
    case FieldKind::BigInteger:
      return "BigIntegerField";
    case FieldKind::Float:
      return "FloatField";
    case FieldKind::Decimal:
      return "DecimalField";
    case FieldKind::Boolean:
      return "BooleanField";
    case FieldKind::Char:
      return "CharField";
    case FieldKind::Text:
      return "TextField";
    case FieldKind::Date:
      return "DateField";
    case FieldKind::Time:
      return "TimeField";
    case FieldKind::DateTime:
      return "DateTimeField";
    case FieldKind::Json:
      return "JSONField";
    case FieldKind::Uuid:
      return "UUIDField";
    case FieldKind::Binary:
      return "BinaryField";
    case FieldKind::ForeignKey:
      return "ForeignKey";
    case FieldKind::OneToOne:
      return "OneToOneField";
    case FieldKind::ManyToMany:
      return "ManyToManyField";
  }
  return "Field";
}

ValueType value_type(FieldKind kind) noexcept {
  switch (kind) {
    case FieldKind::Auto:
    case FieldKind::BigAuto:
    case FieldKind::SmallInteger:
    case FieldKind::Integer:
    case FieldKind::BigInteger:
      return ValueType::Int;
    case FieldKind::Float:
      return ValueType::Double;
    case FieldKind::Decimal:
      return ValueType::Decimal;
    case FieldKind::Boolean:
      return ValueType::Bool;
    case FieldKind::Char:
    case FieldKind::Text:
      return ValueType::Text;
    case FieldKind::Date:
      return ValueType::Date;
    case FieldKind::Time:
      return ValueType::Time;
    case FieldKind::DateTime:
      return ValueType::DateTime;
    case FieldKind::Json:
      return ValueType::Json;
    case FieldKind::Uuid:
      return ValueType::Uuid;
    case FieldKind::Binary:
      return ValueType::Bytes;
    case FieldKind::ForeignKey:  // what the key holds: see FieldSpec::data_kind()
    case FieldKind::OneToOne:
    case FieldKind::ManyToMany:
      return ValueType::Null;
  }
  return ValueType::Null;
}

bool is_auto(FieldKind kind) noexcept {
  return kind == FieldKind::Auto || kind == FieldKind::BigAuto;
}

bool is_relation(FieldKind kind) noexcept {
  return kind == FieldKind::ForeignKey || kind == FieldKind::OneToOne ||
         kind == FieldKind::ManyToMany;
}

}  // namespace quarry
