// The seed's "Full Working Example": Product with ProductQuerySet and ProductManager
// (seed/models.hpp), the admin's use of all_objects, and its tests.py, as a program.
//
//   full_working_example [CONFIG]      (configs/sqlite.yaml by default)
#include <iostream>

#include "seed/models.hpp"

using namespace quarry;
using seed::Product;

namespace {
int failures = 0;
void expect(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  failures += !ok;
}
}  // namespace

int main(int argc, char** argv) {
  configure(argc > 1 ? argv[1] : "configs/sqlite.yaml");
  drop_tables<Product>();
  create_tables<Product>();

  // tests.py: test_active_manager
  Product::objects().create({{"name", "A"}, {"price", 100}, {"is_active", true}});
  Product::objects().create({{"name", "B"}, {"price", 200}, {"is_active", false}});
  // The seed asserts Product.objects.count() == 1; its ProductManager filters nothing,
  // so Django itself counts 2 there. The active products are objects.active().
  expect(Product::objects().count() == 2, "Product.objects.count() == 2 (as Django gives)");
  expect(Product::objects().active().count() == 1, "Product.objects.active().count() == 1");
  expect(Product::all_objects().count() == 2, "Product.all_objects.count() == 2");

  // The QuerySet methods, on the manager and chained.
  Product::objects().create({{"name", "C"}, {"price", 750}});
  expect(Product::objects().expensive().count() == 1, "Product.objects.expensive() finds C");
  expect(Product::objects().active().expensive().first()->name == "C",
         "active().expensive() chains");
  expect(Product::objects().created_this_week().count() == 3, "created_this_week() sees all three");

  // admin.py: the admin lists every product through all_objects.
  std::cout << "admin list:";
  for (const Product& p : Product::all_objects().order_by({"name"})) std::cout << " " << p.name;
  std::cout << "\n";

  drop_tables<Product>();
  std::cout << (failures ? "full working example: failures\n"
                         : "full working example: all passed\n");
  return failures ? 1 : 0;
}
