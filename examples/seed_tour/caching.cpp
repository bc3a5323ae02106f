// Advanced topic 12, "Caching Strategies": the seed's get_top_customers(), whose Django
// version caches a list by hand under a key it names and never invalidates. Here the
// queryset says cache(600s) and the alias's `cache:` (configs/sqlite.yaml: in memory;
// configs/cache.yaml: Redis) keeps its rows until a write changes a table it read.
#include <chrono>
#include <stdexcept>

#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;
using namespace std::chrono_literals;

namespace {

// The seed's get_top_customers(): the ten customers with the most ordered.
std::vector<std::pair<Customer, Record>> get_top_customers() {
  return objects<Customer>()
      .annotate("total", Sum("orders__amount", {.default_value = Decimal("0")}))
      .order_by({"-total", "name"})
      .slice(0, 10)
      .cache(600s)
      .annotated();
}

std::string top_list() {
  return join(get_top_customers(), [](const auto& row) {
    return row.first.name + " " + row.second.template get<Decimal>("total").to_string();
  });
}

std::string reads(const QueryCapture& log) {
  return log.cache_hits() ? "from the cache, no query"
                          : std::to_string(log.count()) + " query to the database";
}

}  // namespace

void caching(Tour& t) {
  if (!t.db().query_cache()) {
    t.section("12. Caching: get_top_customers()", [] {
      return std::string(
          "this config gives the alias no cache: (configs/sqlite.yaml and "
          "configs/cache.yaml do), so cache() reads the database each time");
    });
    return;
  }
  // Each read must come from where the title says, or the tour fails.
  const auto step = [&](const std::string& title, bool hit) {
    t.section(title, [hit] {
      QueryCapture log;
      const std::string top = top_list();
      if ((log.cache_hits() == 1 && log.count() == 0) != hit) {
        throw std::runtime_error("get_top_customers(): expected a cache " +
                                 std::string(hit ? "hit" : "miss") + ", got " + reads(log));
      }
      return top + "  (" + reads(log) + ")";
    });
  };
  step("12. Caching: get_top_customers(), a miss", false);
  step("12. Caching: get_top_customers() again, a hit", true);
  t.section("12. Caching: a write to a table it read", [] {
    const Customer bob = objects<Customer>().get("name", "Bob");
    Order big;
    big.customer = bob;
    big.amount = Decimal("5000.00");
    Order::objects().create(big);
    return std::string("Bob ordered 5000.00: shop_order's generation moved");
  });
  step("12. Caching: get_top_customers() after the write, a miss again", false);
  t.section("12. Caching: what the cache did", [&] {
    const CacheStats s = cache_stats(t.db().alias());
    return std::to_string(s.hits) + " hit, " + std::to_string(s.misses) + " misses, " +
           std::to_string(s.fills) + " fills, " + std::to_string(s.invalidations) +
           " invalidations, " + std::to_string(s.errors) + " errors";
  });
}

}  // namespace tour
