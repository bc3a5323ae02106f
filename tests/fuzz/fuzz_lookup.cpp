// Lookup paths ("customer__name__icontains") and order_by() text, resolved against the
// seed's models: a path resolves or is refused with a quarry error, before any database.
#include "fuzz.hpp"
#include "seed/models.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace quarry;
  const std::string path(fuzz::text(data, size));
  fuzz::parses_or_refuses([&] { objects<seed::Order>().filter(path, 1); });
  fuzz::parses_or_refuses([&] { objects<seed::Student>().filter(Q(path, "x") | Q("name", 1)); });
  fuzz::parses_or_refuses([&] { objects<seed::Student>().order_by({path}); });
  fuzz::parses_or_refuses([&] { objects<seed::Customer>().values({path}); });
  fuzz::parses_or_refuses([&] { objects<seed::Student>().annotate(path, Value(1)); });
  return 0;
}
