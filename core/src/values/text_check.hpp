// The rule every text value is held to before it is sent, on every backend alike: valid
// UTF-8, and no NUL byte where the backend's text cannot hold one (PostgreSQL's cannot,
// and would cut the value there). Internal to the core.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace quarry::detail {

// What one pass over a text finds: the first byte that breaks UTF-8 and the first NUL
// (npos where there is none), so that a caller asks whether NUL is allowed only when it
// must.
struct TextScan {
  static constexpr std::size_t npos = std::string_view::npos;
  std::size_t invalid_at = npos;
  std::size_t nul_at = npos;
};
TextScan scan_text(std::string_view text);

// "" when the text may be sent; else what is wrong with it, for an error message
// ("invalid UTF-8 at byte 3", "a NUL byte at byte 2, which PostgreSQL text cannot
// hold"). `holder` names what cannot hold a NUL; empty: a NUL is allowed.
std::string text_problem(const TextScan& scan, std::string_view holder);
inline std::string text_problem(std::string_view text, std::string_view holder) {
  return text_problem(scan_text(text), holder);
}

}  // namespace quarry::detail
