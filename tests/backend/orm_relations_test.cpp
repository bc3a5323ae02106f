// Relations on a live backend: the rows each query gives and how many queries it took
// (N+1 without select_related, 1 with; 2 for prefetch_related), lookups across
// relations (join rows, as Django's), many-to-many writes, fetch modes.
#include <algorithm>
#include <map>
#include <set>

#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using namespace seed;

// A OneToOneField, and a ManyToManyField through a model of its own.
struct Profile {
  int64_t id = 0;
  Ref<Customer> customer{};
  std::string bio{};
};
inline void quarry_model(ModelDef<Profile>& m) {
  m.table("qt_profile");
  m.field("id", &Profile::id, BigAutoField());
  m.field("customer", &Profile::customer,
          OneToOneField<Customer>(OnDelete::Cascade).related_name("profile"));
  m.field("bio", &Profile::bio, CharField(100));
}

struct Club;
struct Membership {
  int64_t id = 0;
  Ref<Club> club{};
  Ref<Author> member{};
  std::optional<std::string> role{};
};
struct Club {
  int64_t id = 0;
  std::string name{};
  Many<Author> members{};
};
inline void quarry_model(ModelDef<Club>& m) {
  m.table("qt_club");
  m.field("id", &Club::id, BigAutoField());
  m.field("name", &Club::name, CharField(50));
  m.field("members", &Club::members,
          ManyToManyField<Author, Membership>("club", "member").related_name("clubs"));
}
inline void quarry_model(ModelDef<Membership>& m) {
  m.table("qt_membership");
  m.field("id", &Membership::id, BigAutoField());
  m.field("club", &Membership::club, ForeignKey<Club>(OnDelete::Cascade));
  m.field("member", &Membership::member, ForeignKey<Author>(OnDelete::Cascade));
  m.field("role", &Membership::role, CharField(20));
}

class Relations : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    // Customers Ann (3 orders), Bob (1), Cid (none); one order with no customer.
    for (const char* name : {"Ann", "Bob", "Cid"}) {
      customers_.push_back(objects<Customer>().create(
          Customer{.name = name, .email = std::string(name) + "@example.com"}));
    }
    const auto order = [&](int customer, const char* amount, const char* status) {
      Order o;
      if (customer >= 0) o.customer = customers_[customer];
      o.amount = Decimal(amount);
      o.status = status;
      orders_.push_back(Order::objects().create(o));
    };
    order(0, "120.00", "paid");
    order(0, "80.00", "pending");
    order(0, "150.00", "pending");
    order(1, "40.00", "paid");
    order(-1, "5.00", "pending");
  }

  void TearDown() override {
    if (ready_) drop_tables<Profile, Club, Membership>();  // they point at seed tables
    OrmTest::TearDown();
  }

  std::vector<Customer> customers_;
  std::vector<Order> orders_;
};

TEST_F(Relations, AForeignKeyHoldsItsKeyAndReadsItsObjectOnce) {
  Order o = Order::objects().get("pk", orders_[0].id);
  EXPECT_EQ(o.customer.id(), customers_[0].id);
  EXPECT_FALSE(o.customer.loaded());
  QueryCapture q;
  EXPECT_EQ(o.customer->name, "Ann");               // read now: one query, in the log
  EXPECT_EQ(o.customer->email, "Ann@example.com");  // and not again
  ASSERT_EQ(q.count(), 1u);
  EXPECT_NE(q.queries()[0].sql.find("customer"), std::string::npos);
  // An order without a customer: NULL, and no query to find that out.
  Order none = Order::objects().get("pk", orders_[4].id);
  q.clear();
  EXPECT_TRUE(none.customer.is_null());
  EXPECT_THROW(none.customer.get(), DoesNotExist);
  EXPECT_EQ(q.count(), 0u);
}

