// The UTF-8 check every text value passes before it is sent: it agrees with a plain
// decoder written from RFC 3629 here, byte for byte.
#include <string>

#include "fuzz.hpp"
#include "values/text_check.hpp"

namespace {
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80           ? 1
                    : (b >> 5) == 0x6  ? 2
                    : (b >> 4) == 0xE  ? 3
                    : (b >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto text = quarry::fuzz::text(data, size);
  const std::string problem = quarry::detail::text_problem(text, "");
  quarry::fuzz::require(problem.empty() == valid_utf8(text),
                        "the UTF-8 check disagrees with RFC 3629");
  const bool nul = text.find('\0') != std::string_view::npos;
  if (valid_utf8(text)) {
    quarry::fuzz::require(quarry::detail::text_problem(text, "this backend's text").empty() == !nul,
                          "the NUL rule");
  }
  return 0;
}
