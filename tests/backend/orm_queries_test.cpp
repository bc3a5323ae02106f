// The query language on a real backend: every result is compared with what the test
// computes from the rows it inserted, in C++.
#include <algorithm>
#include <functional>
#include <set>

#include "support/custom_lookups.hpp"
#include "support/orm_fixture.hpp"

namespace quarry::test {
namespace {

using seed::Student;

std::vector<Student> students() {
  auto s = [](std::string name, std::string course, double gpa, int marks, int extra,
              std::optional<std::string> nick, std::optional<Date> enrolled,
              std::optional<DateTime> seen) {
    Student st;
    st.name = std::move(name);
    st.course = std::move(course);
    st.gpa = gpa;
    st.marks = marks;
    st.extra_credit = extra;
    st.nickname = std::move(nick);
    st.enrolled_on = enrolled;
    st.last_seen = seen;
    return st;
  };
  const DateTime t0(Date(2024, 5, 1), Time(10, 20, 30, 250000));  // a Wednesday
  return {
      s("Ann", "Math", 3.9, 88, 5, "Annie", Date(2023, 9, 1), t0),
      s("Bob", "Math", 3.4, 72, 10, std::nullopt, Date(2023, 9, 1), t0 + std::chrono::hours(30)),
      s("Cid", "Science", 3.85, 91, 0, "C", Date(2022, 9, 1), std::nullopt),
      s("Dee", "Science", 3.6, 80, 3, std::nullopt, std::nullopt, t0 - std::chrono::days(400)),
      s("Eve", "Art", 2.9, 65, 12, "Evie", Date(2024, 1, 15), t0 + std::chrono::minutes(5)),
      s("Fay", "Math", 3.55, 79, 7, std::nullopt, Date(2024, 1, 15), std::nullopt),
      s("Gus", "Art", 3.95, 95, 1, "G", Date(2021, 9, 1), t0 + std::chrono::days(3)),
      s("hal", "Science", 3.1, 70, 2, std::nullopt, Date(2023, 9, 1), t0),
      s("Ivy_x", "Math", 3.8, 85, 4, "I%", Date(2023, 2, 28), t0 + std::chrono::hours(2)),
  };
}

class Queries : public OrmTest {
 protected:
  void SetUp() override {
    OrmTest::SetUp();
    if (!ready_) return;
    data_ = students();
    objects<Student>().bulk_create(data_);
  }

  using Pred = std::function<bool(const Student&)>;
  // Names the data says match, sorted.
  std::set<std::string> expected(const Pred& p) const {
    std::set<std::string> out;
    for (const auto& s : data_) {
      if (p(s)) out.insert(s.name);
    }
    return out;
  }
  template <class QS>
  static std::set<std::string> names(const QS& qs) {
    std::set<std::string> out;
    for (const Student& s : qs) out.insert(s.name);
    return out;
  }
  // The database's answer to filter(lookup, value) against the data's.
  void check(const std::string& lookup, const Expr& value, const Pred& p) {
    SCOPED_TRACE(lookup);
    EXPECT_EQ(names(objects<Student>().filter(lookup, value)), expected(p));
    EXPECT_EQ(names(objects<Student>().exclude(lookup, value)),
              expected([&](const Student& s) { return !p(s); }))
        << "exclude";
  }