TEST_F(Relations, TheSeedLoopIsNPlusOneWithoutSelectRelatedAndOneQueryWithIt) {
  std::vector<std::string> without, with;
  {
    QueryCapture q;
    for (const Order& o : Order::objects().filter("customer__isnull", false).order_by({"id"})) {
      without.push_back(o.customer->name);
    }
    EXPECT_EQ(q.count(), 1u + orders_.size() - 1);  // the orders, then each customer
  }
  {
    QueryCapture q;
    for (const Order& o : Order::objects()
                              .select_related("customer")
                              .filter("customer__isnull", false)
                              .order_by({"id"})) {
      EXPECT_TRUE(o.customer.loaded());
      with.push_back(o.customer->name);
    }
    EXPECT_EQ(q.count(), 1u);
  }
  EXPECT_EQ(without, (std::vector<std::string>{"Ann", "Ann", "Ann", "Bob"}));
  EXPECT_EQ(with, without);
  // A NULL ForeignKey joins nothing and the order is still there.
  const auto all = Order::objects().select_related("customer").order_by({"id"}).list();
  ASSERT_EQ(all.size(), orders_.size());
  EXPECT_TRUE(all.back().customer.is_null());
  EXPECT_FALSE(all.back().customer.loaded());
}

TEST_F(Relations, NestedSelectRelatedHangsEachObjectOnItsParent) {
  const Classroom room = objects<Classroom>().create(Classroom{.name = "Room 1"});
  Student ann{.name = "Ann", .course = "Math", .gpa = 3.9};
  ann.classroom = room;
  ann = objects<Student>().create(ann);
  const Student bob = objects<Student>().create(Student{.name = "Bob", .course = "Art", .gpa = 3});
  objects<Assignment>().create(Assignment{.student = ann, .title = "A1", .score = 95});
  objects<Assignment>().create(Assignment{.student = bob, .title = "B1", .score = 70});
  QueryCapture q;
  const auto rows =
      objects<Assignment>().select_related("student__classroom").order_by({"id"}).list();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].student->name, "Ann");
  EXPECT_EQ(rows[0].student->classroom->name, "Room 1");
  EXPECT_EQ(rows[1].student->name, "Bob");
  EXPECT_TRUE(rows[1].student->classroom.is_null());
  EXPECT_EQ(q.count(), 1u);
}

TEST_F(Relations, LookupsAcrossRelationsForwardAndReverse) {
  const auto names = [](const auto& qs) {
    std::vector<std::string> out;
    for (const auto& c : qs) out.push_back(c.name);
    return out;
  };
  const auto amounts = [](const auto& qs) {
    std::vector<std::string> out;
    for (const Order& o : qs) out.push_back(o.amount.to_string());
    return out;
  };
  EXPECT_EQ(amounts(Order::objects().filter("customer__name__icontains", "an").order_by({"id"})),
            (std::vector<std::string>{"120.00", "80.00", "150.00"}));
  // Ann has two orders over 100: two join rows, as in Django; distinct() lists her once.
  EXPECT_EQ(names(objects<Customer>().filter("orders__amount__gte", 100)),
            (std::vector<std::string>{"Ann", "Ann"}));
  EXPECT_EQ(names(objects<Customer>().filter("orders__amount__gte", 100).distinct()),
            std::vector<std::string>{"Ann"});
  EXPECT_EQ(objects<Customer>().filter("orders__amount__gte", 10).count(), 4);
  EXPECT_EQ(objects<Customer>().filter("orders__amount__gte", 10).distinct().count(), 2);
  // One filter(): the same order is paid and over 100 (Ann's first). Two: any orders,
  // each call joining them on its own.
  EXPECT_EQ(
      names(objects<Customer>().filter({{"orders__status", "paid"}, {"orders__amount__gt", 100}})),
      std::vector<std::string>{"Ann"});
  EXPECT_EQ(names(objects<Customer>()
                      .filter("orders__status", "paid")
                      .filter("orders__amount__lt", 100)
                      .distinct()),
            (std::vector<std::string>{"Ann", "Bob"}));
  EXPECT_EQ(
      names(objects<Customer>().filter({{"orders__status", "paid"}, {"orders__amount__lt", 100}})),
      std::vector<std::string>{"Bob"});
  // exclude(): customers with no paid order; isnull: with no order at all.
  EXPECT_EQ(names(objects<Customer>().exclude("orders__status", "paid")),
            std::vector<std::string>{"Cid"});
  EXPECT_EQ(names(objects<Customer>().filter("orders__isnull", true)),
            std::vector<std::string>{"Cid"});
  // order_by, values and annotate across relations.
  EXPECT_EQ(amounts(Order::objects()
                        .filter("customer__isnull", false)
                        .order_by({"-customer__name", "amount"})),
            (std::vector<std::string>{"40.00", "80.00", "120.00", "150.00"}));
  std::map<std::string, int64_t> counts;
  for (const Record& r : objects<Customer>().annotate("n", Count("orders")).values({"name", "n"})) {
    counts[r.get<std::string>("name")] = r.get<int64_t>("n");
  }
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"Ann", 3}, {"Bob", 1}, {"Cid", 0}}));
  // Updates and deletes across a relation.
  EXPECT_EQ(Order::objects().filter("customer__name", "Ann").update({{"status", "processed"}}), 3);
  EXPECT_EQ(Order::objects().filter("status", "processed").count(), 3);
  EXPECT_EQ(Order::objects().filter("customer__name", "Bob").remove(), 1);
  EXPECT_EQ(Order::objects().count(), 4);
}

