#include <gtest/gtest.h>

#include "quarry/decimal.hpp"
#include "quarry/errors.hpp"

using quarry::Decimal;

TEST(Decimal, ParsesAndFormatsCanonically) {
  EXPECT_EQ(Decimal("12.50").to_string(), "12.50");
  EXPECT_EQ(Decimal("-0.001").to_string(), "-0.001");
  EXPECT_EQ(Decimal("+7").to_string(), "7");
  EXPECT_EQ(Decimal("1e3").to_string(), "1000");
  EXPECT_EQ(Decimal("1.5e-3").to_string(), "0.0015");
  EXPECT_EQ(Decimal("0.00").to_string(), "0.00");
  EXPECT_EQ(Decimal("-0").to_string(), "0");
  EXPECT_EQ(Decimal(".5").to_string(), "0.5");
  EXPECT_EQ(Decimal("007.10").to_string(), "7.10");
}

TEST(Decimal, HoldsThirtyEightDigitsExactly) {
  const std::string max = "99999999999999999999999999999999999999";  // 38 nines
  EXPECT_EQ(Decimal(max).to_string(), max);
  EXPECT_EQ(Decimal("-" + max).to_string(), "-" + max);
  const std::string frac = "1234567890123456789012345678.0123456789";  // 38 digits
  EXPECT_EQ(Decimal(frac).to_string(), frac);
  EXPECT_EQ(Decimal(frac).digits(), 38);
  EXPECT_EQ(Decimal("0.12345678901234567890123456789012345678").scale(), 38);
}

TEST(Decimal, RejectsWhatItCannotHoldExactly) {
  EXPECT_FALSE(Decimal::parse("999999999999999999999999999999999999999"));  // 39 digits
  EXPECT_FALSE(Decimal::parse("abc"));
  EXPECT_FALSE(Decimal::parse("1.2.3"));
  EXPECT_FALSE(Decimal::parse(""));
  EXPECT_FALSE(Decimal::parse("-"));
  EXPECT_FALSE(Decimal::parse("1e"));
  EXPECT_FALSE(Decimal::parse("NaN"));
  EXPECT_THROW(Decimal("12,5"), quarry::ValueError);
  // Trailing zeros beyond 38 digits are dropped, since the value stays exact.
  EXPECT_EQ(Decimal("1.5000000000000000000000000000000000000000000").to_string(),
            "1.5000000000000000000000000000000000000");
}

TEST(Decimal, ArithmeticIsExact) {
  EXPECT_EQ((Decimal("0.1") + Decimal("0.2")).to_string(), "0.3");
  EXPECT_EQ((Decimal("1.10") + Decimal("2.205")).to_string(), "3.305");
  EXPECT_EQ((Decimal("1") - Decimal("1.001")).to_string(), "-0.001");
  EXPECT_EQ((Decimal("1.50") * Decimal("2.0")).to_string(), "3.000");
  EXPECT_EQ((Decimal("-3") * Decimal("0.5")).to_string(), "-1.5");
  Decimal amount("19.99");
  amount += Decimal("100");
  EXPECT_EQ(amount.to_string(), "119.99");
  EXPECT_EQ((Decimal(100) + 10).to_string(), "110");
  // A sum whose exact result needs 39 digits is refused, not rounded.
  const Decimal big("99999999999999999999999999999999999999");
  EXPECT_THROW(big + Decimal(1), quarry::DataError);
  EXPECT_THROW(big * Decimal(2), quarry::DataError);
  // Products of large scales fall back to dropping trailing zeros.
  EXPECT_EQ((Decimal("1.0000000000000000000") * Decimal("1.0000000000000000000")).to_string(),
            "1." + std::string(37, '0'));  // 10^38 at scale 38 is 39 digits: one zero goes
}

TEST(Decimal, DivisionRoundsToThirtyEightDigitsHalfEven) {
  EXPECT_EQ((Decimal(1) / Decimal(3)).to_string(), "0.33333333333333333333333333333333333333");
  EXPECT_EQ((Decimal(2) / Decimal(3)).to_string(), "0.66666666666666666666666666666666666667");
  EXPECT_EQ((Decimal(10) / Decimal(4)).to_string(), "2.5");
  EXPECT_EQ((Decimal("7.50") / Decimal(3)).to_string(), "2.50");
  EXPECT_EQ((Decimal(1) / Decimal(8)).to_string(), "0.125");
  EXPECT_EQ((Decimal(-1) / Decimal(4)).to_string(), "-0.25");
  EXPECT_THROW(Decimal(1) / Decimal(0), quarry::DataError);
}

TEST(Decimal, ComparesByValueNotSpelling) {
  EXPECT_EQ(Decimal("1.50"), Decimal("1.5"));
  EXPECT_LT(Decimal("-2"), Decimal("-1.99"));
  EXPECT_GT(Decimal("10"), Decimal("9.999999999999999999999999999999999999"));
  EXPECT_EQ(Decimal("-0.00"), Decimal(0));
  EXPECT_LT(Decimal("0.1"), Decimal("0.10000000000000000000000000000000000001"));
}

TEST(Decimal, RescalesWithTheRoundingAsked) {
  EXPECT_EQ(Decimal("2.345").rescale(2).to_string(), "2.34");  // half-even
  EXPECT_EQ(Decimal("2.355").rescale(2).to_string(), "2.36");
  EXPECT_EQ(Decimal("2.345").rescale(2, Decimal::Rounding::HalfUp).to_string(), "2.35");
  EXPECT_EQ(Decimal("-2.345").rescale(2, Decimal::Rounding::HalfUp).to_string(), "-2.35");
  EXPECT_EQ(Decimal("2.349").rescale(2, Decimal::Rounding::Down).to_string(), "2.34");
  EXPECT_EQ(Decimal("12.5").rescale(3).to_string(), "12.500");
  EXPECT_TRUE(Decimal("999.99").fits(5, 2));
  EXPECT_FALSE(Decimal("1000.00").fits(5, 2));
  EXPECT_EQ(Decimal("1.500").normalized().to_string(), "1.5");
}

TEST(Decimal, ConvertsToAndFromMachineNumbers) {
  EXPECT_EQ(Decimal("42").to_int64(), 42);
  EXPECT_EQ(Decimal("-9223372036854775808").to_int64(), INT64_MIN);
  EXPECT_THROW(Decimal("9223372036854775808").to_int64(), quarry::ValueError);
  EXPECT_THROW(Decimal("1.5").to_int64(), quarry::ValueError);
  EXPECT_DOUBLE_EQ(Decimal("0.1").to_double(), 0.1);
  EXPECT_EQ(Decimal::from_double(12.5).to_string(), "12.5");
  EXPECT_EQ(Decimal::from_double(0.1).to_string(), "0.1");
  EXPECT_EQ(Decimal(INT64_MIN).to_string(), "-9223372036854775808");
  EXPECT_EQ(Decimal(UINT64_MAX).to_string(), "18446744073709551615");
}
