// Aggregates, database functions, Subquery/OuterRef, Exists and window functions on a
// live backend. Every expected value is computed here from the rows the test inserted,
// never read back from the database that is under test.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using namespace seed;

// ISO 8601 week and week-year of a date: the week belongs to the year of its Thursday.
std::pair<int64_t, int64_t> iso_week(Date d) {
  const Date thursday = d + std::chrono::days(4 - static_cast<int>(d.iso_weekday()));
  const int64_t year = thursday.year();
  return {year, (thursday - Date(year, 1, 1)).count() / 7 + 1};
}

class Expressions : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    struct Row {
      const char* name;
      const char* course;
      double gpa;
      int marks, extra;
      std::optional<std::string> nickname;
      Date enrolled;
      DateTime seen;
    };
    const Row rows[] = {
        {"Ann", "Math", 3.9, 91, 4, "annie", Date(2024, 2, 29),
         DateTime(Date(2024, 8, 15), Time(14, 35, 50))},
        {"Bob", "Math", 3.1, 55, 12, std::nullopt, Date(2023, 1, 1),
         DateTime(Date(2023, 1, 1), Time(0, 0, 1))},
        {"Cid", "Science", 3.6, 78, 0, "c", Date(2024, 12, 30),
         DateTime(Date(2024, 12, 30), Time(23, 59, 59))},
        {"Dee", "Science", 2.4, 40, 30, std::nullopt, Date(2021, 1, 3),
         DateTime(Date(2021, 6, 30), Time(9, 0, 0))},
        {"Eve", "Math", 3.5, 68, 1, "evie", Date(2020, 12, 31),
         DateTime(Date(2020, 3, 31), Time(12, 30, 0))},
        {"Fay", "Art", 2.95, 83, 7, std::nullopt, Date(2022, 7, 4),
         DateTime(Date(2022, 10, 1), Time(6, 7, 8))},
    };
    for (const Row& r : rows) {
      Student s;
      s.name = r.name;
      s.course = r.course;
      s.gpa = r.gpa;
      s.marks = r.marks;
      s.extra_credit = r.extra;
      s.nickname = r.nickname;
      s.enrolled_on = r.enrolled;
      s.last_seen = r.seen;
      students_.push_back(s);
    }
    objects<Student>().bulk_create(students_);

    // Customers Ann (3 orders), Bob (1), Cid (none), Dan (2); one order without a customer.
    for (const char* name : {"Ann", "Bob", "Cid", "Dan"}) {
      customers_.push_back(objects<Customer>().create(
          Customer{.name = name, .email = std::string(name) + "@example.com"}));
    }
    const auto order = [&](int customer, const char* amount, Date day) {
      Order o;
      if (customer >= 0) o.customer = customers_[customer];
      o.amount = Decimal(amount);
      o = Order::objects().create(o);
      // created_at is auto_now_add: set the day the test wants afterwards.
      o.created_at = DateTime(day, Time(12, 0, 0));
      Order::objects().filter("id", o.id).update({{"created_at", o.created_at}});
      orders_.push_back(o);
    };
    order(0, "120.00", Date(2024, 1, 5));
    order(0, "80.00", Date(2024, 3, 1));
    order(0, "150.00", Date(2024, 2, 10));
    order(1, "40.00", Date(2024, 1, 20));
    order(3, "200.00", Date(2024, 2, 1));
    order(3, "70.50", Date(2024, 4, 2));
    order(-1, "5.00", Date(2024, 1, 1));
  }

  // The orders of a customer, by index.
  std::vector<Order> orders_of(int c) const {
    std::vector<Order> out;
    for (const auto& o : orders_) {
      if (o.customer.id() && *o.customer.id() == customers_[c].id) out.push_back(o);
    }
    return out;
  }
  const Student& student(const std::string& name) const {
    return *std::find_if(students_.begin(), students_.end(),
                         [&](const Student& s) { return s.name == name; });
  }

  std::vector<Student> students_;
  std::vector<Customer> customers_;
  std::vector<Order> orders_;
};