TEST_F(Relations, ManyToManyAddRemoveSetClearAndLookups) {
  const Author ann = objects<Author>().create(Author{.name = "Ann"});
  const Author bob = objects<Author>().create(Author{.name = "Bob"});
  const Author cid = objects<Author>().create(Author{.name = "Cid"});
  Book b1 = objects<Book>().create(Book{.title = "One"});
  Book b2 = objects<Book>().create(Book{.title = "Two"});
  b1.authors.add(ann, bob);
  b1.authors.add(bob);  // already there: nothing changes
  b2.authors.add(bob);
  const auto names = [](const auto& qs) {
    std::vector<std::string> out;
    for (const auto& x : qs) out.push_back(x.name);
    return out;
  };
  const auto titles = [](const auto& qs) {
    std::vector<std::string> out;
    for (const auto& x : qs) out.push_back(x.title);
    return out;
  };
  EXPECT_EQ(names(b1.authors.all()), (std::vector<std::string>{"Ann", "Bob"}));
  EXPECT_EQ(b1.authors.count(), 2);
  // The other side, through an object read from the database.
  const Author read_bob = objects<Author>().get("name", "Bob");
  EXPECT_EQ(titles(read_bob.books.all()), (std::vector<std::string>{"One", "Two"}));
  EXPECT_EQ(titles(objects<Book>().filter("authors__name", "Bob")),
            (std::vector<std::string>{"One", "Two"}));
  EXPECT_EQ(names(objects<Author>().filter("books__title", "Two")),
            std::vector<std::string>{"Bob"});
  b1.authors.remove(ann);
  EXPECT_EQ(names(b1.authors.all()), std::vector<std::string>{"Bob"});
  b1.authors.set({cid, ann});
  EXPECT_EQ(names(b1.authors.all()), (std::vector<std::string>{"Ann", "Cid"}));
  b1.authors.clear();
  EXPECT_EQ(b1.authors.count(), 0);
  EXPECT_EQ(b2.authors.count(), 1);
  // An object never saved has no key to link.
  Book unsaved;
  EXPECT_THROW(unsaved.authors.add(ann), ValueError);
}

TEST_F(Relations, PrefetchRelatedTakesOneQueryPerLevel) {
  std::vector<Author> authors;
  for (const char* n : {"Ann", "Bob", "Cid"})
    authors.push_back(objects<Author>().create(Author{.name = n}));
  std::vector<Book> books;
  for (const char* t : {"A", "B", "C", "D"})
    books.push_back(objects<Book>().create(Book{.title = t}));
  books[0].authors.add(authors[0], authors[1]);
  books[1].authors.add(authors[1]);
  books[2].authors.add(authors[0], authors[1], authors[2]);
  // D has none.
  const auto listing = [](const auto& qs) {
    std::vector<std::string> out;
    for (const Book& b : qs) {
      std::string line = b.title + ":";
      for (const Author& a : b.authors.all()) line += " " + a.name;
      out.push_back(line);
    }
    return out;
  };
  const std::vector<std::string> expected = {"A: Ann Bob", "B: Bob", "C: Ann Bob Cid", "D:"};
  {
    QueryCapture q;
    EXPECT_EQ(listing(objects<Book>().all()), expected);
    EXPECT_EQ(q.count(), 1u + books.size());  // N+1
  }
  {
    QueryCapture q;
    EXPECT_EQ(listing(objects<Book>().prefetch_related("authors")), expected);
    EXPECT_EQ(q.count(), 2u);
  }
  {
    // Nested: each author's books too, one more query.
    QueryCapture q;
    const auto rows = objects<Book>().prefetch_related("authors__books").list();
    ASSERT_EQ(rows.size(), 4u);
    std::vector<std::string> bobs;
    for (const Book& b : rows[1].authors.all().list()[0].books.all()) bobs.push_back(b.title);
    EXPECT_EQ(bobs, (std::vector<std::string>{"A", "B", "C"}));
    EXPECT_TRUE(rows[1].authors.prefetched());
    EXPECT_EQ(q.count(), 3u);
  }
  {
    // A reverse ForeignKey.
    QueryCapture q;
    std::map<std::string, std::size_t> per_customer;
    for (const Customer& c : objects<Customer>().prefetch_related("orders")) {
      per_customer[c.name] = c.orders.all().size();
    }
    EXPECT_EQ(per_customer,
              (std::map<std::string, std::size_t>{{"Ann", 3}, {"Bob", 1}, {"Cid", 0}}));
    EXPECT_EQ(q.count(), 2u);
  }
}

