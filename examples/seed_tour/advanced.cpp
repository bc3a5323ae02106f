// The seed's advanced topics that quarry runs so far.
#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

void advanced(Tour& t) {
  t.section("Advanced 4. Index optimization: Meta.indexes = [Index(fields=['-created_at'])]", [&] {
    auto conn = t.db().acquire();
    return join(table_indexes(*conn, "shop_order"),
                [](const IndexInfo& i) { return i.name + (i.descending.at(0) ? " (DESC)" : ""); });
  });

  t.section("Advanced 5. defer()/only(): Student.objects.defer('nickname')", [] {
    const auto s = objects<Student>().defer({"nickname"}).first();
    return s->name +
           ", deferred: " + join(s->state.deferred, [](const std::string& f) { return f; });
  });

  t.section("Advanced 6. Transactions: with transaction.atomic(): ... save()", [] {
    const int64_t id = Order::objects().first()->id;
    {
      auto tx = atomic("default");
      Order o = Order::objects().select_for_update().get("id", id);
      o.amount += Decimal("100");
      save(o);
      tx.commit();
    }
    return "order " + std::to_string(id) + " amount now " +
           Order::objects().get("id", id).amount.to_string();
  });

  t.section("Advanced 8. Bulk: Order.objects.filter(status='pending').update(status='processed')",
            [] {
              const int64_t n =
                  Order::objects().filter("status", "pending").update({{"status", "processed"}});
              return std::to_string(n) + " orders processed";
            });

  t.section("Advanced 9. Query inspection: queryset.query",
            [] { return Order::objects().filter("amount__gt", 100).sql().str(); });
}

}  // namespace tour
