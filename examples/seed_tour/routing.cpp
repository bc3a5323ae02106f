// Multiple databases (docs/guide.md "Multiple databases"): where each statement runs, a
// read served by a replica, and a read of one's own write. On a config with one database
// (the embedded SQLite default) everything runs on 'default'.
#include <chrono>
#include <thread>

#include "sections.hpp"
#include "seed/models.hpp"

namespace tour {

using namespace quarry;
using namespace seed;

namespace {

// The alias that ran the last of the application's statements the capture saw.
std::string last_alias(const QueryCapture& log) {
  const auto& all = log.queries();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!it->routing) return it->alias;
  }
  return "(none)";
}

}  // namespace

void routing(Tour& t) {
  const std::vector<std::string>& replicas = t.db().settings().replicas;
  t.section("Multiple databases: a read, routed", [&] {
    // This thread has just written the tour's rows: its reads go to the primary until a
    // replica has replayed them (milliseconds), then to the replica.
    int64_t n = 0;
    std::string where;
    int reads = 0;
    for (; reads < 500; ++reads) {
      QueryCapture log;
      n = objects<Student>().count();
      where = last_alias(log);
      if (replicas.empty() || where != t.db().alias()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string out = std::to_string(n) + " students, counted on '" + where + "'";
    if (replicas.empty()) return out + ", the only database";
    if (where == t.db().alias()) return out + ", the primary: no replica had this thread's writes";
    out += ", a replica: it had replayed this thread's writes";
    if (reads > 0) out += " after " + std::to_string(reads) + " reads on the primary";
    return out;
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
