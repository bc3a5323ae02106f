// The seed's "Advanced Django ORM & Database Optimization Topics".
#include <stdexcept>
#include <thread>
#include <vector>

#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

void advanced(Tour& t) {
  t.section("Advanced 1. Subquery & OuterRef: annotate(latest_order_amount=Subquery(...[:1]))", [] {
    const auto latest = Order::objects()
                            .filter("customer", OuterRef("pk"))
                            .order_by({"-created_at", "-id"})
                            .values({"amount"})
                            .limit(1);
    const auto customers =
        objects<Customer>().annotate("latest_order_amount", Subquery(latest)).annotated();
    return join(customers, [](const auto& row) {
      return row.first.name + " " + row.second["latest_order_amount"].repr();
    });
  });

  t.section("Advanced 2. Exists(): annotate(has_orders=Exists(orders)), filter(~Exists(...))", [] {
    const auto orders = Order::objects().filter("customer", OuterRef("pk"));
    objects<Customer>().create(Customer{.name = "Cy", .email = "cy@example.com"});
    const std::string flagged =
        join(objects<Customer>().values({"name"}).annotate("has_orders", Exists(orders)),
             [](const Record& r) { return r.repr(); });
    const std::string without =
        join(objects<Customer>().filter(~Exists(orders)), [](const Customer& c) { return c.name; });
    return flagged + "; without orders: " + without;
  });

  t.section("Advanced 3. Window: rank=Window(Rank(), order_by=F('total_amount').desc())", [] {
    const auto ranked =
        objects<Customer>()
            .annotate({{"total_amount", Sum("orders__amount", {.default_value = Decimal("0")})},
                       {"rank", Window(Rank(), {.order_by = {F("total_amount").desc()}})}})
            .order_by({"rank", "name"})
            .annotated();
    return join(ranked, [](const auto& row) {
      return std::to_string(row.second.template get<int64_t>("rank")) + ". " + row.first.name +
             " " + row.second["total_amount"].repr();
    });
  });

  t.section("Advanced 3. Window: a row number per course by GPA (PARTITION BY)", [] {
    const auto rows =
        objects<Student>()
            .values({"course", "name"})
            .annotate("n", Window(RowNumber(), {.partition_by = {"course"}, .order_by = {"-gpa"}}))
            .order_by({"course", "n"});
    return join(rows, [](const Record& r) {
      return r.get<std::string>("course") + " #" + std::to_string(r.get<int64_t>("n")) + " " +
             r.get<std::string>("name");
    });
  });

  t.section("Advanced 3. Window: a running total of orders by date (ROWS frame)", [] {
    const auto rows =
        Order::objects()
            .values({"id", "amount"})
            .annotate("running", Window(Sum("amount"), {.order_by = {"created_at", "id"},
                                                        .frame = RowRange(std::nullopt, 0)}))
            .order_by({"created_at", "id"});
    return join(rows,
                [](const Record& r) { return r["amount"].repr() + " -> " + r["running"].repr(); });
  });

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

  t.section("Advanced 6. select_for_update(): with transaction.atomic(): ... order.save()", [] {
    const int64_t id = Order::objects().first()->id;
    {
      auto tx = atomic("default");  // commits at the end of the scope
      Order order = Order::objects().select_for_update().get("id", id);
      order.amount += Decimal("100");
      save(order);
    }
    return "order " + std::to_string(id) + " amount now " +
           Order::objects().get("id", id).amount.to_string() + " (" +
           (database().dialect().features().has("has_select_for_update")
                ? "the row was locked until COMMIT"
                : "SQLite: the block began IMMEDIATE, writers took turns") +
           ")";
  });

  t.section("Advanced 6. Concurrent increments: 4 threads x 25, select_for_update in atomic", [] {
    const int64_t id = Order::objects().first()->id;
    const Decimal before = Order::objects().get("id", id).amount;
    // One request's work spread over threads: they share one read-your-writes scope, so
    // the read of the total below sees their writes also where a replica serves reads.
    ReadYourWrites request;
    const auto bound = request.bind();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([id, &request] {
        const auto bound = request.bind();
        for (int i = 0; i < 25; ++i) {
          atomic([&] {
            Order o = Order::objects().select_for_update().get("id", id);
            o.amount += Decimal("1");
            save(o, {.update_fields = {"amount"}});
          });
        }
      });
    }
    for (auto& th : threads) th.join();
    const Decimal after = Order::objects().get("id", id).amount;
    if (after - before != Decimal("100")) throw std::runtime_error("lost an update");
    return before.to_string() + " + 100 increments = " + after.to_string() + ", none lost";
  });

  t.section("Advanced 7. Iterators: for customer in Customer.objects.iterator(chunk_size=2000)",
            [] {
              int n = 0;
              std::string names;
              for (const Customer& c : objects<Customer>().iterator(2000)) {
                names += (n++ ? ", " : "") + c.name;
              }
              return std::to_string(n) + " customers streamed, at most 2000 in memory: " + names;
            });

  t.section("Advanced 8. Bulk: Order.objects.filter(status='pending').update(status='processed')",
            [] {
              const int64_t n =
                  Order::objects().filter("status", "pending").update({{"status", "processed"}});
              return std::to_string(n) + " orders processed";
            });

  t.section("Advanced 9. Query inspection: queryset.query",
            [] { return Order::objects().filter("amount__gt", 100).sql().str(); });

  t.section("Advanced 9. explain(): Order.objects.filter(amount__gt=100).explain()",
            [] { return Order::objects().filter("amount__gt", 100).explain(); });

  t.section("Advanced 10. CTE: With(Order.objects.filter(amount__gt=100)).join(Customer, ...)", [] {
    With big(Order::objects().filter("amount__gt", 100), "big_orders");
    const auto rows = big.join(objects<Customer>(), "id", "customer_id")
                          .annotate("amount", big.col("amount"))
                          .annotated();
    return join(rows,
                [](const auto& row) { return row.first.name + " " + row.second["amount"].repr(); });
  });

  t.section("Advanced 10. Recursive CTE: the category tree with each node's depth and path", [] {
    const Category books = objects<Category>().create(Category{.name = "Books"});
    const Category fiction =
        objects<Category>().create(Category{.name = "Fiction", .parent = books});
    objects<Category>().create(Category{.name = "Crime", .parent = fiction});
    objects<Category>().create(Category{.name = "Poetry", .parent = books});
    const With tree = category_tree();
    return join(tree.queryset().order_by({"path"}), [](const Record& r) {
      return r.get<std::string>("path") + " (depth " + std::to_string(r.get<int64_t>("depth")) +
             ")";
    });
  });
}

}  // namespace tour
