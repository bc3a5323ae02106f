// Multiple databases (docs/guide.md "Multiple databases"): where each statement runs, a
// read served by a replica, and a read of one's own write. On a config with one database
// (the embedded SQLite default) everything runs on 'default'.
#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

namespace {

// The alias that ran the last statement the capture saw.
std::string last_alias(const QueryCapture& log) {
  return log.count() ? log.queries().back().alias : std::string("(none)");
}

}  // namespace

void routing(Tour& t) {
  const std::vector<std::string>& replicas = t.db().settings().replicas;
  t.section("Multiple databases: a read, routed", [&] {
    QueryCapture log;
    const int64_t n = objects<Student>().count();
    std::string where = "'" + last_alias(log) + "'";
    if (replicas.empty()) where += ", the only database";
    if (!replicas.empty() && last_alias(log) != t.db().alias()) where += ", a replica";
    return std::to_string(n) + " students, counted on " + where;
  });
  t.section("Multiple databases: reading your own write", [&] {
    Student ann = objects<Student>().get({{"name", "Ann"}});
    ann.gpa = 3.8;
    QueryCapture log;
    save(ann);  // the primary; its position is noted for this thread's next reads
    const std::string wrote_on = last_alias(log);
    const Student again = objects<Student>().get({{"id", ann.id}});
    return "saved on '" + wrote_on + "', read back gpa " + std::to_string(again.gpa).substr(0, 4) +
           " from '" + last_alias(log) + "'" +
           (replicas.empty() ? std::string() : " (a replica only once it has replayed the write)");
  });
}

}  // namespace tour
