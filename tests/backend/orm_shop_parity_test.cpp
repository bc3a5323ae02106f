// Django parity on a shop's data, on a live backend: filters and aggregates across a
// relation to many rows against Django's documented semantics ("Spanning multi-valued
// relationships" in the queries topic guide; "Order of annotate() and filter() clauses"
// and "Filtering on annotations" in the aggregation topic guide), and decimals compared
// with expressions. Every expected number is computed here from the rows the test
// inserts.
#include <algorithm>
#include <map>
#include <set>

#include "support/errors.hpp"
#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using namespace seed;

class ShopData : public OrmTest {
 protected:
  struct Row {
    std::string customer;
    int amount;
    std::string status;
  };

  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    // Ann: a small and a big order; Bob: two big, one small; Cid: one small; Dan: none.
    for (const char* name : {"Ann", "Bob", "Cid", "Dan"}) {
      customers_[name] = objects<Customer>().create(Customer{.name = name, .email = name});
    }
    rows_ = {{"Ann", 100, "paid"},    {"Ann", 600, "pending"}, {"Bob", 550, "paid"},
             {"Bob", 700, "pending"}, {"Bob", 50, "paid"},     {"Cid", 20, "pending"}};
    for (const Row& r : rows_) {
      Order o;
      o.customer = customers_[r.customer];
      o.amount = Decimal(std::to_string(r.amount));
      o.status = r.status;
      Order::objects().create(o);
    }
  }

  // Per customer, how many of its orders `pred` accepts (customers with none absent).
  template <class Pred>
  std::map<std::string, int64_t> orders_where(Pred pred) const {
    std::map<std::string, int64_t> out;
    for (const Row& r : rows_) {
      if (pred(r)) ++out[r.customer];
    }
    return out;
  }
  static std::map<std::string, int64_t> counts(const QuerySet<Customer>& qs) {
    std::map<std::string, int64_t> out;
    for (const Record& r : qs.values({"name", "n"})) {
      out[r.get<std::string>("name")] = r.get<int64_t>("n");
    }
    return out;
  }

  std::map<std::string, Customer> customers_;
  std::vector<Row> rows_;
};

using MultiValued = ShopData;
using DecimalComparisons = ShopData;
using EmptyIn = ShopData;

const auto big = [](const auto& r) { return r.amount >= 500; };

// "Order of annotate() and filter() clauses": an annotation after a filter reuses the
// filter's join, so it counts only the related rows the filter kept.
TEST_F(MultiValued, AnAnnotationAfterAFilterCountsTheFilteredRows) {
  EXPECT_EQ(counts(objects<Customer>()
                       .filter("orders__amount__gte", 500)
                       .annotate("n", Count("orders"))
                       .order_by({"name"})),
            orders_where(big));
  // Sum too, over the same join.
  std::map<std::string, std::string> totals, expected;
  std::map<std::string, int> sums;
  for (const Row& r : rows_) {
    if (big(r)) sums[r.customer] += r.amount;
  }
  for (const auto& [name, s] : sums)
    expected[name] = Decimal(std::to_string(s)).rescale(2).to_string();
  for (const Record& r : objects<Customer>()
                             .filter("orders__amount__gte", 500)
                             .annotate("total", Sum("orders__amount"))
                             .values({"name", "total"})) {
    totals[r.get<std::string>("name")] = r.get<Decimal>("total").rescale(2).to_string();
  }
  EXPECT_EQ(totals, expected);
}

// The annotation before the filter: the filter joins the relation again (Django's
// "the filter has no effect on the annotation"; distinct=True needed for the count).
TEST_F(MultiValued, AFilterAfterAnAnnotationJoinsAgain) {
  const auto all = orders_where([](const Row&) { return true; });
  const auto bigs = orders_where(big);
  std::map<std::string, int64_t> distinct, product;
  for (const auto& [name, n] : bigs) {
    distinct[name] = all.at(name);
    product[name] = all.at(name) * n;  // each order once per big order of the customer
  }
  EXPECT_EQ(counts(objects<Customer>()
                       .annotate("n", Count("orders", {.distinct = true}))
                       .filter("orders__amount__gte", 500)),
            distinct);
  EXPECT_EQ(
      counts(objects<Customer>().annotate("n", Count("orders")).filter("orders__amount__gte", 500)),
      product);
}

