#include "quarry/datetime.hpp"

#include "quarry/errors.hpp"

namespace quarry {

Date::Date(int64_t year, unsigned month, unsigned day) {
  if (month < 1 || month > 12 || day < 1 || day > civil::days_in_month(year, month)) {
    throw ValueError("invalid date " + std::to_string(year) + "-" + std::to_string(month) + "-" +
                     std::to_string(day));
  }
  days_ = civil::days_from_civil(year, month, day);
}

Date Date::parse(std::string_view iso) {
  auto days = civil::parse_date(iso);
  if (!days) throw ValueError("invalid date '" + std::string(iso) + "': expected YYYY-MM-DD");
  return from_days(*days);
}

Date Date::today() {
  return DateTime::now().date();
}

std::string Date::to_string() const {
  char buf[civil::kDateBuffer];
  return std::string(buf, civil::format_date(days_, buf));
}

Time::Time(unsigned hour, unsigned minute, unsigned second, unsigned microsecond) {
  if (hour > 23 || minute > 59 || second > 59 || microsecond > 999'999) {
    throw ValueError("invalid time " + std::to_string(hour) + ":" + std::to_string(minute) + ":" +
                     std::to_string(second) + "." + std::to_string(microsecond));
  }
  micros_ = ((int64_t{hour} * 60 + minute) * 60 + second) * civil::kMicrosPerSecond + microsecond;
}

Time Time::from_micros(int64_t micros) {
  if (micros < 0 || micros >= civil::kMicrosPerDay) {
    throw ValueError("time of day out of range: " + std::to_string(micros) + " microseconds");
  }
  Time t;
  t.micros_ = micros;
  return t;
}

Time Time::parse(std::string_view iso) {
  auto micros = civil::parse_time(iso);
  if (!micros) {
    throw ValueError("invalid time '" + std::string(iso) + "': expected HH:MM[:SS[.ffffff]]");
  }
  return from_micros(*micros);
}

std::string Time::to_string() const {
  char buf[civil::kTimeBuffer];
  return std::string(buf, civil::format_time(micros_, buf));
}

DateTime DateTime::parse(std::string_view iso) {
  auto micros = civil::parse_datetime(iso);
  if (!micros) {
    throw ValueError("invalid datetime '" + std::string(iso) +
                     "': expected YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]");
  }
  return from_unix_micros(*micros);
}

DateTime DateTime::now() {
  return DateTime(std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now()));
}

std::string DateTime::to_string() const {
  char buf[civil::kDateTimeBuffer];
  std::size_t n = civil::format_datetime(micros_, buf, 'T');
  buf[n++] = 'Z';
  return std::string(buf, n);
}

}  // namespace quarry
