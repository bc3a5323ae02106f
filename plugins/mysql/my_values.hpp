// MySQL's values: how a quarry value is bound (its connector type, MYSQL_TIME, a UUID's
// text) and how a result column's buffer becomes a quarry value.
#pragma once

#include <mysql.h>

#include <string>
#include <vector>

#include "quarry/plugin/sdk.hpp"

namespace quarry::mysql {

// The connector type a value of this quarry_type is sent as.
enum_field_types field_type_of(int32_t type);
// A date, time or datetime as MySQL's struct.
MYSQL_TIME to_mysql_time(const quarry_value& v);
// A UUID as MariaDB's uuid type takes it (dashed) or as a char(32) column holds it.
void append_uuid(std::string& out, const quarry_value& v, bool dashed);

// One result column's buffer, reused from row to row.
struct Column {
  enum Kind { Int, UInt, Double, Decimal, Text, Bytes, Date, Time, DateTime, Json } kind;
  std::vector<char> buffer;
  MYSQL_TIME time{};
  int64_t i = 0;
  double d = 0;
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
};

// The value in a column's buffer; `scratch` holds text made for it (zero dates, TIME
// intervals, unsigned values above INT64_MAX), valid until the next call.
quarry_value value_of(const Column& c, std::string& scratch);

}  // namespace quarry::mysql
