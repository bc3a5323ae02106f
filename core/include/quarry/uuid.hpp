// A UUID: sixteen bytes, written "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace quarry {

class Uuid {
 public:
  using Bytes = std::array<uint8_t, 16>;

  constexpr Uuid() = default;  // the nil UUID
  explicit constexpr Uuid(const Bytes& bytes) : bytes_(bytes) {}
  // Accepts the dashed form, 32 hex digits, and either inside braces; throws ValueError.
  static Uuid parse(std::string_view text);
  static bool try_parse(std::string_view text, Uuid& out) noexcept;
  static Uuid v4();  // random
  static Uuid v7();  // time-ordered (Unix milliseconds, then random): good for primary keys

  const Bytes& bytes() const { return bytes_; }
  bool is_nil() const { return *this == Uuid(); }
  std::string to_string() const;  // dashed, lower case
  std::string hex() const;        // 32 hex digits, as Django stores it in char(32)
  // Writes the dashed form (36 chars) into out.
  void format(char* out) const noexcept;

  friend constexpr auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace quarry
