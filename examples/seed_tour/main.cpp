// The seed tour: every example of the seed guide (shared/seed/django-orm-guide.md) that
// quarry can run so far, on the database a config names (configs/sqlite.yaml by default).
//
//   seed_tour [CONFIG]
//
// Each section prints its name, the SQL that ran and the result.
#include <iostream>

#include "quarry/quarry.hpp"
#include "sections.hpp"

int main(int argc, char** argv) {
  const std::string config_path = argc > 1 ? argv[1] : "configs/sqlite.yaml";
  try {
    quarry::configure(config_path);
  } catch (const quarry::Error& e) {
    std::cerr << "seed_tour: " << e.what() << "\n";
    return 1;
  }
  quarry::Database& db = quarry::database();
  tour::Tour t(db);
  std::cout << "quarry " << quarry::kVersion << " seed tour on '" << db.alias() << "' ("
            << config_path << ")\n";
  tour::setup(t);
  tour::basics(t);
  tour::relations(t);
  tour::managers(t);
  tour::advanced(t);
  tour::routing(t);
  tour::caching(t);
  tour::teardown(t);
  std::cout << "\n" << (t.failures() ? "tour finished with failures" : "tour finished") << "\n";
  return t.failures() ? 1 : 0;
}
