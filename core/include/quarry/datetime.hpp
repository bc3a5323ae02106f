// Date, Time and DateTime: calendar values with microsecond precision. DateTime is
// always UTC (Django's USE_TZ=True); conversion to a local zone is the application's.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "quarry/civil_time.hpp"

namespace quarry {

class Date {
 public:
  constexpr Date() = default;  // 1970-01-01
  // Throws ValueError for an impossible date (2023-02-29).
  Date(int64_t year, unsigned month, unsigned day);
  static constexpr Date from_days(int64_t days_since_epoch) { return Date(days_since_epoch, 0); }
  static Date parse(std::string_view iso);  // "YYYY-MM-DD"; throws ValueError
  static Date today();                      // in UTC

  constexpr int64_t days_since_epoch() const { return days_; }
  int64_t year() const { return civil::civil_from_days(days_).year; }
  unsigned month() const { return civil::civil_from_days(days_).month; }
  unsigned day() const { return civil::civil_from_days(days_).day; }
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  unsigned iso_weekday() const { return civil::iso_weekday_index(days_) + 1; }
  std::string to_string() const;

  std::chrono::sys_days sys_days() const { return std::chrono::sys_days(std::chrono::days(days_)); }
  friend constexpr Date operator+(Date d, std::chrono::days n) {
    return Date(d.days_ + n.count(), 0);
  }
  friend constexpr Date operator-(Date d, std::chrono::days n) {
    return Date(d.days_ - n.count(), 0);
  }
  friend constexpr std::chrono::days operator-(Date a, Date b) {
    return std::chrono::days(a.days_ - b.days_);
  }
  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr Date(int64_t days, int) : days_(days) {}
  int64_t days_ = 0;
};

class Time {
 public:
  constexpr Time() = default;  // midnight
  // Throws ValueError outside 00:00:00 .. 23:59:59.999999.
  Time(unsigned hour, unsigned minute, unsigned second = 0, unsigned microsecond = 0);
  static Time from_micros(int64_t micros_since_midnight);  // throws ValueError if out of range
  static Time parse(std::string_view iso);                 // "HH:MM[:SS[.ffffff]]"

  constexpr int64_t micros_since_midnight() const { return micros_; }
  unsigned hour() const { return civil::time_of_day(micros_).hour; }
  unsigned minute() const { return civil::time_of_day(micros_).minute; }
  unsigned second() const { return civil::time_of_day(micros_).second; }
  unsigned microsecond() const { return civil::time_of_day(micros_).micros; }
  std::string to_string() const;
  friend constexpr auto operator<=>(Time, Time) = default;

 private:
  int64_t micros_ = 0;
};

class DateTime {
 public:
  using Clock = std::chrono::system_clock;
  using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

  constexpr DateTime() = default;  // the Unix epoch
  DateTime(Date date, Time time)
      : micros_(date.days_since_epoch() * civil::kMicrosPerDay + time.micros_since_midnight()) {}
  explicit DateTime(TimePoint tp) : micros_(tp.time_since_epoch().count()) {}
  static constexpr DateTime from_unix_micros(int64_t micros) { return DateTime(micros, 0); }
  // ISO 8601; an offset is applied to give UTC; no offset means UTC. Throws ValueError.
  static DateTime parse(std::string_view iso);
  static DateTime now();

  constexpr int64_t unix_micros() const { return micros_; }
  TimePoint time_point() const { return TimePoint(std::chrono::microseconds(micros_)); }
  Date date() const { return Date::from_days(civil::floor_div(micros_, civil::kMicrosPerDay)); }
  Time time() const {
    return Time::from_micros(micros_ - civil::floor_div(micros_, civil::kMicrosPerDay) *
                                           civil::kMicrosPerDay);
  }
  // "2024-05-01T10:00:00.123456Z" (the fraction only when it is not zero).
  std::string to_string() const;

  template <class Rep, class Period>
  friend DateTime operator+(DateTime t, std::chrono::duration<Rep, Period> d) {
    return DateTime(t.micros_ + std::chrono::duration_cast<std::chrono::microseconds>(d).count(),
                    0);
  }
  template <class Rep, class Period>
  friend DateTime operator-(DateTime t, std::chrono::duration<Rep, Period> d) {
    return DateTime(t.micros_ - std::chrono::duration_cast<std::chrono::microseconds>(d).count(),
                    0);
  }
  friend constexpr std::chrono::microseconds operator-(DateTime a, DateTime b) {
    return std::chrono::microseconds(a.micros_ - b.micros_);
  }
  friend constexpr auto operator<=>(DateTime, DateTime) = default;

 private:
  constexpr DateTime(int64_t micros, int) : micros_(micros) {}
  int64_t micros_ = 0;
};

}  // namespace quarry
