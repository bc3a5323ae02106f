#include "quarry/decimal.hpp"
#include <charconv>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "quarry/errors.hpp"

namespace quarry {
namespace {

using u128 = unsigned __int128;

constexpr std::array<u128, 39> make_pow10() {
  std::array<u128, 39> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<u128, 39> kPow10 = make_pow10();
constexpr u128 kLimit = kPow10[38];  // coefficients are strictly below 10^38

int count_digits(u128 v) {
  int n = 1;
  while (n < 39 && v >= kPow10[n]) ++n;
  return n;
}

// Just enough 256-bit arithmetic for exact intermediate results: a product of two
// 38-digit coefficients, or a dividend scaled up for 38 digits of quotient.
struct U256 {
  u128 hi = 0, lo = 0;

  static U256 of(u128 v) { return {0, v}; }
  bool is_zero() const { return hi == 0 && lo == 0; }
  bool fits128() const { return hi == 0; }

  friend bool operator<(const U256& a, const U256& b) {
    return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
  }
  friend bool operator==(const U256& a, const U256& b) = default;

  friend U256 operator+(const U256& a, const U256& b) {
    U256 r{a.hi + b.hi, a.lo + b.lo};
    if (r.lo < a.lo) ++r.hi;
    return r;
  }
  friend U256 operator-(const U256& a, const U256& b) {
    U256 r{a.hi - b.hi, a.lo - b.lo};
    if (a.lo < b.lo) --r.hi;
    return r;
  }
  U256 shl1() const { return {(hi << 1) | (lo >> 127), lo << 1}; }

  // Full 128x128 -> 256 product, by 64-bit halves.
  static U256 mul(u128 a, u128 b) {
    const uint64_t a0 = static_cast<uint64_t>(a), a1 = static_cast<uint64_t>(a >> 64);
    const uint64_t b0 = static_cast<uint64_t>(b), b1 = static_cast<uint64_t>(b >> 64);
    const u128 p00 = static_cast<u128>(a0) * b0, p01 = static_cast<u128>(a0) * b1;
    const u128 p10 = static_cast<u128>(a1) * b0, p11 = static_cast<u128>(a1) * b1;
    U256 r = of(p00);
    r = r + U256{p01 >> 64, p01 << 64};
    r = r + U256{p10 >> 64, p10 << 64};
    r.hi += p11;
    return r;
  }
  // this * small, assuming the result fits (callers keep values below 10^77).
  U256 mul_small(uint64_t m) const {
    U256 r = mul(lo, m);
    r.hi += hi * m;
    return r;
  }

  // Binary long division; only on the slow paths (division, rounding).
  static void divmod(const U256& n, const U256& d, U256& q, U256& r) {
    q = {};
    r = {};
    for (int i = 255; i >= 0; --i) {
      r = r.shl1();
      const bool bit = i >= 128 ? (n.hi >> (i - 128)) & 1 : (n.lo >> i) & 1;
      if (bit) r.lo |= 1;
      if (!(r < d)) {
        r = r - d;
        if (i >= 128) {
          q.hi |= static_cast<u128>(1) << (i - 128);
        } else {
          q.lo |= static_cast<u128>(1) << i;
        }
      }
    }
  }
};

U256 pow10_256(int n) {
  U256 r = U256::of(1);
  for (int i = 0; i < n; ++i) r = r.mul_small(10);
  return r;
}

int count_digits256(const U256& v) {
  if (v.fits128() && v.lo < kLimit) return count_digits(v.lo);
  int n = 38;
  U256 p = U256::of(kLimit);
  while (!(v < p)) {
    p = p.mul_small(10);
    ++n;
    if (n >= 77) break;
  }
  return n;
}

// Divides v by 10^m, rounding; `sticky` says that digits already dropped were non-zero.
U256 round_off(const U256& v, int m, Decimal::Rounding mode, bool negative, bool sticky) {
  if (m <= 0) return v;
  U256 q, r;
  const U256 div = pow10_256(m);
  U256::divmod(v, div, q, r);
  bool up = false;
  switch (mode) {
    case Decimal::Rounding::Down:
      break;
    case Decimal::Rounding::HalfUp: {
      const U256 twice = r.shl1();
      up = !(twice < div);
      break;
    }
    case Decimal::Rounding::HalfEven: {
      const U256 twice = r.shl1();
      if (div < twice) {
        up = true;
      } else if (twice == div) {
        up = sticky || (q.lo & 1);
      }
      break;
    }
  }
  (void)negative;  // the modes offered are symmetric around zero
  return up ? q + U256::of(1) : q;
}

[[noreturn]] void overflow(const char* what) {
  throw DataError(std::string("decimal ") + what + " needs more than 38 significant digits");
}

}  // namespace

Decimal Decimal::from_parts(u128 coefficient, int scale, bool negative) {
  if (coefficient >= kLimit) throw DataError("decimal coefficient has more than 38 digits");
  if (scale < 0 || scale > kMaxScale) throw DataError("decimal scale must be within 0..38");
  Decimal d;
  d.coef_ = coefficient;
  d.scale_ = static_cast<int8_t>(scale);
  d.negative_ = negative && coefficient != 0;
  return d;
}

namespace {
// Builds a Decimal from an exact 256-bit magnitude and a scale that may be out of range,
// dropping only trailing zeros to make it fit; nullopt if it cannot be exact.
std::optional<Decimal> exact(U256 mag, int scale, bool negative) {
  while (scale < 0) {
    mag = mag.mul_small(10);
    ++scale;
    if (!mag.fits128()) return std::nullopt;
  }
  while ((!mag.fits128() || mag.lo >= kLimit || scale > Decimal::kMaxScale) && scale > 0) {
    U256 q, r;
    U256::divmod(mag, U256::of(10), q, r);
    if (!r.is_zero()) return std::nullopt;
    mag = q;
    --scale;
  }
  if (!mag.fits128() || mag.lo >= kLimit) return std::nullopt;
  return Decimal::from_parts(mag.lo, scale, negative);
}
}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) noexcept {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  // Significant digits, without leading zeros; at most 77 matter before we give up.
  char digits[80];
  int nd = 0, frac = 0;
  bool any = false, point = false, too_long = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (point) ++frac;
    if (nd == 0 && c == '0') continue;
    if (nd < 78) {
      digits[nd++] = c;
    } else {
      too_long = true;
    }
  }
  if (!any) return std::nullopt;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    const std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 1000) return std::nullopt;
    }
    if (i == start) return std::nullopt;
    if (eneg) exponent = -exponent;
  }
  if (i != s.size() || too_long) return std::nullopt;
  // Drop trailing zeros of the fraction first if there are more digits than fit.
  long scale = frac - exponent;
  while ((nd > kMaxDigits || scale > kMaxScale) && scale > 0 && nd > 0 && digits[nd - 1] == '0') {
    --nd;
    --scale;
  }
  if (nd > kMaxDigits) return std::nullopt;
  u128 coef = 0;
  for (int k = 0; k < nd; ++k) coef = coef * 10 + static_cast<unsigned>(digits[k] - '0');
  if (nd == 0) {  // zero: keep its scale, clamped
    return from_parts(0, static_cast<int>(std::clamp(scale, 0L, static_cast<long>(kMaxScale))),
                      false);
  }
  if (scale < -kMaxDigits || scale > kMaxScale) return std::nullopt;
  auto r = exact(U256::of(coef), static_cast<int>(scale), neg);
  return r;
}

