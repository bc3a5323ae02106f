// JSON text: parsed or refused; a parsed document's canonical text parses to an equal one.
#include "fuzz.hpp"
#include "quarry/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  quarry::fuzz::parses_or_refuses([&] {
    const quarry::Json j = quarry::Json::parse(quarry::fuzz::text(data, size));
    quarry::fuzz::require(quarry::Json::parse(j.canonical()) == j,
                          "canonical() does not parse back");
  });
  return 0;
}
