// The YAML config with ${ENV} interpolation: parsed or refused with a quarry error.
#include <cstdlib>

#include "fuzz.hpp"
#include "quarry/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const bool env = [] {
    setenv("QUARRY_FUZZ_SET", "postgres://u:p@127.0.0.1:5432/db", 1);
    setenv("QUARRY_FUZZ_EMPTY", "", 1);
    return true;
  }();
  (void)env;
  quarry::fuzz::parses_or_refuses(
      [&] { quarry::Config::parse(quarry::fuzz::text(data, size), "<fuzz>"); });
  return 0;
}
