// Writes through the query language: save, create, update with F and Case, delete,
// the bulk operations, get_or_create and update_or_create, and schema creation.
#include <set>
#include <thread>

#include "support/orm_fixture.hpp"
#include "support/tag_model.hpp"

namespace quarry::test {
namespace {

using seed::Order;
using seed::Product;
using seed::Student;

class Writes : public OrmTest {};

TEST_F(Writes, SaveInsertsThenUpdates) {
  Student s;
  s.name = "Ann";
  s.course = "Math";
  s.gpa = 3.5;
  const DateTime before = DateTime::now() - std::chrono::seconds(1);
  save(s);
  EXPECT_GT(s.id, 0) << "the key comes back";
  EXPECT_GE(s.created_at, before) << "auto_now_add";
  s.gpa = 3.7;
  save(s);
  EXPECT_EQ(objects<Student>().count(), 1);
  const Student loaded = objects<Student>().get("pk", s.id);
  EXPECT_EQ(loaded.gpa, 3.7);
  // Microseconds survive the round trip on every backend.
  EXPECT_EQ(loaded.created_at, s.created_at);
  // update_fields writes only those.
  s.gpa = 1.0;
  s.name = "Changed";
  save(s, {.update_fields = {"name"}});
  const Student again = objects<Student>().get("pk", s.id);
  EXPECT_EQ(again.name, "Changed");
  EXPECT_EQ(again.gpa, 3.7);
}

// Django's Order.objects.create(customer_id=ann.id), and customer=ann's key.
TEST_F(Writes, CreateTakesAForeignKeyByItsKey) {
  if (!ready_) return;
  const seed::Customer ann = objects<seed::Customer>().create({{"name", "Ann"}, {"email", "a@x"}});
  const seed::Order o =
      seed::Order::objects().create({{"customer", ann.id}, {"amount", Decimal("1.50")}});
  EXPECT_EQ(seed::Order::objects().get("id", o.id).customer.id(), std::optional<int64_t>(ann.id));
  EXPECT_EQ(seed::Order::objects().filter("customer", ann.id).count(), 1);
  // By the column's name too; it had been stored as NULL, silently, either way.
  seed::Order::objects().create({{"customer_id", ann.id}, {"amount", Decimal("2.50")}});
  EXPECT_EQ(seed::Order::objects().filter("customer", ann.id).count(), 2);
}

TEST_F(Writes, SaveWithAGivenKeyInsertsWhenNoRowHasIt) {
  Order o;
  o.id = 4242;
  o.amount = Decimal("9.99");
  save(o);
  EXPECT_EQ(objects<Order>().get("pk", 4242).amount, Decimal("9.99"));
}

TEST_F(Writes, CreateAndRemove) {
  const Product p = objects<Product>().create({{"name", "Laptop"}, {"price", Decimal("999.99")}});
  EXPECT_GT(p.id, 0);
  EXPECT_TRUE(p.is_active) << "the member's default";
  Product q = objects<Product>().create(Product{.name = "Mouse", .price = Decimal("19.5")});
  EXPECT_EQ(objects<Product>().get("pk", q.id).price.to_string(), "19.50")
      << "quantised to 2 places";
  EXPECT_EQ(remove(q), 1);
  EXPECT_EQ(q.id, 0);
  EXPECT_EQ(objects<Product>().count(), 1);
  EXPECT_EQ(objects<Product>().filter("name", "Laptop").remove(), 1);
  EXPECT_EQ(objects<Product>().count(), 0);
}

TEST_F(Writes, SectionOneUpdateWithF) {
  std::vector<Product> products = {Product{.name = "A", .price = Decimal("10.00")},
                                   Product{.name = "B", .price = Decimal("99.95")}};
  objects<Product>().bulk_create(products);
  QueryCapture capture;
  EXPECT_EQ(objects<Product>().update({{"price", F("price") + 10}}), 2);
  ASSERT_EQ(capture.count(), 1u);
  EXPECT_NE(capture.queries()[0].sql.find("SET"), std::string::npos);
  EXPECT_EQ(objects<Product>().get("name", "A").price, Decimal("20.00"));
  EXPECT_EQ(objects<Product>().get("name", "B").price, Decimal("109.95"));
}

TEST_F(Writes, SectionEightFiveBulkUpdateByFilterAndConditionalUpdate) {
  std::vector<Student> s(6);
  const char* courses[] = {"Math", "Math", "Art", "Science", "Math", "Art"};
  for (int i = 0; i < 6; ++i) {
    s[i].name = "S" + std::to_string(i);
    s[i].course = courses[i];
    s[i].gpa = 2.0 + 0.3 * i;
    s[i].marks = 50 + 10 * i;
  }
  objects<Student>().bulk_create(s);
  // Student.objects.filter(course="Math").update(gpa=F("gpa") + 0.2)
  EXPECT_EQ(objects<Student>().filter("course", "Math").update({{"gpa", F("gpa") + 0.2}}), 3);
  // A conditional update: marks by band.
  EXPECT_EQ(objects<Student>().update({{"extra_credit", Case({When("marks__gte", 90, Value(10)),
                                                              When("marks__gte", 70, Value(5))},
                                                             Value(0))}}),
            6);
  for (const auto& original : s) {
    const Student now = objects<Student>().get("pk", original.id);
    const double want_gpa = original.gpa + (original.course == "Math" ? 0.2 : 0.0);
    EXPECT_NEAR(now.gpa, want_gpa, 1e-9) << original.name;
    EXPECT_EQ(now.extra_credit, original.marks >= 90 ? 10 : (original.marks >= 70 ? 5 : 0))
        << original.name;
  }
}

TEST_F(Writes, BulkCreateBatchesByBatchSize) {
  // batch_size bounds each statement or bulk call (orm_bulk_test covers the rest).
  std::vector<Student> many(2000);
  for (std::size_t i = 0; i < many.size(); ++i) {
    many[i].name = "n" + std::to_string(i);
    many[i].course = i % 2 ? "Math" : "Art";
    many[i].marks = static_cast<int32_t>(i);
  }
  QueryCapture capture;
  objects<Student>().bulk_create(many, 300);
  std::size_t inserts = 0;
  for (const auto& q : capture.queries()) {
    inserts += q.sql.rfind("INSERT", 0) == 0 || q.sql.rfind("BULK INSERT", 0) == 0;
  }
  EXPECT_EQ(inserts, 7u) << "ceil(2000 / 300) statements or bulk calls";
  EXPECT_EQ(objects<Student>().count(), 2000);
  std::set<int64_t> ids;
  for (const auto& st : many) ids.insert(st.id);
  EXPECT_EQ(ids.size(), many.size());
  EXPECT_EQ(objects<Student>().get("pk", many[1234].id).marks, 1234);
}

TEST_F(Writes, BulkUpdate) {
  std::vector<Product> p(50);
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i].name = "p" + std::to_string(i);
    p[i].price = Decimal(static_cast<int64_t>(i));
  }
  objects<Product>().bulk_create(p);
  for (auto& x : p) {
    x.price += Decimal("0.5");
    x.is_active = x.id % 2 == 0;
  }
  QueryCapture capture;
  EXPECT_EQ(objects<Product>().bulk_update(p, {"price", "is_active"}, 20), 50);
  EXPECT_EQ(capture.count(), 3u + 2u) << "three UPDATEs, in BEGIN ... COMMIT";
  for (const auto& x : p) {
    const Product now = objects<Product>().get("pk", x.id);
    EXPECT_EQ(now.price, x.price);
    EXPECT_EQ(now.is_active, x.is_active);
  }
  EXPECT_THROW(objects<Product>().bulk_update(p, {"id"}), ProgrammingError);
}

