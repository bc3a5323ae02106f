// The seed's Manager document.
#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

namespace {
std::string product_names(const auto& qs) {
  return join(qs, [](const Product& p) { return p.name; });
}
}  // namespace

void managers(Tour& t) {
  t.section("Managers 3. Default manager: Product.objects.all()",
            [] { return product_names(objects<Product>().order_by({"id"})); });

  t.section("Managers 4. Custom manager method: Product.objects.active()",
            [] { return product_names(Product::objects().active().order_by({"id"})); });

  t.section("Managers 5. get_queryset() filtering by default: User.objects (is_deleted=False)",
            [] { return std::to_string(User::objects().count()) + " users"; });

  t.section("Managers 6. Custom QuerySet + Manager: Product.objects.active().expensive()",
            [] { return product_names(Product::objects().active().expensive().order_by({"id"})); });

  t.section("Managers 7. Several managers: Product.objects vs Product.all_objects", [] {
    return std::to_string(Product::objects().active().count()) + " active / " +
           std::to_string(Product::all_objects().count()) + " in all";
  });

  t.section("Managers 8.1 Soft delete: user.delete() marks is_deleted", [] {
    User alice = User::objects().get("name", "alice");
    remove(alice);
    return "objects: " + std::to_string(User::objects().count()) +
           ", all_objects: " + std::to_string(User::all_objects().count()) + ", alice.is_deleted=" +
           (User::all_objects().get("name", "alice").is_deleted ? "true" : "false");
  });

  t.section("Managers 8.2 Aggregations: Order.objects.total_revenue()",
            [] { return Order::objects().total_revenue().to_string(); });

  t.section("Managers 8.3 Search: Product.objects.search('laptop')",
            [] { return product_names(Product::objects().search("laptop").order_by({"id"})); });

  t.section("Managers 8.4 Multi-tenancy: TenantManager scopes to the current tenant", [] {
    for (int64_t tenant : {1, 1, 2})
      Note::all_objects().create({{"tenant_id", tenant}, {"text", "hello"}});
    current_tenant() = 1;
    const int64_t one = Note::objects().count();
    current_tenant() = 2;
    const int64_t two = Note::objects().count();
    current_tenant().reset();
    return "tenant 1 sees " + std::to_string(one) + ", tenant 2 sees " + std::to_string(two) +
           ", no tenant sees " + std::to_string(Note::objects().count());
  });

  t.section("Managers 12. Full working example: created_this_week() and the seed's test", [] {
    Product::objects().create({{"name", "A"}, {"price", 100}, {"is_active", true}});
    Product::objects().create({{"name", "B"}, {"price", 200}, {"is_active", false}});
    return "created this week: " + std::to_string(Product::objects().created_this_week().count()) +
           "; objects.filter(name__in=[A, B]).active(): " +
           std::to_string(Product::objects()
                              .filter("name__in", std::vector<std::string>{"A", "B"})
                              .active()
                              .count()) +
           "; all_objects: " +
           std::to_string(Product::all_objects()
                              .filter("name__in", std::vector<std::string>{"A", "B"})
                              .count());
  });
}

}  // namespace tour
