// ISO dates, times and datetimes: parsed or refused; what parses round-trips.
#include "fuzz.hpp"
#include "quarry/datetime.hpp"

namespace {
template <class T>
void round_trip(std::string_view text) {
  quarry::fuzz::parses_or_refuses([&] {
    const T v = T::parse(text);
    quarry::fuzz::require(T::parse(v.to_string()) == v, "to_string() does not parse back");
  });
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto text = quarry::fuzz::text(data, size);
  round_trip<quarry::Date>(text);
  round_trip<quarry::Time>(text);
  round_trip<quarry::DateTime>(text);
  return 0;
}
