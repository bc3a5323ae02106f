// Checks, from outside quarry's tree, that an installed quarry works:
//   outside_app CONFIG PLUGIN_DIR query    the engine loads from PLUGIN_DIR and answers SQL
//   outside_app CONFIG PLUGIN_DIR dialect  the engine loads from PLUGIN_DIR and has a dialect
#include <quarry/quarry.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: outside_app CONFIG PLUGIN_DIR query|dialect\n";
    return 2;
  }
  const std::string config = argv[1], dir = argv[2], mode = argv[3];
  try {
    quarry::configure(config);
    quarry::Database& db = quarry::database();
    const std::string& path = db.engine().path();
    std::cout << "engine " << db.engine().name() << " " << db.engine().version() << " from " << path
              << "\n";
    if (path.rfind(dir, 0) != 0) {
      std::cerr << "FAIL: the plugin was loaded from " << path << ", not from " << dir << "\n";
      return 1;
    }
    if (mode == "query") {
      auto conn = db.acquire();
      conn->execute_script("CREATE TABLE t (id integer PRIMARY KEY, name varchar(20))");
      conn->execute("INSERT INTO t VALUES (?, ?)", {1, "outside"});
      const auto name = conn->query_value<std::string>("SELECT name FROM t WHERE id = ?", {1});
      const auto sum = conn->query_value<int64_t>("SELECT 40 + 2");
      std::cout << "query: " << name << " " << sum << "\n";
      if (name != "outside" || sum != 42) return 1;
    } else {
      const quarry::Dialect& d = db.dialect();
      std::cout << "dialect: quote " << d.quote("x") << ", returning "
                << d.features().has("has_returning") << "\n";
      try {
        db.connect();
        std::cerr << "FAIL: the skeleton connected\n";
        return 1;
      } catch (const quarry::NotSupportedError& e) {
        std::cout << "connect: " << e.what() << "\n";
      }
    }
  } catch (const quarry::Error& e) {
    std::cerr << "FAIL: " << e.what() << "\n";
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}