// "Filtering on annotations": filter= restricts the rows aggregated, per row.
TEST_F(MultiValued, AnAggregatesFilterAppliesToTheAggregatedRows) {
  auto expected = orders_where(big);
  for (const auto& [name, c] : customers_) expected.try_emplace(name, 0);
  EXPECT_EQ(counts(objects<Customer>().annotate(
                "n", Count("orders", {.filter = Q("orders__amount__gte", 500)}))),
            expected);
  // The same with Case/When: a condition inside an expression is about the row too.
  std::map<std::string, int64_t> by_case;
  for (const Record& r :
       objects<Customer>()
           .annotate("n", Sum(Case({When("orders__amount__gte", 500, Value(1))}, Value(0))))
           .values({"name", "n"})) {
    by_case[r.get<std::string>("name")] = r.get<int64_t>("n");
  }
  EXPECT_EQ(by_case, expected);
  // A negated filter= is about the same rows (no subquery): the small orders.
  auto small = orders_where([](const Row& r) { return r.amount < 500; });
  for (const auto& [name, c] : customers_) small.try_emplace(name, 0);
  EXPECT_EQ(counts(objects<Customer>().annotate(
                "n", Count("orders", {.filter = ~Q("orders__amount__gte", 500)}))),
            small);
}

// Rows of a filter across a relation to many rows are join rows, as Django's: one per
// related row that matches (Django users add .distinct() to list each once).
TEST_F(MultiValued, AFilterGivesJoinRowsAndDistinctGivesEachOnce) {
  const auto over = [](int x) { return [x](const Row& r) { return r.amount > x; }; };
  for (int x : {0, 90, 500, 990}) {
    int64_t joined = 0;
    std::set<std::string> names;
    for (const Row& r : rows_) {
      if (over(x)(r)) {
        ++joined;
        names.insert(r.customer);
      }
    }
    const auto qs = objects<Customer>().filter("orders__amount__gt", x);
    EXPECT_EQ(qs.count(), joined) << x;
    EXPECT_EQ(static_cast<int64_t>(qs.size()), joined) << x;
    EXPECT_EQ(static_cast<int64_t>(qs.values({"name"}).size()), joined) << x;
    EXPECT_EQ(qs.distinct().count(), static_cast<int64_t>(names.size())) << x;
    EXPECT_EQ(qs.exists(), joined > 0) << x;
  }
  // isnull on the relation: no related row (one row each), or one row per related row.
  EXPECT_EQ(objects<Customer>().filter("orders__isnull", true).count(), 1);
  EXPECT_EQ(objects<Customer>().filter("orders__isnull", false).count(),
            static_cast<int64_t>(rows_.size()));
}

// "Spanning multi-valued relationships": one filter() call is about one related row;
// a second call about any related row, joined again.
TEST_F(MultiValued, OneFilterCallIsOneRelatedRowTwoCallsAnyRows) {
  int64_t same = 0;
  std::map<std::string, int64_t> paid, small;
  for (const Row& r : rows_) {
    if (r.status == "paid" && r.amount >= 500) ++same;
    if (r.status == "paid") ++paid[r.customer];
    if (r.amount < 500) ++small[r.customer];
  }
  EXPECT_EQ(objects<Customer>()
                .filter({{"orders__status", "paid"}, {"orders__amount__gte", 500}})
                .count(),
            same);
  int64_t pairs = 0;  // a join row per (paid order, small order) of the same customer
  for (const auto& [name, n] : paid) pairs += n * (small.count(name) ? small.at(name) : 0);
  EXPECT_EQ(objects<Customer>()
                .filter("orders__status", "paid")
                .filter("orders__amount__lt", 500)
                .count(),
            pairs);
  // An OR in one call: rows of customers without orders too (the join is LEFT OUTER).
  int64_t either = 0;
  for (const Row& r : rows_) either += r.amount >= 500 || r.customer == "Dan";
  EXPECT_EQ(objects<Customer>().filter(Q("orders__amount__gte", 500) | Q("name", "Dan")).count(),
            either + 1);
}

