// Decimal text: parsed or refused; what parses prints back to a text that parses to the
// same value.
#include "fuzz.hpp"
#include "quarry/decimal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto text = quarry::fuzz::text(data, size);
  const std::optional<quarry::Decimal> d = quarry::Decimal::parse(text);
  quarry::fuzz::parses_or_refuses([&] {
    const quarry::Decimal thrown(text);
    quarry::fuzz::require(d.has_value(), "the constructor took what parse() refused");
  });
  if (d) {
    const std::optional<quarry::Decimal> back = quarry::Decimal::parse(d->to_string());
    quarry::fuzz::require(back && *back == *d, "to_string() does not parse back to the value");
  }
  return 0;
}