TEST_F(Writes, GetOrCreate) {
  auto [a, created] =
      objects<Student>().get_or_create({{"name", "Zed"}, {"course", "Art"}}, {{"gpa", 3.3}});
  EXPECT_TRUE(created);
  EXPECT_EQ(a.gpa, 3.3);
  auto [b, created_again] =
      objects<Student>().get_or_create({{"name", "Zed"}, {"course", "Art"}}, {{"gpa", 1.0}});
  EXPECT_FALSE(created_again);
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.gpa, 3.3);
  EXPECT_EQ(objects<Student>().count(), 1);
}

TEST_F(Writes, UpdateOrCreate) {
  auto [a, created] =
      objects<Student>().update_or_create({{"name", "Ann"}}, {{"course", "Math"}, {"gpa", 3.1}});
  EXPECT_TRUE(created);
  auto [b, again] = objects<Student>().update_or_create({{"name", "Ann"}}, {{"gpa", 3.9}});
  EXPECT_FALSE(again);
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(objects<Student>().get("name", "Ann").gpa, 3.9);
  EXPECT_EQ(objects<Student>().get("name", "Ann").course, "Math");
}

TEST_F(Writes, AFailedAtomicBlockLeavesNothingBehind) {
  try {
    atomic([&] {
      objects<Product>().create({{"name", "kept?"}, {"price", 1}});
      objects<Product>().update({{"price", 2}});
      throw std::runtime_error("boom");
    });
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(objects<Product>().count(), 0);
  {
    auto tx = atomic();
    objects<Product>().create({{"name", "kept"}, {"price", 1}});
    try {
      auto inner = atomic();  // a savepoint
      objects<Product>().create({{"name", "dropped"}, {"price", 1}});
      throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }  // rolled back to the savepoint
  }    // committed at the end of the scope
  EXPECT_EQ(objects<Product>().values_list<std::string>("name").list(),
            std::vector<std::string>{"kept"});
}

TEST_F(Writes, CreateAlwaysInserts) {
  const Product p = objects<Product>().create({{"name", "first"}, {"price", 1}});
  Product again = p;
  again.name = "second";
  // As Django's create(): an INSERT, so an existing key is an IntegrityError, and the row
  // that has it is left as it was.
  EXPECT_THROW(objects<Product>().create(again), IntegrityError);
  EXPECT_EQ(objects<Product>().get("id", p.id).name, "first");
  // save() of the same object updates it.
  save(again);
  EXPECT_EQ(objects<Product>().get("id", p.id).name, "second");
  EXPECT_THROW(save(again, {.update_fields = {"name"}, .force_insert = true}), ValueError);
}

TEST_F(Writes, SelectForUpdateNeedsATransaction) {
  objects<Order>().create({{"amount", Decimal("5")}});
  EXPECT_THROW(objects<Order>().select_for_update().list(), TransactionManagementError);
  atomic([&] { EXPECT_EQ(objects<Order>().select_for_update().count(), 1); });
}

TEST_F(Writes, CreateTablesIsIdempotentAndIndexesAreInTheCatalog) {
  create_tables<Student, Order>();  // a second time: nothing to do, no error
  auto conn = database().acquire();
  const auto indexes = table_indexes(*conn, "student");
  auto find = [&](const std::vector<std::string>& cols) -> const IndexInfo* {
    for (const auto& i : indexes) {
      if (i.columns == cols) return &i;
    }
    return nullptr;
  };
  const IndexInfo* by_name = find({"name"});
  ASSERT_TRUE(by_name) << "db_index on name";
  EXPECT_FALSE(by_name->unique);
  const IndexInfo* course_gpa = find({"course", "gpa"});
  ASSERT_TRUE(course_gpa) << "Index({\"course\", \"-gpa\"})";
  EXPECT_EQ(course_gpa->descending, (std::vector<bool>{false, true}));
  const auto order_indexes = table_indexes(*conn, "shop_order");
  bool named = false;
  for (const auto& i : order_indexes) {
    if (i.name == "order_latest_idx") {
      named = true;
      EXPECT_EQ(i.columns, std::vector<std::string>{"created_at"});
      EXPECT_EQ(i.descending, std::vector<bool>{true});
    }
  }
  EXPECT_TRUE(named);
}

TEST_F(Writes, CheckConstraintsAreEnforced) {
  Student s;
  s.name = "Bad";
  s.course = "Math";
  s.gpa = 5.0;  // outside 0..4
  if (!has_feature("supports_check_constraints")) {
    // Left out of the table, as Django does: the table was created and takes the row.
    save(s);
    EXPECT_EQ(objects<Student>().filter("name", "Bad").count(), 1);
    return;
  }
  EXPECT_THROW(save(s), CheckViolation);
}

}  // namespace
}  // namespace quarry::test

