// The seed guide's models in C++, declared once for the seed tour, the full working
// example and the tests: Student (sections 1-3 and 6-9), and the Manager document's
// Product with its QuerySet and Manager (sections 4-7 and 12), User (8.1, soft delete),
// Order (8.2, aggregations; advanced 4, indexes), the search manager (8.3) and
// tenant-scoped Note (8.4, multi-tenancy).
#pragma once

#include <optional>
#include <string>

#include "quarry/quarry.hpp"

namespace seed {

using namespace quarry;

// ---- Classroom, Student and Assignment (sections 4, 5 and 9) -------------------------

struct Student;
struct Assignment;

struct Classroom {
  int64_t id = 0;
  std::string name{};
  Many<Student> students{};  // reverse of Student.classroom
};

inline void quarry_model(ModelDef<Classroom>& m) {
  m.table("classroom");
  m.field("id", &Classroom::id, BigAutoField());
  m.field("name", &Classroom::name, CharField(100));
  m.reverse("students", &Classroom::students);
}

struct Student {
  int64_t id = 0;
  std::string name{};
  std::string course{};
  double gpa = 0;
  int32_t marks = 0;
  int32_t extra_credit = 0;
  std::optional<std::string> nickname{};
  std::optional<Date> enrolled_on{};
  std::optional<DateTime> last_seen{};
  DateTime created_at{};
  Ref<Classroom> classroom{};          // NULL when unassigned
  Many<Assignment> assignments{};      // reverse of Assignment.student
  Many<Assignment> top_assignments{};  // the same relation, for Prefetch(..., to_attr)
  // Filled when a query annotates "scholarship" (section 9) or "course_count".
  std::optional<int64_t> scholarship{};
  std::optional<int64_t> course_count{};
  // Django's _state: lets only()/defer() load fields on first touch.
  ModelState state{};
};

inline void quarry_model(ModelDef<Student>& m) {
  m.table("student");
  m.field("id", &Student::id, BigAutoField());
  m.field("name", &Student::name, CharField(200).db_index());
  m.field(
      "course", &Student::course,
      CharField(100).choices({{"Math", "Mathematics"}, {"Science", "Science"}, {"Art", "Art"}}));
  m.field("gpa", &Student::gpa, FloatField().default_value(0.0));
  m.field("marks", &Student::marks, IntegerField());
  m.field("extra_credit", &Student::extra_credit, IntegerField());
  m.field("nickname", &Student::nickname, CharField(50));
  m.field("enrolled_on", &Student::enrolled_on, DateField());
  m.field("last_seen", &Student::last_seen, DateTimeField());
  m.field("created_at", &Student::created_at, DateTimeField().auto_now_add());
  m.field("classroom", &Student::classroom,
          ForeignKey<Classroom>(OnDelete::SetNull).null().related_name("students"));
  m.reverse("assignments", &Student::assignments);
  m.reverse("top_assignments", &Student::top_assignments);
  m.annotation("scholarship", &Student::scholarship);
  m.annotation("course_count", &Student::course_count);
  m.state(&Student::state);
  m.ordering({"name"});
  m.index(Index({"course", "-gpa"}));
  m.constraint(CheckConstraint{Q("gpa__gte", 0) & Q("gpa__lte", 4), "student_gpa_range"});
}

struct Assignment {
  int64_t id = 0;
  Ref<Student> student{};
  std::string title{};
  int32_t score = 0;
};

inline void quarry_model(ModelDef<Assignment>& m) {
  m.table("assignment");
  m.field("id", &Assignment::id, BigAutoField());
  m.field("student", &Assignment::student,
          ForeignKey<Student>(OnDelete::Cascade).related_name("assignments"));
  m.field("title", &Assignment::title, CharField(200));
  m.field("score", &Assignment::score, IntegerField());
  m.ordering({"id"});
}

// ---- Product, with its QuerySet and Manager (the seed's full working example) ---------

struct ProductManager;

struct Product {
  int64_t id = 0;
  std::string name{};
  Decimal price{};
  DateTime created_at{};
  bool is_active = true;