TEST_F(Expressions, StdDevAndVarianceAgainstTheData) {
  double mean = 0;
  for (const auto& s : students_) mean += s.gpa;
  mean /= students_.size();
  double ss = 0;
  for (const auto& s : students_) ss += (s.gpa - mean) * (s.gpa - mean);
  const double n = students_.size();
  const Record r = objects<Student>().aggregate({{"sd", StdDev("gpa")},
                                                 {"sd_s", StdDev("gpa", {.sample = true})},
                                                 {"var", Variance("gpa")},
                                                 {"var_s", Variance("gpa", {.sample = true})}});
  EXPECT_NEAR(r.get<double>("sd"), std::sqrt(ss / n), 1e-9);
  EXPECT_NEAR(r.get<double>("sd_s"), std::sqrt(ss / (n - 1)), 1e-9);
  EXPECT_NEAR(r.get<double>("var"), ss / n, 1e-9);
  EXPECT_NEAR(r.get<double>("var_s"), ss / (n - 1), 1e-9);
  // The default name, and default= over no rows.
  EXPECT_NEAR(objects<Student>().aggregate(StdDev("gpa")).get<double>("gpa__stddev"),
              std::sqrt(ss / n), 1e-9);
  const Record none =
      objects<Student>()
          .filter("course", "None")
          .aggregate({{"total", Sum("marks", {.default_value = 0})}, {"plain", Sum("marks")}});
  EXPECT_EQ(none.get<int64_t>("total"), 0);
  EXPECT_TRUE(none["plain"].is_null());
}

TEST_F(Expressions, AggregatesOverARelation) {
  // Sum("orders__amount") over every customer: the orders that have one.
  Decimal want("0");
  for (const auto& o : orders_) {
    if (o.customer.id()) want = want + o.amount;
  }
  EXPECT_EQ(
      objects<Customer>().aggregate(Sum("orders__amount")).get<Decimal>("orders__amount__sum"),
      want);
  // Per customer (LEFT JOIN: Cid, with none, has NULL; with a default, 0).
  std::map<std::string, std::optional<Decimal>> got;
  for (const Record& r : objects<Customer>().values({"name"}).annotate(
           {{"total", Sum("orders__amount")},
            {"n", Count("orders")},
            {"total0", Sum("orders__amount", {.default_value = Decimal("0")})}})) {
    const auto total = r["total"];
    got[r.get<std::string>("name")] =
        total.is_null() ? std::nullopt : std::optional(total.as<Decimal>());
    const int c = static_cast<int>(
        std::find_if(customers_.begin(), customers_.end(),
                     [&](const Customer& x) { return x.name == r.get<std::string>("name"); }) -
        customers_.begin());
    EXPECT_EQ(r.get<int64_t>("n"), static_cast<int64_t>(orders_of(c).size()));
    Decimal sum("0");
    for (const auto& o : orders_of(c)) sum = sum + o.amount;
    EXPECT_EQ(r.get<Decimal>("total0"), sum) << r.repr();
  }
  EXPECT_EQ(got.at("Ann"), Decimal("350.00"));
  EXPECT_EQ(got.at("Dan"), Decimal("270.50"));
  EXPECT_FALSE(got.at("Cid").has_value());
}