Decimal::Decimal(std::string_view text) {
  auto d = parse(text);
  if (!d) {
    throw ValueError("invalid decimal '" + std::string(text.substr(0, 80)) +
                     "': expected digits with an optional sign, point and exponent, at most " +
                     "38 significant digits and 38 decimal places");
  }
  *this = *d;
}

Decimal Decimal::from_double(double v, int significant_digits) {
  if (!std::isfinite(v)) throw ValueError("cannot make a decimal of a non-finite double");
  char buf[64];
  // printf's %.*g, without printf's cost: this runs for every REAL read as a decimal.
  const auto r =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, significant_digits);
  return Decimal(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::size_t Decimal::format(char* out) const noexcept {
  char tmp[40];
  int n = 0;
  u128 c = coef_;
  // 128-bit division is a library call; most coefficients fit in 64 bits.
  for (; c > std::numeric_limits<uint64_t>::max(); c /= 10) {
    tmp[n++] = static_cast<char>('0' + static_cast<int>(c % 10));
  }
  auto c64 = static_cast<uint64_t>(c);
  do {
    tmp[n++] = static_cast<char>('0' + static_cast<int>(c64 % 10));
    c64 /= 10;
  } while (c64 != 0);
  char* p = out;
  if (is_negative()) *p++ = '-';
  const int scale = scale_;
  if (n <= scale) {
    *p++ = '0';
    *p++ = '.';
    for (int k = 0; k < scale - n; ++k) *p++ = '0';
    while (n > 0) *p++ = tmp[--n];
  } else {
    while (n > scale) *p++ = tmp[--n];
    if (scale > 0) {
      *p++ = '.';
      while (n > 0) *p++ = tmp[--n];
    }
  }
  return static_cast<std::size_t>(p - out);
}

std::string Decimal::to_string() const {
  char buf[kTextBuffer];
  return std::string(buf, format(buf));
}

double Decimal::to_double() const noexcept {
  char buf[kTextBuffer + 1];
  buf[format(buf)] = '\0';
  return std::strtod(buf, nullptr);
}

int64_t Decimal::to_int64() const {
  const u128 unit = kPow10[static_cast<std::size_t>(scale_)];
  if (coef_ % unit != 0) {
    throw ValueError("decimal " + to_string() + " has a fractional part; rescale it first");
  }
  const u128 whole = coef_ / unit;
  const u128 max = static_cast<u128>(INT64_MAX) + (is_negative() ? 1 : 0);
  if (whole > max) throw ValueError("decimal " + to_string() + " does not fit in int64");
  return is_negative() ? static_cast<int64_t>(-static_cast<__int128>(whole))
                       : static_cast<int64_t>(whole);
}

int Decimal::digits() const noexcept {
  return count_digits(coef_);
}

Decimal Decimal::rescale(int new_scale, Rounding rounding) const {
  if (new_scale < 0 || new_scale > kMaxScale) throw DataError("decimal scale must be within 0..38");
  if (new_scale >= scale_) {
    const U256 v = U256::mul(coef_, kPow10[static_cast<std::size_t>(new_scale - scale_)]);
    if (!v.fits128() || v.lo >= kLimit) overflow("rescale");
    return from_parts(v.lo, new_scale, negative_);
  }
  const U256 v = round_off(U256::of(coef_), scale_ - new_scale, rounding, negative_, false);
  if (!v.fits128() || v.lo >= kLimit) overflow("rescale");
  return from_parts(v.lo, new_scale, negative_);
}

Decimal Decimal::normalized() const noexcept {
  Decimal d = *this;
  while (d.scale_ > 0 && d.coef_ % 10 == 0) {
    d.coef_ /= 10;
    --d.scale_;
  }
  return d;
}

bool Decimal::fits(int max_digits, int decimal_places) const noexcept {
  if (decimal_places < 0 || decimal_places > kMaxScale) return false;
  U256 v;
  if (decimal_places >= scale_) {
    v = U256::mul(coef_, kPow10[static_cast<std::size_t>(decimal_places - scale_)]);
  } else {
    v = round_off(U256::of(coef_), scale_ - decimal_places, Rounding::HalfUp, negative_, false);
  }
  return count_digits256(v) <= max_digits || v.is_zero();
}

Decimal Decimal::operator-() const noexcept {
  Decimal d = *this;
  d.negative_ = !negative_ && coef_ != 0;
  return d;
}

Decimal Decimal::abs() const noexcept {
  Decimal d = *this;
  d.negative_ = false;
  return d;
}

namespace {
// a and b as 256-bit magnitudes on a common scale.
void align(const Decimal& a, const Decimal& b, U256& ma, U256& mb, int& scale) {
  scale = std::max(a.scale(), b.scale());
  ma = U256::mul(a.coefficient(), kPow10[static_cast<std::size_t>(scale - a.scale())]);
  mb = U256::mul(b.coefficient(), kPow10[static_cast<std::size_t>(scale - b.scale())]);
}

Decimal add_signed(const Decimal& a, const Decimal& b, bool negate_b) {
  const bool na = a.is_negative();
  const bool nb = b.is_negative() != negate_b && !b.is_zero();
  U256 ma, mb;
  int scale;
  align(a, b, ma, mb, scale);
  U256 mag;
  bool neg;
  if (na == nb) {
    mag = ma + mb;
    neg = na;
  } else if (ma < mb) {
    mag = mb - ma;
    neg = nb;
  } else {
    mag = ma - mb;
    neg = na;
  }
  auto r = exact(mag, scale, neg);
  if (!r) overflow("sum");
  return *r;
}
}  // namespace

Decimal operator+(const Decimal& a, const Decimal& b) {
  return add_signed(a, b, false);
}
Decimal operator-(const Decimal& a, const Decimal& b) {
  return add_signed(a, b, true);
}

Decimal operator*(const Decimal& a, const Decimal& b) {
  auto r =
      exact(U256::mul(a.coef_, b.coef_), a.scale_ + b.scale_, a.is_negative() != b.is_negative());
  if (!r) overflow("product");
  return *r;
}

Decimal operator/(const Decimal& a, const Decimal& b) {
  if (b.is_zero()) throw DataError("decimal division by zero");
  const bool neg = a.is_negative() != b.is_negative();
  if (a.is_zero()) return Decimal::from_parts(0, std::max(0, a.scale_ - b.scale_), false);
  // Scale the dividend up so the quotient has at least 38 significant digits.
  const int k = 76 - count_digits(a.coef_);
  U256 scaled = U256::of(a.coef_);
  for (int i = 0; i < k; ++i) scaled = scaled.mul_small(10);
  U256 q, r;
  U256::divmod(scaled, U256::of(b.coef_), q, r);
  int scale = a.scale_ - b.scale_ + k;
  // Round to 38 significant digits (and to the 38-place limit on scale).
  int drop = std::max(count_digits256(q) - Decimal::kMaxDigits, scale - Decimal::kMaxScale);
  if (drop > 0) {
    q = round_off(q, drop, Decimal::Rounding::HalfEven, neg, !r.is_zero());
    scale -= drop;
    if (!(q < U256::of(kLimit))) {  // rounding carried into a 39th digit
      q = round_off(q, 1, Decimal::Rounding::HalfEven, neg, false);
      --scale;
    }
  }
  // Strip trailing zeros down to the ideal scale, as Python's decimal does.
  const int ideal = std::max(0, a.scale_ - b.scale_);
  while (scale > ideal) {
    U256 qq, rr;
    U256::divmod(q, U256::of(10), qq, rr);
    if (!rr.is_zero()) break;
    q = qq;
    --scale;
  }
  auto out = exact(q, scale, neg);
  if (!out) overflow("quotient");
  return *out;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
  const bool na = a.is_negative(), nb = b.is_negative();
  if (na != nb) return na ? std::strong_ordering::less : std::strong_ordering::greater;
  std::strong_ordering mag = std::strong_ordering::equal;
  if (a.scale_ == b.scale_) {
    mag = a.coef_ <=> b.coef_;
  } else {
    U256 ma, mb;
    int scale;
    align(a, b, ma, mb, scale);
    mag = ma < mb ? std::strong_ordering::less
                  : (mb < ma ? std::strong_ordering::greater : std::strong_ordering::equal);
  }
  if (!na) return mag;
  return mag == std::strong_ordering::less
             ? std::strong_ordering::greater
             : (mag == std::strong_ordering::greater ? std::strong_ordering::less : mag);
}

}  // namespace quarry
