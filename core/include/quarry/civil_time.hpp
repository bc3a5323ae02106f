// Calendar arithmetic and ISO-8601 text for dates, times and UTC datetimes.
//
// Header-only on purpose: the core's Date/Time/DateTime use it, and so do plugins
// (which link nothing of the core) when a driver wants dates as text, so both sides
// of the plugin boundary read and write exactly the same formats.
//
// Representations, shared with the plugin ABI (quarry/plugin/abi.h):
//   date     = days since 1970-01-01 (proleptic Gregorian)
//   time     = microseconds since midnight, 0 <= t < 86'400'000'000
//   datetime = microseconds since 1970-01-01T00:00:00Z
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace quarry::civil {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct YearMonthDay {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

struct TimeOfDay {
  unsigned hour, minute, second;
  unsigned micros;  // 0..999999
};

constexpr bool is_leap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned days_in_month(int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 for a proleptic Gregorian date. The era arithmetic (400-year
// cycles starting in March) keeps it branch-light and exact for negative years.
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

constexpr YearMonthDay civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// 0 = Monday ... 6 = Sunday (ISO), for days since the epoch (1970-01-01 was a Thursday).
constexpr unsigned iso_weekday_index(int64_t days) {
  return static_cast<unsigned>(((days % 7) + 7 + 3) % 7);
}

constexpr int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

constexpr TimeOfDay time_of_day(int64_t micros_since_midnight) {
  const int64_t s = micros_since_midnight / kMicrosPerSecond;
  return {static_cast<unsigned>(s / 3600), static_cast<unsigned>(s / 60 % 60),
          static_cast<unsigned>(s % 60),
          static_cast<unsigned>(micros_since_midnight % kMicrosPerSecond)};
}

namespace detail {
inline char* put_digits(char* out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + width;
}
}  // namespace detail

// Buffer sizes that always suffice for the formatters below.
inline constexpr std::size_t kDateBuffer = 24;
inline constexpr std::size_t kTimeBuffer = 16;
inline constexpr std::size_t kDateTimeBuffer = 48;

// "YYYY-MM-DD"; years outside 0..9999 get a sign and as many digits as they need.
inline std::size_t format_date(int64_t days, char* out) {
  const YearMonthDay ymd = civil_from_days(days);
  char* p = out;
  int64_t y = ymd.year;
  if (y < 0 || y > 9999) {
    *p++ = y < 0 ? '-' : '+';
    uint64_t a = y < 0 ? static_cast<uint64_t>(-y) : static_cast<uint64_t>(y);
    int width = 4;
    for (uint64_t t = a / 10000; t; t /= 10) ++width;
    p = detail::put_digits(p, a, width);
  } else {
    p = detail::put_digits(p, static_cast<uint64_t>(y), 4);
  }
  *p++ = '-';
  p = detail::put_digits(p, ymd.month, 2);
  *p++ = '-';
  p = detail::put_digits(p, ymd.day, 2);
  return static_cast<std::size_t>(p - out);
}

// "HH:MM:SS" or "HH:MM:SS.ffffff" (the fraction only when it is not zero, or always
// with always_fraction, for drivers that want a fixed width).
inline std::size_t format_time(int64_t micros, char* out, bool always_fraction = false) {
  const TimeOfDay t = time_of_day(micros);
  char* p = out;
  p = detail::put_digits(p, t.hour, 2);
  *p++ = ':';
  p = detail::put_digits(p, t.minute, 2);
  *p++ = ':';
  p = detail::put_digits(p, t.second, 2);
  if (t.micros != 0 || always_fraction) {
    *p++ = '.';
    p = detail::put_digits(p, t.micros, 6);
  }
  return static_cast<std::size_t>(p - out);
}

// "YYYY-MM-DD<sep>HH:MM:SS[.ffffff]" in UTC, without a zone suffix.
inline std::size_t format_datetime(int64_t micros, char* out, char sep = ' ',
                                   bool always_fraction = false) {
  const int64_t days = floor_div(micros, kMicrosPerDay);
  std::size_t n = format_date(days, out);
  out[n++] = sep;
  n += format_time(micros - days * kMicrosPerDay, out + n, always_fraction);
  return n;
}

namespace detail {
struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Exactly n digits.
  bool digits(int n, int64_t& v) {
    v = 0;
    for (int k = 0; k < n; ++k) {
      char c = peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++i;
    }
    return true;
  }
};

inline bool parse_date_at(Cursor& c, int64_t& days) {
  int64_t y;
  bool neg = false;
  if (c.peek() == '-' || c.peek() == '+') {
    neg = c.peek() == '-';
    ++c.i;
  }
  std::size_t start = c.i;
  y = 0;
  while (!c.done() && c.peek() >= '0' && c.peek() <= '9') {
    // Digits past the ninth are read but not added: the year is refused below, and a
    // long run of them must not overflow on the way (found by tests/fuzz/fuzz_datetime).
    if (c.i - start < 9) y = y * 10 + (c.s[c.i] - '0');
    ++c.i;
  }
  if (c.i - start < 4 || c.i - start > 9) return false;
  if (neg) y = -y;
  int64_t m, d;
  if (!c.eat('-') || !c.digits(2, m) || !c.eat('-') || !c.digits(2, d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<unsigned>(m))) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// HH:MM[:SS[.f{1,9}]]; digits past microseconds are truncated, as the databases do.
inline bool parse_time_at(Cursor& c, int64_t& micros) {
  int64_t h, m, s = 0, frac = 0;
  if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, m)) return false;
  if (c.eat(':')) {
    if (!c.digits(2, s)) return false;
    if (c.eat('.') || c.eat(',')) {
      int n = 0;
      while (!c.done() && c.peek() >= '0' && c.peek() <= '9') {
        if (n < 6) frac = frac * 10 + (c.peek() - '0');
        ++n;
        ++c.i;
      }
      if (n == 0) return false;
      for (; n < 6; ++n) frac *= 10;
    }
  }
  if (h > 23 || m > 59 || s > 59) return false;
  micros = ((h * 60 + m) * 60 + s) * kMicrosPerSecond + frac;
  return true;
}

// Z, +HH, +HHMM, +HH:MM (and the same with '-'); returns the offset in microseconds.
inline bool parse_offset_at(Cursor& c, int64_t& offset) {
  offset = 0;
  if (c.eat('Z') || c.eat('z')) return true;
  if (c.peek() != '+' && c.peek() != '-') return c.done();
  const bool neg = c.peek() == '-';
  ++c.i;
  int64_t h, m = 0;
  if (!c.digits(2, h)) return false;
  if (c.eat(':')) {
    if (!c.digits(2, m)) return false;
  } else if (!c.done()) {
    if (!c.digits(2, m)) return false;
  }
  if (h > 23 || m > 59) return false;
  offset = (h * 60 + m) * 60 * kMicrosPerSecond * (neg ? -1 : 1);
  return true;
}
}  // namespace detail

inline std::optional<int64_t> parse_date(std::string_view s) {
  detail::Cursor c{s};
  int64_t days;
  if (!detail::parse_date_at(c, days) || !c.done()) return std::nullopt;
  return days;
}

inline std::optional<int64_t> parse_time(std::string_view s) {
  detail::Cursor c{s};
  int64_t micros;
  if (!detail::parse_time_at(c, micros) || !c.done()) return std::nullopt;
  return micros;
}

// "YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]" or a bare date (midnight); an offset is
// applied so that the result is UTC. Text without an offset is taken as UTC.
inline std::optional<int64_t> parse_datetime(std::string_view s) {
  detail::Cursor c{s};
  int64_t days, micros = 0, offset = 0;
  if (!detail::parse_date_at(c, days)) return std::nullopt;
  // Microseconds since 1970 in 64 bits reach about 292,000 years either way: a date past
  // that has no DateTime (found by tests/fuzz/fuzz_datetime, as an overflow).
  constexpr int64_t kMaxDays = std::numeric_limits<int64_t>::max() / kMicrosPerDay - 1;
  if (days > kMaxDays || days < -kMaxDays) return std::nullopt;
  if (!c.done()) {
    if (!c.eat('T') && !c.eat(' ') && !c.eat('t')) return std::nullopt;
    if (!detail::parse_time_at(c, micros)) return std::nullopt;
    if (!detail::parse_offset_at(c, offset) || !c.done()) return std::nullopt;
  }
  return days * kMicrosPerDay + micros - offset;
}

}  // namespace quarry::civil
