// An exact decimal number: up to 38 significant digits with a scale of 0..38, which
// covers numeric(38, s) on every backend. Arithmetic and comparison are exact and never
// pass through double; a result that would need more than 38 digits throws DataError
// (division, which is rarely exact, rounds to 38 significant digits instead, half-even,
// as Python's decimal module does).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace quarry {

class Decimal {
 public:
  static constexpr int kMaxDigits = 38;
  static constexpr int kMaxScale = 38;
  // Enough for any Decimal as text: sign, 38 digits, point, leading "0.", slack.
  static constexpr std::size_t kTextBuffer = 48;

  enum class Rounding { HalfEven, HalfUp, Down };

  constexpr Decimal() = default;
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  constexpr Decimal(I v)  // NOLINT(google-explicit-constructor): exact, so implicit is safe
      : coef_(magnitude(v)), negative_(below_zero(v)) {}
  // Parses "-12.50", "1e-3", "+7"; throws ValueError naming the text.
  explicit Decimal(std::string_view text);

  static std::optional<Decimal> parse(std::string_view text) noexcept;
  // The double's shortest form to `significant_digits` digits ("%.15g"), then exact.
  static Decimal from_double(double v, int significant_digits = 15);

  // Canonical text: no exponent, the scale kept ("12.50", "-0.001", "0.00").
  std::string to_string() const;
  // Writes to_string() into `out` (at least kTextBuffer bytes); returns the length.
  std::size_t format(char* out) const noexcept;
  double to_double() const noexcept;
  // Exact integer value; throws ValueError if there is a fractional part or it overflows.
  int64_t to_int64() const;

  int scale() const noexcept { return scale_; }
  int digits() const noexcept;  // significant digits in the coefficient (0 has 1)
  bool is_negative() const noexcept { return negative_ && coef_ != 0; }
  bool is_zero() const noexcept { return coef_ == 0; }

  // The same number with exactly `new_scale` decimal places, rounding as asked
  // (Django's quantize); throws DataError if the result needs more than 38 digits.
  Decimal rescale(int new_scale, Rounding rounding = Rounding::HalfEven) const;
  // Trailing fractional zeros removed: 1.500 -> 1.5.
  Decimal normalized() const noexcept;
  // Whether the value fits numeric(max_digits, decimal_places) after rounding to that scale.
  bool fits(int max_digits, int decimal_places) const noexcept;

  Decimal operator-() const noexcept;
  Decimal abs() const noexcept;
  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  friend Decimal operator/(const Decimal& a, const Decimal& b);
  Decimal& operator+=(const Decimal& o) { return *this = *this + o; }
  Decimal& operator-=(const Decimal& o) { return *this = *this - o; }
  Decimal& operator*=(const Decimal& o) { return *this = *this * o; }
  Decimal& operator/=(const Decimal& o) { return *this = *this / o; }

  // Numeric comparison: 1.50 == 1.5.
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept;
  friend bool operator==(const Decimal& a, const Decimal& b) noexcept {
    return (a <=> b) == std::strong_ordering::equal;
  }

  // The raw parts, for drivers with a binary decimal format.
  unsigned __int128 coefficient() const noexcept { return coef_; }
  static Decimal from_parts(unsigned __int128 coefficient, int scale, bool negative);

 private:
  template <class I>
  static constexpr unsigned __int128 magnitude(I v) {
    if constexpr (std::is_signed_v<I>) {
      return v < 0 ? static_cast<unsigned __int128>(-static_cast<__int128>(v))
                   : static_cast<unsigned __int128>(v);
    } else {
      return v;
    }
  }
  template <class I>
  static constexpr bool below_zero(I v) {
    if constexpr (std::is_signed_v<I>) return v < 0;
    return false;
  }

  unsigned __int128 coef_ = 0;
  int8_t scale_ = 0;
  bool negative_ = false;
};

}  // namespace quarry
