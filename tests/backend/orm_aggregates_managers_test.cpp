// Aggregation (section 6) and the Manager document's patterns, on a real backend.
#include <map>
#include <numeric>

#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Note;
using seed::Order;
using seed::Product;
using seed::Student;
using seed::User;

class Aggregates : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    const char* courses[] = {"Math", "Science", "Math", "Art", "Science", "Math", "Art"};
    for (int i = 0; i < 7; ++i) {
      Student s;
      s.name = "S" + std::to_string(i);
      s.course = courses[i];
      s.gpa = 2.5 + 0.2 * i;
      s.marks = 60 + 5 * i;
      data_.push_back(s);
    }
    objects<Student>().bulk_create(data_);
  }
  std::vector<Student> data_;
};

TEST_F(Aggregates, SectionSixAverageGpa) {
  const Record r = objects<Student>().aggregate(Avg("gpa"));
  double sum = 0;
  for (const auto& s : data_) sum += s.gpa;
  EXPECT_NEAR(r.get<double>("gpa__avg"), sum / data_.size(), 1e-9);
}

TEST_F(Aggregates, EveryAggregateAgainstTheData) {
  const Record r = objects<Student>()
                       .filter("course", "Math")
                       .aggregate({{"n", Count("id")},
                                   {"total", Sum("marks")},
                                   {"top", Max("gpa")},
                                   {"low", Min("marks")},
                                   {"courses", Count("course", {.distinct = true})}});
  int64_t n = 0, total = 0, low = INT64_MAX;
  double top = 0;
  for (const auto& s : data_) {
    if (s.course != "Math") continue;
    ++n;
    total += s.marks;
    top = std::max(top, s.gpa);
    low = std::min<int64_t>(low, s.marks);
  }
  EXPECT_EQ(r.get<int64_t>("n"), n);
  EXPECT_EQ(r.get<int64_t>("total"), total);
  EXPECT_DOUBLE_EQ(r.get<double>("top"), top);
  EXPECT_EQ(r.get<int64_t>("low"), low);
  EXPECT_EQ(r.get<int64_t>("courses"), 1);
  // Over nothing: COUNT is 0, the others NULL.
  const Record none = objects<Student>()
                          .filter("course", "Nothing")
                          .aggregate({{"n", Count("id")}, {"s", Sum("marks")}});
  EXPECT_EQ(none.get<int64_t>("n"), 0);
  EXPECT_TRUE(none["s"].is_null());
}

TEST_F(Aggregates, ConditionalAggregate) {
  const Record r =
      objects<Student>().aggregate({{"math", Count("id", {.filter = Q("course", "Math")})},
                                    {"good", Count("id", {.filter = Q("gpa__gte", 3.3)})}});
  int64_t math = 0, good = 0;
  for (const auto& s : data_) {
    math += s.course == "Math";
    good += s.gpa >= 3.3;
  }
  EXPECT_EQ(r.get<int64_t>("math"), math);
  EXPECT_EQ(r.get<int64_t>("good"), good);
}

TEST_F(Aggregates, SectionSixCountStudentsPerCourse) {
  std::map<std::string, int64_t> want;
  for (const auto& s : data_) ++want[s.course];
  std::map<std::string, int64_t> got;
  for (const Record& r : objects<Student>().values({"course"}).annotate("count", Count("id"))) {
    got[r.get<std::string>("course")] = r.get<int64_t>("count");
  }
  EXPECT_EQ(got, want);
  // HAVING and ordering by the aggregate.
  const auto popular = objects<Student>()
                           .values({"course"})
                           .annotate("n", Count("id"))
                           .filter("n__gte", 2)
                           .order_by({"-n", "course"});
  std::vector<std::string> courses;
  for (const Record& r : popular) courses.push_back(r.get<std::string>("course"));
  EXPECT_EQ(courses, (std::vector<std::string>{"Math", "Art", "Science"}));
}

