// What every fuzz target shares: the input as text, and the rule that a parser given
// anything either succeeds or throws one of quarry's errors. Any other exception, a
// crash, a sanitizer report or a broken round trip is a finding (abort).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "quarry/errors.hpp"

namespace quarry::fuzz {

inline std::string_view text(const uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs f; quarry::Error is a parser's answer to bad input, anything else escapes to
// libFuzzer, which reports it.
template <class F>
void parses_or_refuses(F&& f) {
  try {
    f();
  } catch (const quarry::Error&) {
  }
}

// A property that must hold: a finding when it does not.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property broken: %s\n", what);
    std::abort();
  }
}

}  // namespace quarry::fuzz
