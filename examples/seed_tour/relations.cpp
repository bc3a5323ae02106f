// Sections 4, 5, 8.1 and 9 of the seed guide: relations without N+1.
#include <stdexcept>

#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

namespace {

// Fails the section when a claim about the number of queries does not hold.
void expect_queries(const QueryCapture& q, std::size_t n, const std::string& what) {
  if (q.count() != n) {
    throw std::runtime_error(what + ": " + std::to_string(q.count()) + " queries, expected " +
                             std::to_string(n));
  }
}

}  // namespace

void relations(Tour& t) {
  t.section("Setup: customers with orders, classrooms, assignments, authors and books", [] {
    std::vector<Customer> customers = {Customer{.name = "Ann", .email = "ann@example.com"},
                                       Customer{.name = "Bob", .email = "bob@example.com"}};
    objects<Customer>().bulk_create(customers);
    std::vector<Order> orders(3);
    const char* amounts[] = {"120.00", "35.00", "60.00"};
    for (std::size_t i = 0; i < orders.size(); ++i) {
      orders[i].customer = customers[i % 2];
      orders[i].amount = Decimal(amounts[i]);
    }
    Order::objects().bulk_create(orders);
    const Classroom room = objects<Classroom>().create(Classroom{.name = "Room 101"});
    objects<Student>().filter("course", "Math").update({{"classroom", room}});
    for (const Student& s : objects<Student>().filter("gpa__gte", 3.5)) {
      objects<Assignment>().create(Assignment{.student = s, .title = "Essay", .score = 90});
    }
    Author a = objects<Author>().create(Author{.name = "Ada"});
    Author g = objects<Author>().create(Author{.name = "Grace"});
    Book b1 = objects<Book>().create(Book{.title = "Engines"});
    Book b2 = objects<Book>().create(Book{.title = "Compilers"});
    b1.authors.add(a);
    b2.authors.add(a, g);
    return std::string("2 customers, 3 more orders, a classroom for Math, assignments, 2 books");
  });

  t.section("4. select_related: for order in Order.objects.all(): order.customer.name (N+1)", [] {
    QueryCapture q;
    const auto names = join(Order::objects().filter("customer__isnull", false).order_by({"id"}),
                            [](const Order& o) { return o.customer->name; });
    expect_queries(q, 4, "without select_related");
    return names + " -- " + std::to_string(q.count()) + " queries";
  });

  t.section("4. select_related: Order.objects.select_related('customer') (one query)", [] {
    QueryCapture q;
    const auto names = join(Order::objects()
                                .select_related("customer")
                                .filter("customer__isnull", false)
                                .order_by({"id"}),
                            [](const Order& o) { return o.customer->name; });
    expect_queries(q, 1, "with select_related");
    return names + " -- " + std::to_string(q.count()) + " query";
  });

  t.section("5. prefetch_related: for book in Book.objects.all(): book.authors.all() (N+1)", [] {
    QueryCapture q;
    const auto text = join(objects<Book>().all(), [](const Book& b) {
      return b.title + ": " + join(b.authors.all(), [](const Author& a) { return a.name; });
    });
    expect_queries(q, 3, "without prefetch_related");
    return text + " -- " + std::to_string(q.count()) + " queries";
  });

  t.section("5. prefetch_related: Book.objects.prefetch_related('authors') (two queries)", [] {
    QueryCapture q;
    const auto text = join(objects<Book>().prefetch_related("authors"), [](const Book& b) {
      return b.title + ": " + join(b.authors.all(), [](const Author& a) { return a.name; });
    });
    expect_queries(q, 2, "with prefetch_related");
    return text + " -- " + std::to_string(q.count()) + " queries";
  });

  t.section("8.1 Avoid N+1: a loop proved N+1 free (fetch mode Raise)", [] {
    FetchModeScope guard(FetchMode::Raise);
    std::string text =
        join(Order::objects().select_related("customer").filter("customer__name", "Ann"),
             [](const Order& o) { return o.customer->name; });
    try {
      (void)Order::objects().filter("customer__name", "Ann").first()->customer->name;
      text += "; without select_related: no error?";
    } catch (const FieldFetchBlocked& e) {
      text += "; without select_related: FieldFetchBlocked";
    }
    return text;
  });

  t.section(
      "8.1 Avoid N+1: lookups across relations (Customer.objects.filter(orders__amount__gt=50))",
      [] {
        return join(objects<Customer>().filter("orders__amount__gt", 50),
                    [](const Customer& c) { return c.name; });
      });

  t.section("9. The complex query: Q, Case/When, Count, select_related, prefetch_related", [] {
    QueryCapture q;
    const auto students = section9_students();
    const auto text = join(students, [](const Student& s) {
      return s.name + " $" + std::to_string(*s.scholarship) + " " +
             (s.classroom.is_null() ? "-" : s.classroom->name) + " " +
             std::to_string(s.assignments.all().size()) + " assignment(s)";
    });
    expect_queries(q, 2, "the complex query");
    return text;
  });
}

}  // namespace tour
