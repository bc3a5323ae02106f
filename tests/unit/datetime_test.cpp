#include <gtest/gtest.h>

#include "quarry/datetime.hpp"
#include "quarry/errors.hpp"

using namespace quarry;

TEST(Date, CivilArithmeticMatchesTheCalendar) {
  EXPECT_EQ(Date(1970, 1, 1).days_since_epoch(), 0);
  EXPECT_EQ(Date(2000, 3, 1).days_since_epoch(), 11017);
  EXPECT_EQ(Date(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(Date(2024, 2, 29).to_string(), "2024-02-29");
  EXPECT_THROW(Date(2023, 2, 29), ValueError);
  EXPECT_THROW(Date(2024, 13, 1), ValueError);
  EXPECT_EQ(Date(1600, 1, 1).to_string(), "1600-01-01");
  EXPECT_EQ(Date::from_days(Date(2024, 12, 31).days_since_epoch() + 1).to_string(), "2025-01-01");
  EXPECT_EQ(Date(2024, 5, 6).iso_weekday(), 1u);  // a Monday
  EXPECT_EQ(Date(1970, 1, 1).iso_weekday(), 4u);  // a Thursday
  EXPECT_EQ((Date(2024, 3, 1) - Date(2024, 2, 1)).count(), 29);
}

TEST(Date, ParsesIsoAndRejectsNonsense) {
  EXPECT_EQ(Date::parse("2024-05-01"), Date(2024, 5, 1));
  EXPECT_THROW(Date::parse("2024-5-1"), ValueError);
  EXPECT_THROW(Date::parse("2024-02-30"), ValueError);
  // Found by tests/fuzz/fuzz_datetime: a year of many digits overflowed while it was read
  // (undefined behaviour, which the sanitizer build reports) before being refused.
  EXPECT_THROW(Date::parse("02222222222222222222222222"), ValueError);
  EXPECT_THROW(DateTime::parse(std::string(4000, '9') + "-01-01T00:00:00Z"), ValueError);
  EXPECT_THROW(DateTime::parse("999999999-01-01T00:00:00Z"), ValueError);  // past int64 micros
  EXPECT_THROW(Date::parse("2024-05-01x"), ValueError);
}

TEST(Time, KeepsMicroseconds) {
  EXPECT_EQ(Time(23, 59, 59, 999999).to_string(), "23:59:59.999999");
  EXPECT_EQ(Time(8, 5).to_string(), "08:05:00");
  EXPECT_EQ(Time::parse("10:11:12.5"), Time(10, 11, 12, 500000));
  EXPECT_EQ(Time::parse("10:11:12.1234567"), Time(10, 11, 12, 123456));  // truncated
  EXPECT_THROW(Time(24, 0), ValueError);
  EXPECT_THROW(Time::parse("25:00"), ValueError);
}

TEST(DateTime, IsUtcWithMicroseconds) {
  const DateTime t(Date(2024, 5, 1), Time(10, 0, 0, 123456));
  EXPECT_EQ(t.to_string(), "2024-05-01T10:00:00.123456Z");
  EXPECT_EQ(DateTime::parse("2024-05-01T10:00:00.123456Z"), t);
  EXPECT_EQ(DateTime::parse("2024-05-01 10:00:00.123456"), t);
  EXPECT_EQ(DateTime::parse("2024-05-01 12:00:00.123456+02:00"), t);
  EXPECT_EQ(DateTime::parse("2024-05-01 05:30:00.123456-0430"), t);
  EXPECT_EQ(DateTime::parse("2024-05-01 10:00:00.123456+00"), t);
  EXPECT_EQ(DateTime::parse("2024-05-01").to_string(), "2024-05-01T00:00:00Z");
  EXPECT_THROW(DateTime::parse("2024-05-01T10:00:00+25:00"), ValueError);
  EXPECT_EQ((t + std::chrono::hours(14)).to_string(), "2024-05-02T00:00:00.123456Z");
  EXPECT_EQ(DateTime::from_unix_micros(-1).to_string(), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(DateTime::from_unix_micros(-1).date(), Date(1969, 12, 31));
  EXPECT_EQ(DateTime::from_unix_micros(-1).time(), Time(23, 59, 59, 999999));
}