  std::vector<Student> data_;
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

TEST_F(Queries, BulkCreateFilledThePrimaryKeysWhereTheBackendCan) {
  std::set<int64_t> ids;
  for (const auto& s : data_) ids.insert(s.id);
  // PostgreSQL, MariaDB 10.5+ and SQLite 3.35+ all return keys from a multi-row INSERT.
  EXPECT_EQ(ids.size(), data_.size());
  EXPECT_FALSE(ids.count(0));
  for (const auto& s : data_) EXPECT_EQ(objects<Student>().get("pk", s.id).name, s.name);
}

TEST_F(Queries, ComparisonLookups) {
  check("gpa__gt", 3.5, [](const Student& s) { return s.gpa > 3.5; });
  check("gpa__gte", 3.85, [](const Student& s) { return s.gpa >= 3.85; });
  check("marks__lt", 80, [](const Student& s) { return s.marks < 80; });
  check("marks__lte", 80, [](const Student& s) { return s.marks <= 80; });
  check("course", "Math", [](const Student& s) { return s.course == "Math"; });
  check("marks__range", std::vector<int>{70, 85},
        [](const Student& s) { return s.marks >= 70 && s.marks <= 85; });
  check("marks__in", std::vector<int>{65, 91, 1000},
        [](const Student& s) { return s.marks == 65 || s.marks == 91; });
  check("name__in", std::vector<std::string>{}, [](const Student&) { return false; });
}

TEST_F(Queries, NullLookupsAndExcludeKeepNulls) {
  check("nickname__isnull", true, [](const Student& s) { return !s.nickname; });
  check("nickname__isnull", false, [](const Student& s) { return s.nickname.has_value(); });
  check("nickname", Value(), [](const Student& s) { return !s.nickname; });
  // exclude(nickname="C") keeps those without a nickname, as in Django.
  EXPECT_EQ(names(objects<Student>().exclude("nickname", "C")),
            expected([](const Student& s) { return s.nickname != "C"; }));
}

TEST_F(Queries, TextLookups) {
  check("name__contains", "a", [](const Student& s) { return contains(s.name, "a"); });
  check("name__icontains", "A", [](const Student& s) { return contains(upper(s.name), "A"); });
  check("name__startswith", "h", [](const Student& s) { return s.name.rfind("h", 0) == 0; });
  check("name__istartswith", "H",
        [](const Student& s) { return upper(s.name).rfind("H", 0) == 0; });
  check("name__endswith", "x", [](const Student& s) { return s.name.ends_with("x"); });
  check("name__iendswith", "X", [](const Student& s) { return upper(s.name).ends_with("X"); });
  check("name__iexact", "HAL", [](const Student& s) { return upper(s.name) == "HAL"; });
  // Wildcards in the text match themselves.
  check("name__contains", "_", [](const Student& s) { return contains(s.name, "_"); });
  check("nickname__contains", "%",
        [](const Student& s) { return s.nickname && contains(*s.nickname, "%"); });
}

TEST_F(Queries, RegexLookupsWhereTheBackendHasThem) {
  if (!has_feature("supports_regex")) {
    // Refused by name before any SQL is sent.
    EXPECT_THROW(objects<Student>().filter("name__regex", "^[A-C]").count(), NotSupportedError);
    EXPECT_THROW(objects<Student>().filter("name__iregex", "^h").count(), NotSupportedError);
    return;
  }
  check("name__regex", "^[A-C]",
        [](const Student& s) { return s.name[0] >= 'A' && s.name[0] <= 'C'; });
  check("name__iregex", "^h",
        [](const Student& s) { return s.name[0] == 'h' || s.name[0] == 'H'; });
}

TEST_F(Queries, RegisteredLookups) {
  // As an application registers them at start-up (tests/support/custom_lookups.hpp).
  register_test_lookups();
  check("marks__ne", 80, [](const Student& s) { return s.marks != 80; });
  check("course__ne", "Math", [](const Student& s) { return s.course != "Math"; });
  check("marks__ne", F("extra_credit"), [](const Student& s) { return s.marks != s.extra_credit; });
  // NULL is neither equal nor unequal; exclude() keeps it, as with every lookup.
  check("nickname__ne", "C", [](const Student& s) { return s.nickname && *s.nickname != "C"; });
  check("enrolled_on__year__ne", 2023,
        [](const Student& s) { return s.enrolled_on && s.enrolled_on->year() != 2023; });
  // Each engine's own template: COLLATE NOCASE on SQLite, UPPER() = UPPER() elsewhere.
  check("name__ieq", "HAL", [](const Student& s) { return upper(s.name) == "HAL"; });
  check("course__ieq", "math", [](const Student& s) { return s.course == "Math"; });
}

TEST_F(Queries, DateAndTimeTransforms) {
  check("enrolled_on__year", 2023,
        [](const Student& s) { return s.enrolled_on && s.enrolled_on->year() == 2023; });
  check("enrolled_on__month", 9,
        [](const Student& s) { return s.enrolled_on && s.enrolled_on->month() == 9; });
  check("enrolled_on__day__gte", 15,
        [](const Student& s) { return s.enrolled_on && s.enrolled_on->day() >= 15; });
  // Django's week_day: 1 is Sunday.
  check("last_seen__week_day", 4, [](const Student& s) {
    return s.last_seen && s.last_seen->date().iso_weekday() % 7 + 1 == 4;
  });
  check("last_seen__hour", 10,
        [](const Student& s) { return s.last_seen && s.last_seen->time().hour() == 10; });
  check("last_seen__minute", 25,
        [](const Student& s) { return s.last_seen && s.last_seen->time().minute() == 25; });
  check("last_seen__date", Date(2024, 5, 1),
        [](const Student& s) { return s.last_seen && s.last_seen->date() == Date(2024, 5, 1); });
  check("last_seen__year__lt", 2024,
        [](const Student& s) { return s.last_seen && s.last_seen->date().year() < 2024; });
}

TEST_F(Queries, SectionTwoQ) {
  EXPECT_EQ(names(objects<Student>().filter(Q("gpa__gt", 3.5) | Q("course", "Math"))),
            expected([](const Student& s) { return s.gpa > 3.5 || s.course == "Math"; }));
  EXPECT_EQ(names(objects<Student>().filter((Q("course", "Math") & ~Q("gpa__lt", 3.5)) |
                                            Q("marks__gte", 90))),
            expected([](const Student& s) {
              return (s.course == "Math" && !(s.gpa < 3.5)) || s.marks >= 90;
            }));
  EXPECT_EQ(names(objects<Student>().filter({{"course", "Science"}, {"gpa__gt", 3.5}})),
            expected([](const Student& s) { return s.course == "Science" && s.gpa > 3.5; }));
}

TEST_F(Queries, FExpressionsCompareColumns) {
  EXPECT_EQ(names(objects<Student>().filter("extra_credit__gt", F("marks") / 10)),
            expected([](const Student& s) { return s.extra_credit > s.marks / 10; }));
}

TEST_F(Queries, SectionThreeCaseWhenAnnotation) {
  const auto qs = objects<Student>().annotate(
      "scholarship",
      Case({When(Q("gpa__gte", 3.8), Value(1000)), When(Q("gpa__gte", 3.5), Value(500))}, Value(0),
           IntegerField()));
  std::size_t seen = 0;
  for (const Student& s : qs) {
    const int64_t want = s.gpa >= 3.8 ? 1000 : (s.gpa >= 3.5 ? 500 : 0);
    EXPECT_EQ(s.scholarship, want) << s.name;  // into the model's annotation slot
    ++seen;
  }
  EXPECT_EQ(seen, data_.size());
  // Ordered by the annotation, then filtered by it.
  const auto top = qs.order_by({"-scholarship", "name"}).filter("scholarship", 1000);
  EXPECT_EQ(names(top), expected([](const Student& s) { return s.gpa >= 3.8; }));
}

TEST_F(Queries, SectionSevenAnnotationsReadThroughAnnotated) {
  const auto rows =
      objects<Student>()
          .annotate({{"total_marks", F("marks") + F("extra_credit")}, {"bonus", Value(10)}})
          .annotated();
  ASSERT_EQ(rows.size(), data_.size());
  for (const auto& [s, extra] : rows) {
    EXPECT_EQ(extra.get<int64_t>("total_marks"), s.marks + s.extra_credit) << s.name;
    EXPECT_EQ(extra.get<int64_t>("bonus"), 10);
  }
}

TEST_F(Queries, OrderingSlicingAndEdges) {
  std::vector<Student> by_gpa = data_;
  std::sort(by_gpa.begin(), by_gpa.end(),
            [](const auto& a, const auto& b) { return a.gpa > b.gpa; });
  const auto qs = objects<Student>().order_by({"-gpa"});
  std::vector<std::string> got;
  for (const Student& s : qs.slice(2, 5)) got.push_back(s.name);
  EXPECT_EQ(got, (std::vector<std::string>{by_gpa[2].name, by_gpa[3].name, by_gpa[4].name}));
  EXPECT_EQ(qs.first()->name, by_gpa.front().name);
  EXPECT_EQ(qs.last()->name, by_gpa.back().name);
  EXPECT_EQ(qs[1].name, by_gpa[1].name);
  EXPECT_EQ(qs.reverse().first()->name, by_gpa.back().name);
  EXPECT_EQ(objects<Student>().latest("gpa").name, by_gpa.front().name);
  EXPECT_EQ(objects<Student>().earliest("gpa").name, by_gpa.back().name);
  // Meta.ordering is by name: byte order on PostgreSQL (C collation) and SQLite, the
  // case-insensitive collation on MariaDB (docs/backends.md): the server's collation,
  // which no dialect key or feature describes.
  std::vector<std::string> all_names;
  for (const Student& s : objects<Student>()) all_names.push_back(s.name);
  if (is("mysql")) {
    EXPECT_TRUE(std::is_sorted(
        all_names.begin(), all_names.end(),
        [](const std::string& a, const std::string& b) { return upper(a) < upper(b); }));
  } else {
    EXPECT_TRUE(std::is_sorted(all_names.begin(), all_names.end()));
  }
  EXPECT_FALSE(objects<Student>().filter("name", "nobody").first().has_value());
  EXPECT_THROW(objects<Student>().filter("name", "nobody").latest("gpa"), DoesNotExist);
}

TEST_F(Queries, NullsFirstAndLastOnEveryBackend) {
  const auto last = objects<Student>().order_by({F("nickname").asc({.nulls_last = true}), "name"});
  std::vector<bool> has;
  for (const Student& s : last) has.push_back(s.nickname.has_value());
  EXPECT_TRUE(std::is_sorted(has.begin(), has.end(), std::greater<>()))
      << "nickname NULLs come last";
  const auto first =
      objects<Student>().order_by({F("nickname").desc({.nulls_first = true}), "name"});
  has.clear();
  for (const Student& s : first) has.push_back(s.nickname.has_value());
  EXPECT_TRUE(std::is_sorted(has.begin(), has.end())) << "nickname NULLs come first";
}

TEST_F(Queries, GetRaisesDistinctExceptions) {
  EXPECT_EQ(objects<Student>().get("name", "Ann").course, "Math");
  try {
    objects<Student>().get("name", "nobody");
    FAIL();
  } catch (const DoesNotExistFor<Student>& e) {
    EXPECT_STREQ(e.what(), "Student matching query does not exist.");
  }
  try {
    objects<Student>().get("course", "Math");
    FAIL();
  } catch (const MultipleObjectsReturned& e) {
    EXPECT_STREQ(e.what(), "get() returned more than one Student -- it returned 4!");
  }
}

TEST_F(Queries, CountExistsDistinctNoneAll) {
  EXPECT_EQ(objects<Student>().count(), static_cast<int64_t>(data_.size()));
  EXPECT_EQ(objects<Student>().filter("course", "Art").count(), 2);
  EXPECT_TRUE(objects<Student>().filter("id", data_[0].id).exists());
  EXPECT_FALSE(objects<Student>().filter("id", -1).exists());
  EXPECT_EQ(objects<Student>().values({"course"}).distinct().count(), 3);
  EXPECT_EQ(objects<Student>().order_by({"name"}).slice(2, 5).count(), 3);
  QueryCapture capture;
  EXPECT_EQ(objects<Student>().none().count(), 0);
  EXPECT_TRUE(objects<Student>().none().list().empty());
  EXPECT_EQ(capture.count(), 0u) << "none() never runs a query";
  EXPECT_EQ(objects<Student>().all().size(), data_.size());
}

TEST_F(Queries, ResultsAreCachedAndQuerySetsLazy) {
  QueryCapture capture;
  const auto qs = objects<Student>().filter("course", "Math").order_by({"name"});
  EXPECT_EQ(capture.count(), 0u) << "building a queryset runs nothing";
  std::size_t n = 0;
  for (const Student& s : qs) n += s.name.size();
  for (const Student& s : qs) n += s.name.size();
  EXPECT_EQ(qs.count(), 4);
  EXPECT_TRUE(qs.exists());
  EXPECT_EQ(qs[0].name, "Ann");
  EXPECT_EQ(capture.count(), 1u) << "iterated twice, counted and indexed: one query";
  EXPECT_GT(n, 0u);
}

TEST_F(Queries, InBulk) {
  const auto found = objects<Student>().in_bulk(std::vector<int64_t>{data_[0].id, data_[2].id, -5});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found.at(data_[2].id).name, data_[2].name);
}

TEST_F(Queries, SetOperations) {
  const auto math = objects<Student>().filter("course", "Math").values_list<std::string>("name");
  const auto good = objects<Student>().filter("gpa__gte", 3.8).values_list<std::string>("name");
  auto as_set = [](const auto& qs) {
    std::set<std::string> out(qs.begin(), qs.end());
    return out;
  };
  EXPECT_EQ(as_set(math.union_(good)),
            expected([](const Student& s) { return s.course == "Math" || s.gpa >= 3.8; }));
  if (has_feature("supports_select_intersection")) {
    EXPECT_EQ(as_set(math.intersection(good)),
              expected([](const Student& s) { return s.course == "Math" && s.gpa >= 3.8; }));
  } else {
    EXPECT_THROW(math.intersection(good).count(), NotSupportedError);
  }
  if (has_feature("supports_select_difference")) {
    EXPECT_EQ(as_set(math.difference(good)),
              expected([](const Student& s) { return s.course == "Math" && s.gpa < 3.8; }));
  } else {
    EXPECT_THROW(math.difference(good).count(), NotSupportedError);
  }
  EXPECT_EQ(math.union_(good, true).count(), 4 + 4);  // UNION ALL keeps duplicates
  const auto ordered = math.union_(good).order_by({"-name"});
  std::vector<std::string> got(ordered.begin(), ordered.end());
  EXPECT_TRUE(std::is_sorted(got.rbegin(), got.rend()));
}

TEST_F(Queries, SectionEightTwoValuesAndValuesList) {
  const auto rows = objects<Student>().filter("course", "Art").values({"id", "name"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::string>("name"), "Eve");
  EXPECT_EQ(rows[0].name(0), "id");
  const auto tuples =
      objects<Student>().order_by({"name"}).values_list<int64_t, std::string, double>("id", "name",
                                                                                      "gpa");
  ASSERT_EQ(tuples.size(), data_.size());
  const auto& [id, name, gpa] = tuples[0];
  EXPECT_EQ(name, "Ann");
  EXPECT_EQ(gpa, 3.9);
  EXPECT_EQ(id, data_[0].id);
  const auto flat = objects<Student>()
                        .filter("course", "Science")
                        .order_by({"name"})
                        .values_list<std::string>("name");
  EXPECT_EQ(std::vector<std::string>(flat.begin(), flat.end()),
            (std::vector<std::string>{"Cid", "Dee", "hal"}));
  // A date transform as a value.
  const auto years =
      objects<Student>().filter("name", "Eve").values_list<int64_t>("enrolled_on__year");
  EXPECT_EQ(years[0], 2024);
}

TEST_F(Queries, SectionEightThreeOnlyAndDefer) {
  QueryCapture capture;
  auto s = objects<Student>().only({"id", "name"}).get("name", "Ann");
  EXPECT_EQ(s.name, "Ann");
  EXPECT_EQ(s.course, "") << "not selected";
  ASSERT_EQ(capture.count(), 1u);
  EXPECT_EQ(capture.queries()[0].sql.find("gpa"), std::string::npos);
  // Touching a deferred field loads it: one more query, once.
  EXPECT_EQ(loaded(s, &Student::gpa), 3.9);
  EXPECT_EQ(capture.count(), 2u);
  EXPECT_EQ(loaded(s, &Student::gpa), 3.9);
  EXPECT_EQ(loaded(s, &Student::name), "Ann");
  EXPECT_EQ(capture.count(), 2u);
  // Saving the partial object writes what was loaded and nothing else.
  s.name = "Anne";
  save(s);
  const Student full = objects<Student>().get("pk", s.id);
  EXPECT_EQ(full.name, "Anne");
  EXPECT_EQ(full.course, "Math") << "the unloaded course was not overwritten";
  EXPECT_EQ(full.marks, 88);
  const auto d = objects<Student>().defer({"nickname", "marks"}).get("name", "Bob");
  EXPECT_EQ(d.marks, 0);
  EXPECT_EQ(d.gpa, 3.4);
  EXPECT_EQ(d.state.deferred, (std::vector<std::string>{"marks", "nickname"}));
  // A model without a ModelState cannot defer: a save could overwrite a row.
  EXPECT_THROW(objects<seed::Product>().only({"name"}), ImproperlyConfigured);
}

TEST_F(Queries, SectionEightFourExistsRunsOneCheapQuery) {
  QueryCapture capture;
  EXPECT_TRUE(objects<Student>().filter("id", data_[0].id).exists());
  ASSERT_EQ(capture.count(), 1u);
  EXPECT_NE(capture.queries()[0].sql.find("SELECT 1"), std::string::npos);
}

TEST_F(Queries, SqlInspectionMatchesWhatRuns) {
  const auto qs = objects<Student>().filter("gpa__gt", 3.5);
  const CompiledSql shown = qs.sql();
  QueryCapture capture;
  (void)qs.list();
  ASSERT_EQ(capture.count(), 1u);
  EXPECT_EQ(capture.queries()[0].sql, shown.sql);
  EXPECT_EQ(capture.queries()[0].params, std::vector<std::string>{"3.5"});
}

}  // namespace
}  // namespace quarry::test
