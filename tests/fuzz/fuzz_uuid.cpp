// UUID text: try_parse() and parse() agree, and what parses prints back to itself.
#include "fuzz.hpp"
#include "quarry/uuid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto text = quarry::fuzz::text(data, size);
  quarry::Uuid u;
  const bool ok = quarry::Uuid::try_parse(text, u);
  bool thrown = false;
  try {
    (void)quarry::Uuid::parse(text);
  } catch (const quarry::Error&) {
    thrown = true;
  }
  quarry::fuzz::require(ok != thrown, "parse() and try_parse() disagree");
  if (ok)
    quarry::fuzz::require(quarry::Uuid::parse(u.to_string()) == u,
                          "to_string() does not parse back");
  return 0;
}