namespace quarry::test {
namespace {

class Schema : public OrmTest {
 protected:
  void TearDown() override {
    if (ready_) drop_tables<Tag>();
    OrmTest::TearDown();
  }
};

TEST_F(Schema, EveryDeclaredIndexIsInTheCatalog) {
  create_tables<Tag>();
  create_tables<Tag>();  // idempotent
  auto conn = database().acquire();
  const auto indexes = table_indexes(*conn, "qt_tag");
  auto by_name = [&](const std::string& n) -> const IndexInfo* {
    for (const auto& i : indexes) {
      if (i.name == n) return &i;
    }
    return nullptr;
  };
  auto by_columns = [&](const std::vector<std::string>& c) -> const IndexInfo* {
    for (const auto& i : indexes) {
      if (i.columns == c) return &i;
    }
    return nullptr;
  };
  const IndexInfo* slug = by_columns({"slug"});
  ASSERT_TRUE(slug) << "unique=True makes an index";
  EXPECT_TRUE(slug->unique);
  const IndexInfo* together = by_columns({"display_label", "kind"});
  ASSERT_TRUE(together) << "unique_together, on the db_column";
  EXPECT_TRUE(together->unique);
  const IndexInfo* kind_slug = by_name("qt_tag_kind_slug");
  ASSERT_TRUE(kind_slug);
  EXPECT_TRUE(kind_slug->unique);
  EXPECT_EQ(kind_slug->columns, (std::vector<std::string>{"kind", "slug"}));
  EXPECT_EQ(kind_slug->descending, (std::vector<bool>{false, true}));
  const IndexInfo* partial = by_name("qt_tag_featured");
  if (database().features().has("supports_partial_indexes")) {
    ASSERT_TRUE(partial);
    EXPECT_TRUE(partial->partial);
  } else {
    EXPECT_FALSE(partial) << "optional(): skipped where partial indexes do not exist";
  }
}

TEST_F(Schema, UniqueTogetherIsEnforced) {
  create_tables<Tag>();
  objects<Tag>().create({{"slug", "a"}, {"label", "L"}, {"kind", "x"}});
  objects<Tag>().create({{"slug", "b"}, {"label", "L"}, {"kind", "y"}});
  EXPECT_THROW(objects<Tag>().create({{"slug", "c"}, {"label", "L"}, {"kind", "x"}}),
               IntegrityError);
  EXPECT_THROW(objects<Tag>().create({{"slug", "a"}, {"label", "M"}, {"kind", "z"}}),
               UniqueViolation);
  EXPECT_EQ(objects<Tag>().count(), 2);
}

}  // namespace
}  // namespace quarry::test