  static ProductManager objects();
  static Manager<Product> all_objects() { return {}; }
};

inline void quarry_model(ModelDef<Product>& m) {
  m.table("product");
  m.field("id", &Product::id, BigAutoField());
  m.field("name", &Product::name, CharField(100));
  m.field("price", &Product::price, DecimalField(10, 2));
  m.field("created_at", &Product::created_at, DateTimeField().auto_now_add());
  m.field("is_active", &Product::is_active, BooleanField().default_value(true));
}

struct ProductQuerySet : QuerySet<Product, ProductQuerySet> {
  using QuerySet::QuerySet;
  ProductQuerySet active() const { return filter("is_active", true); }
  ProductQuerySet expensive() const { return filter("price__gte", 500); }
  ProductQuerySet created_this_week() const {
    return filter("created_at__gte", DateTime::now() - std::chrono::days(7));
  }
};

struct ProductManager : Manager<Product, ProductQuerySet, ProductManager> {
  // The seed's ProductManager keeps every row and adds shortcuts; the search manager
  // (8.3) is here too.
  ProductQuerySet search(const std::string& text) const { return filter("name__icontains", text); }
};

inline ProductManager Product::objects() {
  return {};
}

// ---- User: the soft-delete pattern (8.1) -----------------------------------------------

struct SoftDeleteManager;

struct User {
  int64_t id = 0;
  std::string name{};
  bool is_deleted = false;

  static SoftDeleteManager objects();
  static Manager<User> all_objects() { return {}; }
};

inline void quarry_model(ModelDef<User>& m) {
  m.table("app_user");
  m.field("id", &User::id, BigAutoField());
  m.field("name", &User::name, CharField(100));
  m.field("is_deleted", &User::is_deleted, BooleanField().default_value(false));
  // delete() marks the row instead of removing it.
  m.on_remove([](User& u) {
    u.is_deleted = true;
    save(u);
  });
}

struct SoftDeleteManager : Manager<User, QuerySet<User>, SoftDeleteManager> {
  static QuerySet<User> get_queryset() {
    return Manager::get_queryset().filter("is_deleted", false);
  }
};

inline SoftDeleteManager User::objects() {
  return {};
}

// ---- Customer and Order: select_related (section 4), a manager for aggregations (8.2) ---

struct Order;
struct OrderManager;

struct Customer {
  int64_t id = 0;
  std::string name{};
  std::string email{};
  Many<Order> orders{};  // reverse of Order.customer
};

inline void quarry_model(ModelDef<Customer>& m) {
  m.table("customer");
  m.field("id", &Customer::id, BigAutoField());
  m.field("name", &Customer::name, CharField(100));
  m.field("email", &Customer::email, CharField(200));
  m.reverse("orders", &Customer::orders);
  m.ordering({"name"});
}

struct Order {
  int64_t id = 0;
  Ref<Customer> customer{};
  Decimal amount{};
  std::string status = "pending";
  DateTime created_at{};
  DateTime updated_at{};

  static OrderManager objects();
};

inline void quarry_model(ModelDef<Order>& m) {
  m.table("shop_order");
  m.field("id", &Order::id, BigAutoField());
  m.field("customer", &Order::customer,
          ForeignKey<Customer>(OnDelete::Cascade).null().related_name("orders"));
  m.field("amount", &Order::amount, DecimalField(10, 2));
  m.field("status", &Order::status,
          CharField(20).db_index().default_value("pending").choices(
              {{"pending", "Pending"}, {"paid", "Paid"}, {"processed", "Processed"}}));
  m.field("created_at", &Order::created_at, DateTimeField().auto_now_add());
  m.field("updated_at", &Order::updated_at, DateTimeField().auto_now());
  m.index(Index({"-created_at"}).name("order_latest_idx"));
}

struct OrderManager : Manager<Order, QuerySet<Order>, OrderManager> {
  // The seed: aggregate(total=Sum("amount"))["total"] or 0.
  Decimal total_revenue() const {
    const Value total = aggregate({{"total", Sum("amount")}})["total"];
    return total.is_null() ? Decimal(0) : total.as<Decimal>();
  }
};

inline OrderManager Order::objects() {
  return {};
}

// ---- Note: multi-tenancy (8.4) ---------------------------------------------------------

// The tenant of the request being served on this thread.
inline std::optional<int64_t>& current_tenant() {
  thread_local std::optional<int64_t> tenant;
  return tenant;
}

struct TenantManager;

struct Note {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string text{};