TEST_F(Expressions, TextAndNumberFunctions) {
  const auto rows = objects<Student>().values({"name"}).annotate(
      {{"sub", Substr("name", 2, 2)},
       {"tail", Substr("name", 2)},
       {"low", Lower("name")},
       {"up", Upper("course")},
       {"len", Length("course")},
       {"nick", Coalesce({"nickname", "name"})},
       {"label", Concat({"name", Value("-"), "course"})},
       {"hi", Greatest({"marks", "extra_credit"})},
       {"lo", Least({"marks", "extra_credit"})},
       {"diff", Abs(F("extra_credit") - F("marks"))},
       {"r1", Round("gpa", 1)},
       {"r0", Round(F("gpa") * 10)},
       {"whole", Cast("gpa", IntegerField())},
       {"text", Cast("marks", CharField(10))}});
  std::size_t seen = 0;
  for (const Record& r : rows) {
    const Student& s = student(r.get<std::string>("name"));
    ++seen;
    EXPECT_EQ(r.get<std::string>("sub"), s.name.substr(1, 2));
    EXPECT_EQ(r.get<std::string>("tail"), s.name.substr(1));
    std::string low = s.name, up = s.course;
    std::transform(low.begin(), low.end(), low.begin(), ::tolower);
    std::transform(up.begin(), up.end(), up.begin(), ::toupper);
    EXPECT_EQ(r.get<std::string>("low"), low);
    EXPECT_EQ(r.get<std::string>("up"), up);
    EXPECT_EQ(r.get<int64_t>("len"), static_cast<int64_t>(s.course.size()));
    EXPECT_EQ(r.get<std::string>("nick"), s.nickname.value_or(s.name));
    EXPECT_EQ(r.get<std::string>("label"), s.name + "-" + s.course);
    EXPECT_EQ(r.get<int64_t>("hi"), std::max(s.marks, s.extra_credit));
    EXPECT_EQ(r.get<int64_t>("lo"), std::min(s.marks, s.extra_credit));
    EXPECT_EQ(r.get<int64_t>("diff"), std::abs(s.extra_credit - s.marks));
    EXPECT_NEAR(r.get<double>("r1"), std::round(s.gpa * 10) / 10, 1e-9) << s.name;
    EXPECT_NEAR(r.get<double>("r0"), std::round(s.gpa * 10), 1e-9) << s.name;
    // A cast to an integer rounds on PostgreSQL and MariaDB, truncates on SQLite.
    const int64_t whole = r.get<int64_t>("whole");
    EXPECT_TRUE(whole == static_cast<int64_t>(s.gpa) || whole == std::llround(s.gpa))
        << s.name << " " << whole;
    EXPECT_EQ(r.get<std::string>("text"), std::to_string(s.marks));
  }
  EXPECT_EQ(seen, students_.size());
}

TEST_F(Expressions, ExtractAgainstTheCalendar) {
  const auto rows = objects<Student>().values({"name"}).annotate(
      {{"year", Extract("enrolled_on", "year")},
       {"quarter", Extract("enrolled_on", "quarter")},
       {"month", Extract("enrolled_on", "month")},
       {"day", Extract("enrolled_on", "day")},
       {"week", Extract("enrolled_on", "week")},
       {"iso_year", Extract("enrolled_on", "iso_year")},
       {"week_day", Extract("enrolled_on", "week_day")},
       {"iso_week_day", Extract("enrolled_on", "iso_week_day")},
       {"hour", Extract("last_seen", "hour")},
       {"minute", Extract("last_seen", "minute")},
       {"second", Extract("last_seen", "second")}});
  for (const Record& r : rows) {
    const Student& s = student(r.get<std::string>("name"));
    const Date d = *s.enrolled_on;
    const auto [iso_year, week] = iso_week(d);
    const std::string who = s.name + " " + d.to_string();
    EXPECT_EQ(r.get<int64_t>("year"), d.year()) << who;
    EXPECT_EQ(r.get<int64_t>("quarter"), (d.month() + 2) / 3) << who;
    EXPECT_EQ(r.get<int64_t>("month"), d.month()) << who;
    EXPECT_EQ(r.get<int64_t>("day"), d.day()) << who;
    EXPECT_EQ(r.get<int64_t>("week"), week) << who;
    EXPECT_EQ(r.get<int64_t>("iso_year"), iso_year) << who;
    EXPECT_EQ(r.get<int64_t>("week_day"), d.iso_weekday() % 7 + 1) << who;  // Sunday = 1
    EXPECT_EQ(r.get<int64_t>("iso_week_day"), d.iso_weekday()) << who;
    const Time t = s.last_seen->time();
    EXPECT_EQ(r.get<int64_t>("hour"), t.hour()) << who;
    EXPECT_EQ(r.get<int64_t>("minute"), t.minute()) << who;
    EXPECT_EQ(r.get<int64_t>("second"), t.second()) << who;
  }
  // The parts as lookups: 2024-12-30 is in ISO week 1 of 2025.
  EXPECT_EQ(objects<Student>()
                .filter({{"enrolled_on__week", 1}, {"enrolled_on__iso_year", 2025}})
                .get()
                .name,
            "Cid");
  const auto first_quarter =
      std::count_if(students_.begin(), students_.end(),
                    [](const Student& s) { return s.enrolled_on->month() <= 3; });
  EXPECT_EQ(objects<Student>().filter("enrolled_on__quarter", 1).count(), first_quarter);
}

