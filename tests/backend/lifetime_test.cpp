// A plugin library stays loaded while anything uses it.
#include <fstream>

#include "support/backend.hpp"

namespace quarry::test {
namespace {

bool mapped(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find(path) != std::string::npos) return true;
  }
  return false;
}

class Lifetime : public BackendTest {};

TEST_F(Lifetime, AConnectionKeepsItsPluginLoaded) {
  const std::string path = db().engine().path();
  std::unique_ptr<Connection> survivor = db().connect();
  // Drop everything else that refers to the engine: the fixture's connection and the
  // whole registry with its pool, dialect and Engine.
  conn_.reset();
  databases_.reset();
  EXPECT_TRUE(mapped(path));
  EXPECT_EQ(survivor->query_value<int64_t>("SELECT 7"), 7);
  survivor.reset();
  // The last user is gone. A plugin over SQLite (sqlite, featureless) is unloaded then;
  // the postgres and mysql plugins pin themselves (sdk::keep_loaded) because their client
  // libraries leave process-exit hooks behind: the client library's trait, not a feature.
  EXPECT_EQ(mapped(path), !is("sqlite"));
}

}  // namespace
}  // namespace quarry::test
