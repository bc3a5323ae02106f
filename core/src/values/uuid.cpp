#include "quarry/uuid.hpp"

#include <chrono>
#include <random>

#include "quarry/errors.hpp"

namespace quarry {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kHex[] = "0123456789abcdef";

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  return gen;
}

void fill_random(Uuid::Bytes& b, std::size_t from) {
  for (std::size_t i = from; i < b.size(); i += 8) {
    uint64_t r = rng()();
    for (std::size_t k = i; k < i + 8 && k < b.size(); ++k, r >>= 8) b[k] = static_cast<uint8_t>(r);
  }
}

}  // namespace

bool Uuid::try_parse(std::string_view s, Uuid& out) noexcept {
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  const bool dashed = s.size() == 36;
  if (!dashed && s.size() != 32) return false;
  Bytes b{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (dashed && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
      if (s[pos] != '-') return false;
      ++pos;
    }
    const int hi = hex_digit(s[pos]), lo = hex_digit(s[pos + 1]);
    if (hi < 0 || lo < 0) return false;
    b[i] = static_cast<uint8_t>(hi * 16 + lo);
    pos += 2;
  }
  out = Uuid(b);
  return true;
}

Uuid Uuid::parse(std::string_view text) {
  Uuid u;
  if (!try_parse(text, u)) {
    throw ValueError("invalid UUID '" + std::string(text.substr(0, 64)) +
                     "': expected 32 hex digits, optionally dashed 8-4-4-4-12");
  }
  return u;
}

Uuid Uuid::v4() {
  Bytes b{};
  fill_random(b, 0);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Uuid(b);
}

Uuid Uuid::v7() {
  Bytes b{};
  fill_random(b, 0);
  const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  for (int i = 0; i < 6; ++i)
    b[static_cast<std::size_t>(i)] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x70);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Uuid(b);
}

void Uuid::format(char* out) const noexcept {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[pos++] = '-';
    out[pos++] = kHex[bytes_[i] >> 4];
    out[pos++] = kHex[bytes_[i] & 15];
  }
}

std::string Uuid::to_string() const {
  std::string s(36, '\0');
  format(s.data());
  return s;
}

std::string Uuid::hex() const {
  std::string s;
  s.reserve(32);
  for (uint8_t c : bytes_) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

}  // namespace quarry
