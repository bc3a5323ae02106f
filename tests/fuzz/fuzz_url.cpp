// Database URLs (postgres://, mysql://, sqlite:///): parsed or refused, never cut at a NUL.
#include <string>

#include "fuzz.hpp"
#include "quarry/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  quarry::fuzz::parses_or_refuses([&] {
    const quarry::DatabaseSettings s = quarry::parse_database_url(quarry::fuzz::text(data, size));
    quarry::fuzz::require(s.name.find('\0') == std::string::npos, "a NUL in the database name");
    quarry::fuzz::require(s.host.find('\0') == std::string::npos, "a NUL in the host");
  });
  return 0;
}