// exclude() across a relation to many rows is a subquery in Django too: customers
// having no order that matches, each once.
TEST_F(MultiValued, ExcludeKeepsTheRowsWithNoMatchingRelatedRow) {
  std::set<std::string> with_big;
  for (const Row& r : rows_) {
    if (big(r)) with_big.insert(r.customer);
  }
  std::vector<std::string> expected, got;
  for (const auto& [name, c] : customers_) {
    if (!with_big.count(name)) expected.push_back(name);
  }
  for (const Customer& c :
       objects<Customer>().exclude("orders__amount__gte", 500).order_by({"name"}))
    got.push_back(c.name);
  EXPECT_EQ(got, expected);
}

// aggregate() over a filtered queryset reuses the filter's join, as Django's.
TEST_F(MultiValued, AggregateAfterAFilterReadsTheFilteredRows) {
  int64_t n = 0;
  int total = 0;
  for (const Row& r : rows_) {
    if (big(r)) {
      ++n;
      total += r.amount;
    }
  }
  const Record r = objects<Customer>()
                       .filter("orders__amount__gte", 500)
                       .aggregate({{"n", Count("orders")}, {"total", Sum("orders__amount")}});
  EXPECT_EQ(r.get<int64_t>("n"), n);
  EXPECT_EQ(r.get<Decimal>("total").rescale(2).to_string(),
            Decimal(std::to_string(total)).rescale(2).to_string());
}

// SQLite binds a Decimal as text: compared with an aggregate or an expression it must
// still compare as a number (Django's SQLite backend casts to NUMERIC), on every backend.
TEST_F(DecimalComparisons, ComparedWithAggregatesAndExpressionsAsNumbers) {
  std::map<std::string, int> totals;
  for (const Row& r : rows_) totals[r.customer] += r.amount;
  const auto names_over = [&](int x) {
    std::vector<std::string> out;
    for (const auto& [name, t] : totals) {
      if (t > x) out.push_back(name);
    }
    return out;
  };
  const auto names = [](const auto& qs) {
    std::vector<std::string> out;
    for (const Customer& c : qs) out.push_back(c.name);
    return out;
  };
  const auto by_total = objects<Customer>().annotate("total", Sum("orders__amount"));
  for (int x : {0, 99, 650, 1300}) {
    const Decimal d(std::to_string(x) + ".5");
    // HAVING on an aggregate; in and range lists of decimals.
    EXPECT_EQ(names(by_total.filter("total__gt", d).order_by({"name"})), names_over(x)) << x;
    std::vector<std::string> in_range;
    for (const auto& [name, t] : totals) {
      if (t >= x && t <= x + 1000) in_range.push_back(name);
    }
    EXPECT_EQ(
        names(by_total
                  .filter("total__range", std::vector<Value>{Decimal(std::to_string(x)),
                                                             Decimal(std::to_string(x + 1000))})
                  .order_by({"name"})),
        in_range)
        << x;
  }
  std::vector<std::string> exact;
  for (const auto& [name, t] : totals) {
    if (t == 650 || t == 20) exact.push_back(name);
  }
  EXPECT_EQ(names(by_total.filter("total__in", std::vector<Value>{Decimal("650.00"), Decimal("20")})
                      .order_by({"name"})),
            exact);
  // F() arithmetic in an annotation, compared with a Decimal in a filter.
  int64_t doubled_over = 0;
  for (const Row& r : rows_) doubled_over += r.amount * 2 > 1000;
  EXPECT_EQ(Order::objects()
                .annotate("twice", F("amount") * 2)
                .filter("twice__gt", Decimal("1000.00"))
                .count(),
            doubled_over);
  // A Case/When condition on an aggregate, and on a window's result.
  std::map<std::string, int64_t> flagged, expected_flags;
  for (const auto& [name, t] : totals) expected_flags[name] = t > 650 ? 1 : 0;
  for (const auto& [name, c] : customers_) expected_flags.try_emplace(name, 0);
  for (const Record& r :
       by_total.annotate("rich", Case({When("total__gt", Decimal("650.00"), Value(1))}, Value(0)))
           .values({"name", "rich"})) {
    flagged[r.get<std::string>("name")] = r.get<int64_t>("rich");
  }
  EXPECT_EQ(flagged, expected_flags);
  if (db().dialect().features().has("supports_over_clause")) {
    int64_t running_over = 0, running = 0;
    std::vector<int> amounts;
    for (const Row& r : rows_) amounts.push_back(r.amount);  // inserted in id order
    for (int a : amounts) running_over += (running += a) > 1000;
    int64_t seen = 0;
    for (const Record& r :
         Order::objects()
             .annotate("running", Window(Sum("amount"), {.order_by = {"id"}}))
             .annotate("over", Case({When("running__gt", Decimal("1000"), Value(1))}, Value(0)))
             .values({"over"})) {
      seen += r.get<int64_t>("over");
    }
    EXPECT_EQ(seen, running_over);
  }
}

