#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

void setup(Tour& t) {
  t.section("Setup: the engine plugin, loaded at run time", [&] {
    Database& db = t.db();
    return db.engine().name() + " plugin " + db.engine().version() + " (plugin ABI " +
           std::to_string(db.engine().abi_major()) + "." + std::to_string(db.engine().abi_minor()) +
           ") from " + db.engine().path() + "; server " + db.dialect().server_version();
  });

  t.section("Setup: the seed's models become tables (idempotent DDL)", [&] {
    drop_seed_tables();
    create_seed_tables();
    return std::string(
        "classroom, student, assignment, product, app_user, customer, shop_order, tenant_note, "
        "author, book, book_authors, category");
  });

  t.section("Setup: sample students, products, users and orders (bulk_create)", [&] {
    auto student = [](std::string name, std::string course, double gpa, int marks, int extra) {
      Student s;
      s.name = std::move(name);
      s.course = std::move(course);
      s.gpa = gpa;
      s.marks = marks;
      s.extra_credit = extra;
      return s;
    };
    std::vector<Student> students = {
        student("Ann", "Math", 3.7, 88, 5),     student("Bob", "Math", 3.4, 72, 10),
        student("Cid", "Science", 3.85, 91, 0), student("Dee", "Science", 3.6, 80, 3),
        student("Eve", "Art", 2.9, 65, 12),     student("Fay", "Math", 3.55, 79, 7)};
    objects<Student>().bulk_create(students);
    std::vector<Product> products = {
        Product{.name = "Laptop", .price = Decimal("999.99")},
        Product{.name = "Laptop stand", .price = Decimal("39.90")},
        Product{.name = "Monitor", .price = Decimal("549.00")},
        Product{.name = "Old phone", .price = Decimal("120.00"), .is_active = false}};
    Product::all_objects().bulk_create(products);
    std::vector<User> users = {User{.name = "alice"}, User{.name = "bob"}};
    User::all_objects().bulk_create(users);
    std::vector<Order> orders = {Order{.amount = Decimal("25.50")},
                                 Order{.amount = Decimal("99.95")},
                                 Order{.amount = Decimal("10.00"), .status = "paid"}};
    Order::objects().bulk_create(orders);
    return std::to_string(students.size()) + " students (ids " +
           join(students, [](const Student& s) { return std::to_string(s.id); }) + "), " +
           std::to_string(products.size()) + " products, 2 users, 3 orders";
  });
}

void teardown(Tour& t) {
  t.section("Teardown: drop the tables", [&] {
    drop_seed_tables();
    return std::string("dropped");
  });
}

}  // namespace tour
