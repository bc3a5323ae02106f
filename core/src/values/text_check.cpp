#include "values/text_check.hpp"

#include <cstdint>
#include <cstring>

namespace quarry::detail {
namespace {

// The length of the UTF-8 sequence at s[i], or 0 when it is not a valid one (overlong
// forms, surrogates and code points past U+10FFFF are invalid, as RFC 3629 says).
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const auto continuation = [&](std::size_t k) {
    return i + k < s.size() && (byte(k) & 0xC0) == 0x80;
  };
  const uint8_t b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return continuation(1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (b == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (b == 0xED && byte(1) >= 0xA0) return 0;  // a surrogate
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (b == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (b == 0xF4 && byte(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

TextScan scan_text(std::string_view text) {
  TextScan out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<uint8_t>(text[i]);
    if (b < 0x80) {  // the common case: a run of ASCII
      if (b == 0 && out.nul_at == TextScan::npos) out.nul_at = i;
      ++i;
      continue;
    }
    const std::size_t n = sequence_length(text, i);
    if (n == 0) {
      out.invalid_at = i;
      return out;
    }
    i += n;
  }
  return out;
}

std::string text_problem(const TextScan& scan, std::string_view holder) {
  if (scan.invalid_at != TextScan::npos) {
    return "invalid UTF-8 at byte " + std::to_string(scan.invalid_at);
  }
  if (scan.nul_at != TextScan::npos && !holder.empty()) {
    return "a NUL byte at byte " + std::to_string(scan.nul_at) + ", which " + std::string(holder) +
           " cannot hold";
  }
  return {};
}

}  // namespace quarry::detail