namespace quarry::test {
namespace {

class Decimals : public OrmTest {};

TEST_F(Decimals, ComeBackAtTheFieldsPlacesEverywhere) {
  // SQLite keeps 49.9 as a REAL; Django quantises DecimalField values to their places
  // when they are read, and so does quarry, whichever way they are read.
  objects<seed::Product>().create({{"name", "a"}, {"price", Decimal("49.9")}});
  objects<seed::Product>().create({{"name", "b"}, {"price", Decimal("0.1")}});
  EXPECT_EQ(objects<seed::Product>().get("name", "a").price.to_string(), "49.90");
  EXPECT_EQ(
      objects<seed::Product>().filter("name", "a").values_list<Decimal>("price")[0].to_string(),
      "49.90");
  EXPECT_EQ(objects<seed::Product>().filter("name", "a").values({"price"})[0]["price"].repr(),
            "49.90");
  const Record total =
      objects<seed::Product>().aggregate({{"sum", Sum("price")}, {"max", Max("price")}});
  EXPECT_EQ(total["sum"].repr(), "50.00");
  EXPECT_EQ(total["max"].repr(), "49.90");
}

}  // namespace
}  // namespace quarry::test

namespace quarry::test {
namespace {

struct Ticket {
  int64_t id = 0;
  Uuid token{};
  std::string state{};
  int priority = 0;
};
inline void quarry_model(ModelDef<Ticket>& m) {
  m.table("qt_ticket");
  m.field("id", &Ticket::id, BigAutoField());
  m.field("token", &Ticket::token, UUIDField().default_value([] { return Value(Uuid::v4()); }));
  m.field("state", &Ticket::state, CharField(10).default_value("open"));
  m.field("priority", &Ticket::priority, IntegerField().default_value(3));
}

class Defaults : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (ready_) create_tables<Ticket>();
  }
  void TearDown() override {
    if (ready_) drop_tables<Ticket>();
    OrmTest::TearDown();
  }
};

TEST_F(Defaults, DeclaredDefaultsApplyToObjectsQuarryMakes) {
  const Ticket a = objects<Ticket>().create({{"priority", 1}});
  EXPECT_EQ(a.state, "open");
  EXPECT_EQ(a.priority, 1);
  EXPECT_FALSE(a.token.is_nil());
  const Ticket b = objects<Ticket>().create({});
  EXPECT_NE(a.token, b.token) << "a callable default runs per object";
  EXPECT_EQ(objects<Ticket>().get("pk", b.id).priority, 3);
  Ticket c = make<Ticket>();
  EXPECT_EQ(c.state, "open");
  auto [d, created] = objects<Ticket>().get_or_create({{"state", "closed"}});
  EXPECT_TRUE(created);
  EXPECT_EQ(d.priority, 3);
}

TEST_F(Defaults, ChoicesDisplayTheirLabels) {
  seed::Order o = seed::Order::objects().create({{"amount", 5}});
  EXPECT_EQ(o.status, "pending") << "the declared default";
  EXPECT_EQ(display(o, "status"), "Pending");
  o.status = "weird";
  EXPECT_EQ(display(o, "status"), "weird");
}

TEST_F(Defaults, AutoNowStampsEverySave) {
  seed::Order o = seed::Order::objects().create({{"amount", 5}});
  const DateTime created = o.created_at, first = o.updated_at;
  EXPECT_EQ(created, first);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  o.amount = Decimal(6);
  save(o);
  EXPECT_EQ(o.created_at, created) << "auto_now_add only on insert";
  EXPECT_GT(o.updated_at, first) << "auto_now on every save";
  EXPECT_EQ(seed::Order::objects().get("pk", o.id).updated_at, o.updated_at);
}

}  // namespace
}  // namespace quarry::test