TEST_F(Expressions, TruncToEachPart) {
  const auto rows =
      objects<Student>().values({"name"}).annotate({{"year", Trunc("last_seen", "year")},
                                                    {"quarter", Trunc("last_seen", "quarter")},
                                                    {"month", Trunc("last_seen", "month")},
                                                    {"week", Trunc("last_seen", "week")},
                                                    {"day", Trunc("last_seen", "day")},
                                                    {"hour", Trunc("last_seen", "hour")},
                                                    {"minute", Trunc("last_seen", "minute")},
                                                    {"second", Trunc("last_seen", "second")},
                                                    {"date_week", Trunc("enrolled_on", "week")},
                                                    {"date_month", Trunc("enrolled_on", "month")}});
  for (const Record& r : rows) {
    const Student& s = student(r.get<std::string>("name"));
    const Date day = s.last_seen->date();
    const Time t = s.last_seen->time();
    const std::string who = s.name + " " + s.last_seen->to_string();
    const auto at = [](Date d, Time tm = Time()) { return DateTime(d, tm); };
    EXPECT_EQ(r.get<DateTime>("year"), at(Date(day.year(), 1, 1))) << who;
    EXPECT_EQ(r.get<DateTime>("quarter"), at(Date(day.year(), (day.month() - 1) / 3 * 3 + 1, 1)))
        << who;
    EXPECT_EQ(r.get<DateTime>("month"), at(Date(day.year(), day.month(), 1))) << who;
    EXPECT_EQ(r.get<DateTime>("week"),
              at(day - std::chrono::days(static_cast<int>(day.iso_weekday()) - 1)))
        << who;
    EXPECT_EQ(r.get<DateTime>("day"), at(day)) << who;
    EXPECT_EQ(r.get<DateTime>("hour"), at(day, Time(t.hour(), 0))) << who;
    EXPECT_EQ(r.get<DateTime>("minute"), at(day, Time(t.hour(), t.minute()))) << who;
    EXPECT_EQ(r.get<DateTime>("second"), at(day, Time(t.hour(), t.minute(), t.second()))) << who;
    // A date stays a date.
    const Date d = *s.enrolled_on;
    EXPECT_EQ(r.get<Date>("date_week"),
              d - std::chrono::days(static_cast<int>(d.iso_weekday()) - 1))
        << who;
    EXPECT_EQ(r.get<Date>("date_month"), Date(d.year(), d.month(), 1)) << who;
  }
}