TEST_F(Relations, PrefetchWithAQuerySetAndToAttr) {
  Student ann = objects<Student>().create(Student{.name = "Ann", .course = "Math", .gpa = 3.9});
  Student bob = objects<Student>().create(Student{.name = "Bob", .course = "Math", .gpa = 3.1});
  for (int score : {95, 60, 91}) {
    objects<Assignment>().create(
        Assignment{.student = ann, .title = "a" + std::to_string(score), .score = score});
  }
  objects<Assignment>().create(Assignment{.student = bob, .title = "b", .score = 50});
  QueryCapture q;
  const auto students =
      objects<Student>()
          .prefetch_related(
              "assignments",
              Prefetch("assignments",
                       objects<Assignment>().filter("score__gte", 90).order_by({"-score"}),
                       "top_assignments"))
          .list();
  EXPECT_EQ(q.count(), 3u);
  ASSERT_EQ(students.size(), 2u);
  EXPECT_EQ(students[0].assignments.all().size(), 3u);
  std::vector<int32_t> top;
  for (const Assignment& a : students[0].top_assignments.all()) top.push_back(a.score);
  EXPECT_EQ(top, (std::vector<int32_t>{95, 91}));
  EXPECT_TRUE(students[1].top_assignments.all().list().empty());
  EXPECT_EQ(q.count(), 3u);
}

TEST_F(Relations, FetchModesRaiseOrBatchTheLazyLoads) {
  const auto qs = Order::objects().filter("customer__isnull", false).order_by({"id"});
  {
    FetchModeScope guard(FetchMode::Raise);
    const auto orders = qs.list();
    EXPECT_THROW(orders[0].customer->name, FieldFetchBlocked);
    // select_related's objects are there, and ids never need a query.
    EXPECT_EQ(qs.select_related("customer").list()[0].customer->name, "Ann");
    EXPECT_EQ(orders[0].customer.id(), customers_[0].id);
  }
  {
    QueryCapture q;
    std::vector<std::string> names;
    for (const Order& o : qs.fetch_mode(FetchMode::Peers)) names.push_back(o.customer->name);
    EXPECT_EQ(names, (std::vector<std::string>{"Ann", "Ann", "Ann", "Bob"}));
    EXPECT_EQ(q.count(), 2u);  // the orders, then every customer of them at once
  }
  EXPECT_THROW(qs.fetch_mode(FetchMode::Raise).list()[0].customer.get(), FieldFetchBlocked);
}

TEST_F(Relations, ReverseForeignKeyAddAndClear) {
  Customer cid = objects<Customer>().get("name", "Cid");
  Order loose = Order::objects().get("pk", orders_[4].id);
  cid.orders.add(loose);
  EXPECT_EQ(cid.orders.count(), 1);
  EXPECT_EQ(Order::objects().get("pk", loose.id).customer.id(), cid.id);
  cid.orders.clear();  // Order.customer is nullable: the orders stay, unlinked
  EXPECT_EQ(cid.orders.count(), 0);
  EXPECT_EQ(Order::objects().count(), static_cast<int64_t>(orders_.size()));
}