// filter(id__in=[]) matches nothing, so, as in Django (its EmptyResultSet), nothing is
// sent: every read and write of it answers at once, through AND, OR and NOT.
TEST_F(EmptyIn, AnEmptyInListSendsNoQuery) {
  const auto none = [] { return objects<Customer>().filter("id__in", std::vector<Value>{}); };
  QueryCapture q;
  EXPECT_EQ(none().size(), 0u);
  EXPECT_EQ(none().count(), 0);
  EXPECT_FALSE(none().exists());
  EXPECT_FALSE(none().first().has_value());
  EXPECT_THROW(none().get(), DoesNotExist);
  EXPECT_EQ(none().values({"name"}).size(), 0u);
  EXPECT_EQ(none().filter("name", "Ann").count(), 0);
  EXPECT_EQ(objects<Customer>()
                .filter(Q("name", "Ann") & Q("orders__id__in", std::vector<Value>{}))
                .count(),
            0);
  EXPECT_EQ(none().update({{"name", "x"}}), 0);
  EXPECT_EQ(none().remove(), 0);
  const Record r = none().aggregate({{"n", Count("id")},
                                     {"total", Sum("orders__amount")},
                                     {"zero", Sum("orders__amount", {.default_value = 0})}});
  EXPECT_EQ(r.get<int64_t>("n"), 0);
  EXPECT_TRUE(r["total"].is_null());
  EXPECT_EQ(r["zero"].as<int64_t>(), 0);
  EXPECT_EQ(q.count(), 0u);
  // What is not nothing still runs: an OR with another condition, a negation.
  std::set<std::string> names;
  for (const Customer& c :
       objects<Customer>().filter(Q("id__in", std::vector<Value>{}) | Q("name", "Ann")))
    names.insert(c.name);
  EXPECT_EQ(names, std::set<std::string>{"Ann"});
  EXPECT_EQ(objects<Customer>().exclude("id__in", std::vector<Value>{}).count(),
            static_cast<int64_t>(customers_.size()));
  EXPECT_EQ(objects<Customer>().count(), static_cast<int64_t>(customers_.size()));
  EXPECT_EQ(q.count(), 3u);
}

