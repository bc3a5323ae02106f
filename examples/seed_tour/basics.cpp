// The seed's first part: F, Q, Case/When, aggregation, annotation and the optimisation
// techniques of section 8. (Sections 4, 5, 8.1 and 9 need relations.)
#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

namespace {
std::string names(const QuerySet<Student>& qs) {
  return join(qs, [](const Student& s) { return s.name; });
}
}  // namespace

void basics(Tour& t) {
  t.section("1. F expressions: Product.objects.update(price=F('price') + 10)", [] {
    const int64_t n = Product::all_objects().update({{"price", F("price") + 10}});
    return std::to_string(n) + " rows updated; prices now " +
           join(Product::all_objects().order_by({"id"}).values_list<Decimal>("price"),
                [](const Decimal& d) { return d.to_string(); });
  });

  t.section("2. Q objects: Student.objects.filter(Q(gpa__gt=3.5) | Q(course='Math'))", [] {
    return names(objects<Student>().filter(Q("gpa__gt", 3.5) | Q("course", "Math")));
  });

  t.section("3. Case & When: annotate(scholarship=Case(When(gpa__gte=3.8, then=1000), ...))", [] {
    const auto qs = objects<Student>().annotate(
        "scholarship",
        Case({When(Q("gpa__gte", 3.8), Value(1000)), When(Q("gpa__gte", 3.5), Value(500))},
             Value(0), IntegerField()));
    return join(qs, [](const Student& s) { return s.name + " " + std::to_string(*s.scholarship); });
  });

  t.section("6. Aggregation: Student.objects.aggregate(Avg('gpa'))",
            [] { return objects<Student>().aggregate(Avg("gpa")).repr(); });

  t.section("6. Aggregation: Student.objects.values('course').annotate(count=Count('id'))", [] {
    return join(
        objects<Student>().values({"course"}).annotate("count", Count("id")).order_by({"course"}),
        [](const Record& r) { return r.repr(); });
  });

  t.section(
      "7. Annotation: annotate(total_marks=F('marks') + F('extra_credit'), bonus=Value(10))", [] {
        const auto rows =
            objects<Student>()
                .annotate({{"total_marks", F("marks") + F("extra_credit")}, {"bonus", Value(10)}})
                .annotated();
        return join(rows, [](const auto& row) {
          return row.first.name + " " + row.second["total_marks"].repr() + "+" +
                 row.second["bonus"].repr();
        });
      });

  t.section("8.2 values(): Student.objects.values('id', 'name')", [] {
    return join(objects<Student>().values({"id", "name"}).limit(3),
                [](const Record& r) { return r.repr(); });
  });

  t.section("8.2 values_list(): Student.objects.values_list('id', 'name')", [] {
    return join(objects<Student>().values_list<int64_t, std::string>("id", "name").limit(3),
                [](const auto& row) {
                  return "(" + std::to_string(std::get<0>(row)) + ", " + std::get<1>(row) + ")";
                });
  });

  t.section("8.3 only(): Student.objects.only('id', 'name')", [] {
    auto s = objects<Student>().only({"id", "name"}).get("name", "Ann");
    const std::string before = s.name + " course='" + s.course + "' (deferred)";
    return before + "; touching it loads it: course='" + loaded(s, &Student::course) + "'";
  });

  t.section("8.4 exists(): Student.objects.filter(id=1).exists()", [] {
    const int64_t id = objects<Student>().first()->id;
    return std::string(objects<Student>().filter("id", id).exists() ? "true" : "false");
  });

  t.section("8.5 Bulk: bulk_create([Student(name='A'), Student(name='B')])", [] {
    std::vector<Student> two(2);
    two[0].name = "A";
    two[1].name = "B";
    two[0].course = two[1].course = "Art";
    objects<Student>().bulk_create(two);
    return "ids " + std::to_string(two[0].id) + ", " + std::to_string(two[1].id);
  });

  t.section("8.5 Bulk: Student.objects.filter(course='Math').update(gpa=F('gpa') + 0.2)", [] {
    const int64_t n = objects<Student>().filter("course", "Math").update({{"gpa", F("gpa") + 0.2}});
    return std::to_string(n) + " rows updated";
  });

  t.section("8.6 Indexes: name = CharField(max_length=200, db_index=True)", [&] {
    auto conn = t.db().acquire();
    return join(table_indexes(*conn, "student"), [](const IndexInfo& i) {
      std::string cols;
      for (std::size_t k = 0; k < i.columns.size(); ++k) {
        cols += (k ? "," : "") + i.columns[k] + (i.descending[k] ? " DESC" : "");
      }
      return i.name + "(" + cols + ")";
    });
  });

  t.section("8.7 Debug queries: connection.queries", [&] {
    t.db().query_log().clear();
    t.db().query_log().enable();
    objects<Student>().filter("course", "Art").count();
    t.db().query_log().enable(false);
    return join(t.db().query_log().entries(), [](const QueryRecord& q) {
      return q.sql + " [" + join(q.params, [](const std::string& p) { return p; }) + "]";
    });
  });

  t.section("Lookups: name__icontains, created_at__year, gpa__range, nickname__isnull", [] {
    return names(objects<Student>()
                     .filter("name__icontains", "E")
                     .filter("created_at__year", DateTime::now().date().year())
                     .filter("gpa__range", std::vector<double>{2.0, 4.0})
                     .filter("nickname__isnull", true));
  });

  t.section("A misspelt field fails before any SQL, listing the choices", [] {
    try {
      objects<Student>().filter("gpaa", 3.5);
    } catch (const FieldError& e) {
      return std::string(e.what());
    }
    return std::string("no error?");
  });
}

}  // namespace tour