TEST_F(Relations, ACategoryTree) {
  const Category root = objects<Category>().create(Category{.name = "root"});
  Category a{.name = "a"};
  a.parent = root;
  a = objects<Category>().create(a);
  Category b{.name = "b"};
  b.parent = root;
  objects<Category>().create(b);
  Category a1{.name = "a1"};
  a1.parent = a;
  objects<Category>().create(a1);
  std::vector<std::string> children;
  for (const Category& c : root.children.all()) children.push_back(c.name);
  EXPECT_EQ(children, (std::vector<std::string>{"a", "b"}));
  const Category leaf = objects<Category>().select_related("parent__parent").get("name", "a1");
  EXPECT_EQ(leaf.parent->parent->name, "root");
  EXPECT_EQ(objects<Category>().filter("parent__parent__name", "root").count(), 1);
  EXPECT_EQ(objects<Category>().filter("children__name", "a1").get().name, "a");
}

TEST_F(Relations, OneToOneAndAnExplicitThroughModel) {
  drop_tables<Profile, Club, Membership>();
  create_tables<Profile, Club, Membership>();
  objects<Profile>().create(Profile{.customer = customers_[0], .bio = "writes"});
  // One row at most per customer; the reverse side is single-valued: a join, no EXISTS.
  EXPECT_THROW(objects<Profile>().create(Profile{.customer = customers_[0], .bio = "again"}),
               IntegrityError);
  EXPECT_EQ(objects<Customer>().filter("profile__bio", "writes").get().name, "Ann");
  EXPECT_EQ(objects<Customer>().filter("profile__bio", "writes").sql().sql.find("EXISTS"),
            std::string::npos);
  EXPECT_EQ(objects<Profile>().select_related("customer").get().customer->name, "Ann");

  const Author ann = objects<Author>().create(Author{.name = "Ann"});
  const Author bob = objects<Author>().create(Author{.name = "Bob"});
  Club chess = objects<Club>().create(Club{.name = "chess"});
  chess.members.add(ann, bob);
  // The links are rows of the through model, which has fields of its own.
  EXPECT_EQ(objects<Membership>().filter("club", chess).count(), 2);
  objects<Membership>().filter("member", bob).update({{"role", "captain"}});
  EXPECT_EQ(objects<Author>().filter("clubs__name", "chess").count(), 2);
  EXPECT_EQ(objects<Club>().filter("members__name", "Bob").get().name, "chess");
  {
    QueryCapture q;
    const auto clubs = objects<Club>().prefetch_related("members").list();
    ASSERT_EQ(clubs.size(), 1u);
    EXPECT_EQ(clubs[0].members.all().size(), 2u);
    EXPECT_EQ(q.count(), 2u);
  }
  chess.members.remove(ann);
  EXPECT_EQ(objects<Membership>().get().role, std::optional<std::string>("captain"));
  Club gone = chess;
  quarry::remove(gone);  // its memberships go with it
  EXPECT_EQ(objects<Membership>().count(), 0);
  drop_tables<Profile, Club, Membership>();
}

// The seed's section 9, and its result checked against the rows.
TEST_F(Relations, TheSeedsComplexQuery) {
  const Classroom r1 = objects<Classroom>().create(Classroom{.name = "R1"});
  struct Row {
    const char* name;
    const char* course;
    double gpa;
    bool room;
    int assignments;
  };
  for (const Row& row : {Row{"Ann", "Math", 3.9, true, 2}, Row{"Bob", "Math", 3.6, false, 1},
                         Row{"Cid", "Math", 3.2, true, 0}, Row{"Dee", "Science", 3.85, true, 3},
                         Row{"Eve", "Science", 3.7, false, 1}}) {
    Student s{.name = row.name, .course = row.course, .gpa = row.gpa};
    if (row.room) s.classroom = r1;
    s = objects<Student>().create(s);
    for (int i = 0; i < row.assignments; ++i) {
      objects<Assignment>().create(Assignment{.student = s, .title = "t", .score = 80 + i});
    }
  }
  QueryCapture q;
  const auto students = section9_students().list();
  std::vector<std::string> got;
  for (const Student& s : students) {
    got.push_back(s.name + " " + std::to_string(*s.scholarship) + " " +
                  std::to_string(*s.course_count) + " " +
                  (s.classroom.is_null() ? "-" : s.classroom->name) + " " +
                  std::to_string(s.assignments.all().size()));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"Ann 1000 1 R1 2", "Bob 500 1 - 1", "Dee 1000 1 R1 3"}));
  EXPECT_EQ(q.count(), 2u);
}

}  // namespace
}  // namespace quarry::test