  static TenantManager objects();
  static Manager<Note> all_objects() { return {}; }
};

inline void quarry_model(ModelDef<Note>& m) {
  m.table("tenant_note");
  m.field("id", &Note::id, BigAutoField());
  m.field("tenant_id", &Note::tenant_id, BigIntegerField().db_index());
  m.field("text", &Note::text, TextField());
}

struct TenantQuerySet : QuerySet<Note, TenantQuerySet> {
  using QuerySet::QuerySet;
  TenantQuerySet for_tenant(int64_t tenant) const { return filter("tenant_id", tenant); }
};

struct TenantManager : Manager<Note, TenantQuerySet, TenantManager> {
  // Scoped to the current tenant when the query is made; no tenant means no rows.
  static TenantQuerySet get_queryset() {
    const auto tenant = current_tenant();
    return tenant ? Manager::get_queryset().for_tenant(*tenant) : Manager::get_queryset().none();
  }
};

inline TenantManager Note::objects() {
  return {};
}

// ---- Author and Book: many-to-many (section 5) ---------------------------------------

struct Book;

struct Author {
  int64_t id = 0;
  std::string name{};
  Many<Book> books{};  // reverse of Book.authors
};

inline void quarry_model(ModelDef<Author>& m) {
  m.table("author");
  m.field("id", &Author::id, BigAutoField());
  m.field("name", &Author::name, CharField(100));
  m.reverse("books", &Author::books);
  m.ordering({"name"});
}

struct Book {
  int64_t id = 0;
  std::string title{};
  Many<Author> authors{};  // through the automatic table "book_authors"
};

inline void quarry_model(ModelDef<Book>& m) {
  m.table("book");
  m.field("id", &Book::id, BigAutoField());
  m.field("title", &Book::title, CharField(200));
  m.field("authors", &Book::authors, ManyToManyField<Author>().related_name("books"));
  m.ordering({"title"});
}

// ---- Category: a tree (a relation of a model to itself) --------------------------------

struct Category {
  int64_t id = 0;
  std::string name{};
  Ref<Category> parent{};     // NULL at the root
  Many<Category> children{};  // reverse of parent
};

inline void quarry_model(ModelDef<Category>& m) {
  m.table("category");
  m.field("id", &Category::id, BigAutoField());
  m.field("name", &Category::name, CharField(100));
  m.field("parent", &Category::parent,
          ForeignKey<Category>(OnDelete::Cascade).null().related_name("children"));
  m.reverse("children", &Category::children);
  m.ordering({"name"});
}

// ---- the seed's section 9 -------------------------------------------------------------

// Students in Math with a GPA over 3.5 or in Science over 3.8, with their scholarship
// and course count, their classroom (joined) and assignments (prefetched): two queries.
inline QuerySet<Student> section9_students() {
  return objects<Student>()
      .filter(Q({{"course", "Math"}, {"gpa__gt", 3.5}}) |
              Q({{"course", "Science"}, {"gpa__gt", 3.8}}))
      .annotate({{"scholarship", Case({When(Q("gpa__gte", 3.8), Value(1000)),
                                       When(Q("gpa__gte", 3.5), Value(500))},
                                      Value(0), IntegerField())},
                 {"course_count", Count("course")}})
      .select_related("classroom")
      .prefetch_related("assignments");
}

// ---- the seed's advanced section 10 -------------------------------------------------------

// The category tree as a recursive CTE: every category with its depth (0 at a root) and
// its path from the root ("Books/Fiction/Crime"). Shared by the tour, the tests and docs.
inline With category_tree(const std::string& alias = "default") {
  return With::recursive("tree", [&](const With& self) {
    return objects<Category>()
        .using_(alias)
        .filter("parent__isnull", true)
        .values({"id", "name"})
        .annotate({{"depth", Value(0)}, {"path", Cast("name", TextField())}})
        .union_(self.join(objects<Category>().using_(alias), "parent", "id")
                    .values({"id", "name"})
                    .annotate({{"depth", self.col("depth") + 1},
                               {"path", Concat({self.col("path"), Value("/"), "name"})}}),
                true);  // UNION ALL
  });
}

// ---- every table of the seed -------------------------------------------------------------

inline void create_seed_tables(const std::string& alias = "default") {
  create_tables<Classroom, Student, Assignment, Product, User, Customer, Order, Note, Author, Book,
                Category>(alias);
}
inline void drop_seed_tables(const std::string& alias = "default") {
  drop_tables<Classroom, Student, Assignment, Product, User, Customer, Order, Note, Author, Book,
              Category>(alias);
}

}  // namespace seed
