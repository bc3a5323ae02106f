// MySQL's values: quarry values as the connector binds them, and result columns back.
#include "my_values.hpp"

#include <algorithm>
#include <cstdio>

namespace quarry::mysql {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int64_t days_of(const MYSQL_TIME& t) {
  return civil::days_from_civil(t.year, t.month, t.day);
}

int64_t micros_of_day(const MYSQL_TIME& t) {
  return ((int64_t{t.hour} * 60 + t.minute) * 60 + t.second) * civil::kMicrosPerSecond +
         t.second_part;
}

}  // namespace

MYSQL_TIME to_mysql_time(const quarry_value& v) {
  MYSQL_TIME t{};
  int64_t days = 0, micros = 0;
  if (v.type == QUARRY_DATE) {
    days = v.u.i;
    t.time_type = MYSQL_TIMESTAMP_DATE;
  } else if (v.type == QUARRY_TIME) {
    micros = v.u.i;
    t.time_type = MYSQL_TIMESTAMP_TIME;
  } else {
    days = civil::floor_div(v.u.i, civil::kMicrosPerDay);
    micros = v.u.i - days * civil::kMicrosPerDay;
    t.time_type = MYSQL_TIMESTAMP_DATETIME;
  }
  if (v.type != QUARRY_TIME) {
    const civil::YearMonthDay ymd = civil::civil_from_days(days);
    t.year = static_cast<unsigned int>(ymd.year);
    t.month = ymd.month;
    t.day = ymd.day;
  }
  const civil::TimeOfDay tod = civil::time_of_day(micros);
  t.hour = tod.hour;
  t.minute = tod.minute;
  t.second = tod.second;
  t.second_part = tod.micros;
  return t;
}

enum_field_types field_type_of(int32_t type) {
  switch (type) {
    case QUARRY_NULL:
      return MYSQL_TYPE_NULL;
    case QUARRY_BOOL:
    case QUARRY_INT64:
      return MYSQL_TYPE_LONGLONG;
    case QUARRY_DOUBLE:
      return MYSQL_TYPE_DOUBLE;
    case QUARRY_DECIMAL:
      return MYSQL_TYPE_NEWDECIMAL;
    case QUARRY_BYTES:
      return MYSQL_TYPE_BLOB;
    case QUARRY_DATE:
      return MYSQL_TYPE_DATE;
    case QUARRY_TIME:
      return MYSQL_TYPE_TIME;
    case QUARRY_DATETIME:
      return MYSQL_TYPE_DATETIME;
    default:  // text, JSON, UUIDs written out
      return MYSQL_TYPE_STRING;
  }
}

void append_uuid(std::string& out, const quarry_value& v, bool dashed) {
  for (int k = 0; k < 16; ++k) {
    if (dashed && (k == 4 || k == 6 || k == 8 || k == 10)) out += '-';
    out += kHex[v.u.uuid[k] >> 4];
    out += kHex[v.u.uuid[k] & 15];
  }
}

quarry_value value_of(const Column& c, std::string& scratch) {
  if (c.is_null) return sdk::null_value();
  switch (c.kind) {
    case Column::Int:
      return sdk::int_value(c.i);
    case Column::UInt:
      if (c.i >= 0) return sdk::int_value(c.i);
      // Above INT64_MAX: hand it over exactly, as a decimal.
      scratch = std::to_string(static_cast<uint64_t>(c.i));
      return sdk::text_value(scratch, QUARRY_DECIMAL);
    case Column::Double:
      return sdk::double_value(c.d);
    case Column::Date:
      if (c.time.month == 0) break;  // a zero date: give the text
      return sdk::int_value(days_of(c.time), QUARRY_DATE);
    case Column::Time:
      if (c.time.neg || c.time.hour > 23) break;  // an interval, not a time of day
      return sdk::int_value(micros_of_day(c.time), QUARRY_TIME);
    case Column::DateTime:
      if (c.time.month == 0) break;
      return sdk::int_value(days_of(c.time) * civil::kMicrosPerDay + micros_of_day(c.time),
                            QUARRY_DATETIME);
    case Column::Decimal:
      return sdk::text_value({c.buffer.data(), c.length}, QUARRY_DECIMAL);
    case Column::Json:
      return sdk::text_value({c.buffer.data(), c.length}, QUARRY_JSON);
    case Column::Bytes:
      return sdk::text_value({c.buffer.data(), c.length}, QUARRY_BYTES);
    case Column::Text:
      return sdk::text_value({c.buffer.data(), c.length});
  }
  // Values with no quarry type of their own (zero dates, TIME intervals) as text.
  char buf[64];
  const MYSQL_TIME& t = c.time;
  const int n = std::snprintf(buf, sizeof buf, "%s%04u-%02u-%02u %02u:%02u:%02u", t.neg ? "-" : "",
                              t.year, t.month, t.day, t.hour, t.minute, t.second);
  scratch.assign(buf, static_cast<std::size_t>(std::max(n, 0)));
  return sdk::text_value(scratch);
}

}  // namespace quarry::mysql