// only()/defer() across select_related (Django's only("amount", "customer__name")): one
// query reads the fields named of both models; touching another loads it then.
TEST_F(ShopData, OnlyAcrossSelectRelatedReadsTheNamedFieldsInOneQuery) {
  const Classroom room = objects<Classroom>().create(Classroom{.name = "A1"});
  Student s{.name = "Ann", .course = "Math", .gpa = 3.5, .marks = 90};
  s.classroom = room;
  objects<Student>().create(s);
  QueryCapture q;
  Student got = objects<Student>()
                    .select_related("classroom")
                    .only({"name", "classroom__name"})
                    .get("name", "Ann");
  EXPECT_EQ(q.count(), 1u);
  EXPECT_EQ(got.name, "Ann");
  EXPECT_EQ(got.classroom.id(), room.id);
  EXPECT_EQ(got.classroom->name, "A1");
  EXPECT_EQ(q.count(), 1u);  // the classroom came with the row
  EXPECT_EQ(got.state.deferred.size(), meta<Student>().fields().size() - 3);  // id, name, classroom
  EXPECT_EQ(loaded(got, &Student::gpa), 3.5);  // a deferred field: one query more
  EXPECT_EQ(q.count(), 2u);
  Student d = objects<Student>().select_related("classroom").defer({"classroom__name"}).get();
  EXPECT_EQ(d.classroom->id, room.id);
  EXPECT_EQ(d.classroom->name, "");
  EXPECT_EQ(d.marks, 90);
}

// Django's transaction.savepoint(), savepoint_rollback(), savepoint_commit() at the API
// level: part of a block undone, a failed statement's block usable again.
TEST_F(ShopData, SavepointHelpersUndoPartOfABlock) {
  const int64_t before = objects<Customer>().count();
  {
    auto tx = atomic();
    const std::string sid = savepoint();
    objects<Customer>().create(Customer{.name = "tmp", .email = "tmp"});
    EXPECT_EQ(objects<Customer>().count(), before + 1);
    savepoint_rollback(sid);
    EXPECT_EQ(objects<Customer>().count(), before);
    const std::string kept = savepoint();
    objects<Customer>().create(Customer{.name = "kept", .email = "kept"});
    savepoint_commit(kept);
    const std::string failing = savepoint();
    EXPECT_THROW(objects<Customer>().create(
                     Customer{.id = customers_.at("Ann").id, .name = "dup", .email = "dup"}),
                 IntegrityError);
    savepoint_rollback(failing);
    EXPECT_EQ(objects<Customer>().count(), before + 1);  // the block takes queries again
  }
  EXPECT_EQ(objects<Customer>().count(), before + 1);
  EXPECT_THROW(savepoint(), TransactionManagementError);
}

// A CTE of values() names a ForeignKey by its column, as django-cte does.
TEST_F(ShopData, ACteNamesAForeignKeyByItsColumn) {
  if (!require_feature("supports_cte")) return;
  const Category root = objects<Category>().create(Category{.name = "root"});
  Category child{.name = "child"};
  child.parent = root;
  objects<Category>().create(child);
  With parents(objects<Category>().filter("name", "child").values({"id", "parent"}), "parents");
  std::vector<int64_t> got;
  for (const Record& r : parents.queryset()) got.push_back(r.get<int64_t>("parent_id"));
  EXPECT_EQ(got, std::vector<int64_t>{root.id});
}

// Django's values_list(..., named=True): tuples whose columns are also found by name.
TEST_F(ShopData, ValuesListNamedFindsColumnsByName) {
  std::map<std::string, int64_t> got, expected;
  for (const auto& [name, c] : customers_) expected[name] = c.id;
  const auto rows = objects<Customer>().values_list<int64_t, std::string>(named, "id", "name");
  for (const auto& row : rows) {
    EXPECT_EQ(row.names(), (std::vector<std::string>{"id", "name"}));
    EXPECT_EQ(row.get<int64_t>("id"), std::get<0>(row.values()));
    got[row.get<std::string>("name")] = row.get<int64_t>("id");
  }
  EXPECT_EQ(got, expected);
  const auto first = *rows.begin();
  EXPECT_EQ(error_of<ProgrammingError>([&] { (void)first.get<std::string>("nmae"); }),
            "no column 'nmae' in this row; it has: id, name");
  EXPECT_THROW((void)first.get<int64_t>("name"), ProgrammingError);
}

}  // namespace
}  // namespace quarry::test