TEST_F(Aggregates, AggregateOverASlice) {
  const Record r =
      objects<Student>().order_by({"-marks"}).limit(3).aggregate({{"s", Sum("marks")}});
  std::vector<int> marks;
  for (const auto& s : data_) marks.push_back(s.marks);
  std::sort(marks.rbegin(), marks.rend());
  EXPECT_EQ(r.get<int64_t>("s"), marks[0] + marks[1] + marks[2]);
}

class Managers : public OrmTest {};

TEST_F(Managers, SoftDelete) {
  User a = objects<User>().create({{"name", "a"}});
  User b = User::objects().create({{"name", "b"}});
  remove(a);  // marks it deleted
  EXPECT_TRUE(a.is_deleted);
  EXPECT_EQ(User::objects().count(), 1);
  EXPECT_EQ(User::all_objects().count(), 2);
  EXPECT_EQ(User::objects().get("name", "b").id, b.id);
  EXPECT_THROW(User::objects().get("name", "a"), DoesNotExist);
  EXPECT_TRUE(User::all_objects().get("name", "a").is_deleted);
}

TEST_F(Managers, AggregationManager) {
  EXPECT_EQ(Order::objects().total_revenue(), Decimal(0)) << "no orders: 0, not NULL";
  std::vector<Order> orders = {Order{.amount = Decimal("10.25")}, Order{.amount = Decimal("5.50")},
                               Order{.amount = Decimal("100.00")}};
  Order::objects().bulk_create(orders);
  EXPECT_EQ(Order::objects().total_revenue(), Decimal("115.75"));
}

TEST_F(Managers, SearchManager) {
  Product::objects().create({{"name", "Gaming Laptop"}, {"price", 1500}});
  Product::objects().create({{"name", "laptop stand"}, {"price", 30}});
  Product::objects().create({{"name", "Mouse"}, {"price", 20}});
  EXPECT_EQ(Product::objects().search("LAPTOP").count(), 2);
}

TEST_F(Managers, CustomQuerySetMethodsChain) {
  Product::objects().create({{"name", "A"}, {"price", 100}});
  Product::objects().create({{"name", "B"}, {"price", 700}});
  Product::objects().create({{"name", "C"}, {"price", 900}, {"is_active", false}});
  EXPECT_EQ(Product::objects().active().expensive().count(), 1);
  EXPECT_EQ(Product::objects().expensive().count(), 2);
  EXPECT_EQ(
      Product::objects().filter("name__in", std::vector<std::string>{"B", "C"}).active().count(),
      1);
  EXPECT_EQ(Product::objects().created_this_week().count(), 3);
}

TEST_F(Managers, MultiTenancy) {
  for (int64_t t : {1, 1, 2}) Note::all_objects().create({{"tenant_id", t}, {"text", "note"}});
  seed::current_tenant() = 1;
  EXPECT_EQ(Note::objects().count(), 2);
  seed::current_tenant() = 2;
  EXPECT_EQ(Note::objects().count(), 1);
  EXPECT_EQ(Note::objects().for_tenant(1).count(), 0) << "scoped first, then narrowed";
  seed::current_tenant().reset();
  EXPECT_EQ(Note::objects().count(), 0) << "no tenant, no rows";
  EXPECT_EQ(Note::all_objects().count(), 3);
}

TEST_F(Managers, TheSeedsFullWorkingExample) {
  // The seed's tests.py: create A (active) and B (inactive).
  Product::objects().create({{"name", "A"}, {"price", 100}, {"is_active", true}});
  Product::objects().create({{"name", "B"}, {"price", 200}, {"is_active", false}});
  // The seed asserts objects.count() == 1, but its ProductManager filters nothing, so
  // Django counts 2; the active ones are objects.active() (docs/guide.md).
  EXPECT_EQ(Product::objects().count(), 2);
  EXPECT_EQ(Product::objects().active().count(), 1);
  EXPECT_EQ(Product::all_objects().count(), 2);
}

}  // namespace
}  // namespace quarry::test