TEST_F(Expressions, SubqueryLatestOrderAmountPerCustomer) {
  // The seed's advanced section 1.
  const auto latest = Order::objects()
                          .filter("customer", OuterRef("pk"))
                          .order_by({"-created_at"})
                          .values({"amount"})
                          .limit(1);
  const auto customers = objects<Customer>().annotate("latest_order_amount", Subquery(latest));
  int n = 0;
  for (const auto& [c, extra] : customers.annotated()) {
    const int i = static_cast<int>(std::find_if(customers_.begin(), customers_.end(),
                                                [&](const Customer& x) { return x.id == c.id; }) -
                                   customers_.begin());
    auto mine = orders_of(i);
    ++n;
    if (mine.empty()) {
      EXPECT_TRUE(extra["latest_order_amount"].is_null()) << c.name;
      continue;
    }
    const Order& last =
        *std::max_element(mine.begin(), mine.end(),
                          [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
    EXPECT_EQ(extra.get<Decimal>("latest_order_amount"), last.amount) << c.name;
  }
  EXPECT_EQ(n, 4);
  // In a filter: the orders above their customer's average.
  const auto avg = Order::objects()
                       .filter("customer", OuterRef("customer"))
                       .values({"customer"})
                       .annotate("avg", Avg("amount"))
                       .values({"avg"});
  std::set<int64_t> want;
  for (int c = 0; c < 4; ++c) {
    const auto mine = orders_of(c);
    Decimal sum("0");
    for (const auto& o : mine) sum = sum + o.amount;
    for (const auto& o : mine) {
      if (o.amount * Decimal(static_cast<int64_t>(mine.size())) > sum) want.insert(o.id);
    }
  }
  std::set<int64_t> got;
  for (const Order& o : Order::objects().filter("amount__gt", Subquery(avg))) got.insert(o.id);
  EXPECT_EQ(got, want);
}

TEST_F(Expressions, ExistsAnnotatesFiltersAndNegates) {
  // The seed's advanced section 2.
  const auto orders = Order::objects().filter("customer", OuterRef("pk"));
  std::map<std::string, bool> got;
  for (const Record& r :
       objects<Customer>().values({"name"}).annotate("has_orders", Exists(orders))) {
    got[r.get<std::string>("name")] = r.get<bool>("has_orders");
  }
  std::map<std::string, bool> want;
  for (int c = 0; c < 4; ++c) want[customers_[c].name] = !orders_of(c).empty();
  EXPECT_EQ(got, want);
  std::vector<std::string> with, without;
  for (const Customer& c : objects<Customer>().filter(Exists(orders))) with.push_back(c.name);
  for (const Customer& c : objects<Customer>().filter(~Exists(orders))) without.push_back(c.name);
  EXPECT_EQ(with, (std::vector<std::string>{"Ann", "Bob", "Dan"}));
  EXPECT_EQ(without, std::vector<std::string>{"Cid"});
  // Exists of a grouped queryset: customers with two orders or more.
  std::vector<std::string> two_or_more, want_two;
  for (const Customer& c : objects<Customer>().filter(Exists(Order::objects()
                                                                 .filter("customer", OuterRef("pk"))
                                                                 .values({"customer"})
                                                                 .annotate("n", Count("id"))
                                                                 .filter("n__gte", 2)))) {
    two_or_more.push_back(c.name);
  }
  for (int c = 0; c < 4; ++c) {
    if (orders_of(c).size() >= 2) want_two.push_back(customers_[c].name);
  }
  EXPECT_EQ(two_or_more, want_two);
  // Exists of big orders, or named Cid.
  const auto big = Order::objects().filter({{"customer", OuterRef("pk")}, {"amount__gte", 150}});
  std::vector<std::string> either;
  for (const Customer& c : objects<Customer>().filter(Q(Exists(big)) | Q("name", "Cid"))) {
    either.push_back(c.name);
  }
  EXPECT_EQ(either, (std::vector<std::string>{"Ann", "Cid", "Dan"}));
}

TEST_F(Expressions, NestedOuterRef) {
  // Customers having an order for which another of their orders is at least twice as big.
  const auto twice = Order::objects().filter(
      {{"customer", OuterRef(OuterRef("pk"))}, {"amount__gte", OuterRef("amount") * 2}});
  const auto orders = Order::objects().filter("customer", OuterRef("pk")).filter(Exists(twice));
  std::vector<std::string> got;
  for (const Customer& c : objects<Customer>().filter(Exists(orders))) got.push_back(c.name);
  std::vector<std::string> want;
  for (int c = 0; c < 4; ++c) {
    const auto mine = orders_of(c);
    bool any = false;
    for (const auto& a : mine) {
      for (const auto& b : mine) any |= b.amount >= a.amount * Decimal(2);
    }
    if (any) want.push_back(customers_[c].name);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(got, std::vector<std::string>{"Dan"});  // 200 >= 2 x 70.50
}

TEST_F(Expressions, RankCustomersByTotalAmount) {
  if (!require_feature("supports_over_clause")) return;
  // The seed's advanced section 3.
  const auto ranked =
      objects<Customer>()
          .annotate({{"total_amount", Sum("orders__amount", {.default_value = Decimal("0")})},
                     {"rank", Window(Rank(), {.order_by = {F("total_amount").desc()}})}})
          .order_by({"rank", "name"});
  std::vector<std::pair<Decimal, std::string>> totals;
  for (int c = 0; c < 4; ++c) {
    Decimal sum("0");
    for (const auto& o : orders_of(c)) sum = sum + o.amount;
    totals.emplace_back(sum, customers_[c].name);
  }
  std::vector<std::pair<std::string, int64_t>> want;
  for (const auto& [total, name] : totals) {
    int64_t rank = 1;
    for (const auto& [other, n] : totals) rank += other > total;  // RANK: 1 + those above
    want.emplace_back(name, rank);
  }
  std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  });
  std::vector<std::pair<std::string, int64_t>> got;
  for (const auto& [c, extra] : ranked.annotated())
    got.emplace_back(c.name, extra.get<int64_t>("rank"));
  EXPECT_EQ(got, want);
}

TEST_F(Expressions, RowNumberPerCourseByGpaAndOtherRankings) {
  if (!require_feature("supports_over_clause")) return;
  const auto rows =
      objects<Student>()
          .values({"name", "course"})
          .annotate({{"n", Window(RowNumber(), {.partition_by = {"course"}, .order_by = {"-gpa"}})},
                     {"dense", Window(DenseRank(), {.order_by = {"course"}})},
                     {"bucket", Window(Ntile(2), {.order_by = {"gpa", "name"}})},
                     {"pct", Window(PercentRank(), {.order_by = {"gpa"}})},
                     {"cume", Window(CumeDist(), {.order_by = {"gpa"}})},
                     // RANGE: the rows of the same course are peers, all inside the frame.
                     {"upto", Window(Sum("marks"), {.order_by = {"course"},
                                                    .frame = ValueRange(std::nullopt, 0)})}});
  std::vector<const Student*> by_gpa;
  for (const auto& s : students_) by_gpa.push_back(&s);
  std::sort(by_gpa.begin(), by_gpa.end(), [](auto a, auto b) { return a->gpa < b->gpa; });
  std::set<std::string> courses;
  for (const auto& s : students_) courses.insert(s.course);
  const double n = students_.size();
  for (const Record& r : rows) {
    const Student& s = student(r.get<std::string>("name"));
    int64_t row = 1;  // 1 + the students of the course with a higher GPA
    for (const auto& o : students_) row += o.course == s.course && o.gpa > s.gpa;
    EXPECT_EQ(r.get<int64_t>("n"), row) << s.name;
    EXPECT_EQ(r.get<int64_t>("dense"), std::distance(courses.begin(), courses.find(s.course)) + 1)
        << s.name;
    const auto pos = std::find(by_gpa.begin(), by_gpa.end(), &s) - by_gpa.begin();
    EXPECT_EQ(r.get<int64_t>("bucket"), pos < 3 ? 1 : 2) << s.name;  // 6 rows in 2 buckets
    EXPECT_NEAR(r.get<double>("pct"), pos / (n - 1), 1e-9) << s.name;
    EXPECT_NEAR(r.get<double>("cume"), (pos + 1) / n, 1e-9) << s.name;
    int64_t upto = 0;
    for (const auto& o : students_) upto += o.course <= s.course ? o.marks : 0;
    EXPECT_EQ(r.get<int64_t>("upto"), upto) << s.name;
  }
}

TEST_F(Expressions, FilteringOnAWindowGoesThroughACte) {
  if (!require_feature("supports_over_clause")) return;
  if (!require_feature("supports_cte")) return;
  // The best two students of each course: a filter on a window is refused, and the CTE
  // it points to serves.
  const auto numbered =
      objects<Student>()
          .values({"name", "course", "gpa"})
          .annotate("n", Window(RowNumber(), {.partition_by = {"course"}, .order_by = {"-gpa"}}));
  EXPECT_THROW(numbered.filter("n__lte", 2).list(), NotSupportedError);
  With ranked(numbered, "ranked");
  std::vector<std::string> got;
  for (const Record& r : ranked.queryset().filter("n__lte", 2).order_by({"course", "n"})) {
    got.push_back(r.get<std::string>("course") + ":" + r.get<std::string>("name"));
  }
  std::vector<std::string> want;
  std::map<std::string, std::vector<const Student*>> by_course;
  for (const auto& s : students_) by_course[s.course].push_back(&s);
  for (auto& [course, list] : by_course) {
    std::sort(list.begin(), list.end(), [](auto a, auto b) { return a->gpa > b->gpa; });
    for (std::size_t i = 0; i < list.size() && i < 2; ++i)
      want.push_back(course + ":" + list[i]->name);
  }
  EXPECT_EQ(got, want);
}

TEST_F(Expressions, RunningTotalByDateAndValueFunctions) {
  if (!require_feature("supports_over_clause")) return;
  // The value two rows on, or 0. Where LEAD takes no default (MariaDB: no
  // func.LeadDefault), Coalesce serves.
  Expr next = Window(Lead("amount", 2, Value(Decimal("0"))), {.order_by = {"created_at"}});
  if (db().dialect().text("func.LeadDefault").empty()) {
    EXPECT_THROW(Order::objects().values({"id"}).annotate("next", next).sql(), NotSupportedError);
    next = Coalesce({Window(Lead("amount", 2), {.order_by = {"created_at"}}), Decimal("0")});
  }
  const auto rows =
      Order::objects()
          .values({"id", "amount"})
          .annotate({{"running", Window(Sum("amount"), {.order_by = {"created_at"},
                                                        .frame = RowRange(std::nullopt, 0)})},
                     {"moving", Window(Sum("amount"),
                                       {.order_by = {"created_at"}, .frame = RowRange(-1, 1)})},
                     {"prev", Window(Lag("amount"), {.order_by = {"created_at"}})},
                     {"next", next},
                     {"first", Window(FirstValue("amount"), {.order_by = {"created_at"}})},
                     {"last",
                      Window(LastValue("amount"), {.order_by = {"created_at"},
                                                   .frame = RowRange(std::nullopt, std::nullopt)})},
                     {"second", Window(NthValue("amount", 2),
                                       {.order_by = {"created_at"},
                                        .frame = RowRange(std::nullopt, std::nullopt)})}})
          .order_by({"created_at"});
  std::vector<Order> by_date = orders_;
  std::sort(by_date.begin(), by_date.end(),
            [](const Order& a, const Order& b) { return a.created_at < b.created_at; });
  std::size_t i = 0;
  Decimal running("0");
  for (const Record& r : rows) {
    ASSERT_LT(i, by_date.size());
    EXPECT_EQ(r.get<int64_t>("id"), by_date[i].id);
    running = running + by_date[i].amount;
    EXPECT_EQ(r.get<Decimal>("running"), running) << i;
    Decimal moving = by_date[i].amount;
    if (i > 0) moving = moving + by_date[i - 1].amount;
    if (i + 1 < by_date.size()) moving = moving + by_date[i + 1].amount;
    EXPECT_EQ(r.get<Decimal>("moving"), moving) << i;
    if (i == 0) {
      EXPECT_TRUE(r["prev"].is_null());
    } else {
      EXPECT_EQ(r.get<Decimal>("prev"), by_date[i - 1].amount) << i;
    }
    EXPECT_EQ(r.get<Decimal>("next"), i + 2 < by_date.size() ? by_date[i + 2].amount : Decimal("0"))
        << i;
    EXPECT_EQ(r.get<Decimal>("first"), by_date.front().amount);
    EXPECT_EQ(r.get<Decimal>("last"), by_date.back().amount);
    EXPECT_EQ(r.get<Decimal>("second"), by_date[1].amount);
    ++i;
  }
  EXPECT_EQ(i, by_date.size());
}

// The plan text and the options are each server's own: a test per vendor.
TEST_F(Expressions, ExplainOnEachVendorWithItsOptions) {
  const auto qs = Order::objects().filter("amount__gt", 100);
  const std::string plain = qs.explain();
  if (is("sqlite")) {
    // EXPLAIN QUERY PLAN: id, parent, notused, detail.
    EXPECT_NE(plain.find("SCAN"), std::string::npos) << plain;
    EXPECT_THROW(qs.explain({.format = "JSON"}), ValueError);
  } else if (is("postgres")) {
    EXPECT_NE(plain.find("Seq Scan on shop_order"), std::string::npos) << plain;
    const std::string json =
        qs.explain({.format = "json", .options = {{"ANALYZE", true}, {"BUFFERS", true}}});
    EXPECT_EQ(json.front(), '[') << json;
    EXPECT_NE(json.find("\"Actual Rows\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"Shared Hit Blocks\""), std::string::npos) << json;
    const std::string verbose = qs.explain({.options = {{"VERBOSE", true}, {"COSTS", false}}});
    EXPECT_NE(verbose.find("Output:"), std::string::npos) << verbose;
    EXPECT_EQ(verbose.find("cost="), std::string::npos) << verbose;
  } else if (db().dialect().server_version().find("MariaDB") != std::string::npos) {
    const std::string json = qs.explain({.format = "JSON"});
    EXPECT_NE(json.find("\"query_block\""), std::string::npos) << json;
    // MariaDB's ANALYZE runs the query and reports what happened (r_rows).
    const std::string analyzed = qs.explain({.format = "JSON", .options = {{"analyze", true}}});
    EXPECT_NE(analyzed.find("\"r_rows\""), std::string::npos) << analyzed;
    EXPECT_THROW(qs.explain({.options = {{"VERBOSE", true}}}), ValueError);
  } else {  // MySQL: EXPLAIN FORMAT=JSON, and EXPLAIN ANALYZE in its TREE format
    EXPECT_NE(qs.explain({.format = "JSON"}).find("\"query_block\""), std::string::npos);
    EXPECT_NE(qs.explain({.format = "TREE", .options = {{"ANALYZE", true}}}).find("actual time"),
              std::string::npos);
  }
}

TEST_F(Expressions, CteSelectedFromAndJoinedToAModel) {
  if (!require_feature("supports_cte")) return;
  // The seed's advanced section 10.
  With big(Order::objects().filter("amount__gt", 100), "big_orders");
  std::set<int64_t> want;
  for (const auto& o : orders_) {
    if (o.amount > Decimal("100")) want.insert(o.id);
  }
  std::set<int64_t> got;
  for (const Record& r : big.queryset()) {
    got.insert(r.get<int64_t>("id"));
    EXPECT_GT(r.get<Decimal>("amount"), Decimal("100"));
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(big.queryset().count(), static_cast<int64_t>(want.size()));
  const auto under_180 = std::count_if(orders_.begin(), orders_.end(), [](const Order& o) {
    return o.amount > Decimal("100") && o.amount < Decimal("180");
  });
  EXPECT_EQ(big.queryset().filter("amount__lt", 180).count(), under_180);
  // Customers joined to their big orders: one row per big order.
  std::multiset<std::pair<std::string, Decimal>> joined, expected;
  for (const auto& [c, extra] : big.join(objects<Customer>(), "id", "customer_id")
                                    .annotate("amount", big.col("amount"))
                                    .annotated()) {
    joined.emplace(c.name, extra.get<Decimal>("amount"));
  }
  for (int c = 0; c < 4; ++c) {
    for (const auto& o : orders_of(c)) {
      if (o.amount > Decimal("100")) expected.emplace(customers_[c].name, o.amount);
    }
  }
  EXPECT_EQ(joined, expected);
  // An aggregate over the CTE's rows.
  Decimal total("0");
  for (const auto& o : orders_) {
    if (o.amount > Decimal("100")) total = total + o.amount;
  }
  EXPECT_EQ(big.queryset().aggregate({{"total", Sum("amount")}}).get<Decimal>("total"), total);
}

TEST_F(Expressions, RecursiveCteWalksTheCategoryTree) {
  if (!require_feature("supports_recursive_cte")) return;
  // Books > (Fiction > (Crime, Fantasy > Epic), Poetry); Tools > Saws.
  std::map<std::string, Category> made;
  const auto add = [&](const std::string& name, const std::string& parent) {
    Category c;
    c.name = name;
    if (!parent.empty()) c.parent = made.at(parent);
    made[name] = objects<Category>().create(c);
  };
  add("Books", "");
  add("Fiction", "Books");
  add("Crime", "Fiction");
  add("Fantasy", "Fiction");
  add("Epic", "Fantasy");
  add("Poetry", "Books");
  add("Tools", "");
  add("Saws", "Tools");
  const With tree = category_tree();
  // Each node's depth and path, computed here by walking the parents.
  std::vector<std::pair<std::string, int64_t>> want;
  for (const auto& [name, c] : made) {
    std::string path = name;
    int64_t depth = 0;
    for (const Category* p = &c; p->parent.id();) {
      const auto it = std::find_if(made.begin(), made.end(),
                                   [&](const auto& m) { return m.second.id == *p->parent.id(); });
      p = &it->second;
      path = it->first + "/" + path;
      ++depth;
    }
    want.emplace_back(path, depth);
  }
  std::sort(want.begin(), want.end());
  std::vector<std::pair<std::string, int64_t>> got;
  for (const Record& r : tree.queryset().order_by({"path"})) {
    got.emplace_back(r.get<std::string>("path"), r.get<int64_t>("depth"));
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(got.back().first, "Tools/Saws");
  // Filtered and joined back to the model: the categories three levels down.
  std::vector<std::string> deep;
  for (const Category& c : tree.join(objects<Category>(), "id", "id")
                               .annotate("depth", tree.col("depth"))
                               .filter("depth__gte", 2)) {
    deep.push_back(c.name);
  }
  EXPECT_EQ(deep, (std::vector<std::string>{"Crime", "Epic", "Fantasy"}));
}

}  // namespace
}  // namespace quarry::test
