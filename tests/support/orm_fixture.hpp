// Fixture for query-language tests on a live backend: the global registry points at it
// (as an application's would), and the seed's models have fresh tables.
#pragma once

#include "seed/models.hpp"
#include "support/backend.hpp"

namespace quarry::test {

class OrmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!require_backend()) return;
    configure(Config::parse("databases:\n  default:\n    url: \"" + backend_url() + "\"\n",
                            "<orm test config>"));
    seed::drop_seed_tables();
    seed::create_seed_tables();
    ready_ = true;
  }
  void TearDown() override {
    if (ready_) seed::drop_seed_tables();
  }
  // Whether the database underneath is `name` (server()): for tests of its own behaviour.
  static bool is(const char* name) { return server() == name; }
  Database& db() { return database(); }
  bool has_feature(std::string_view name) { return test::has_feature(db().dialect(), name); }
  bool require_feature(std::string_view name) {
    return test::require_feature(db().dialect(), name);
  }

  bool ready_ = false;
};

}  // namespace quarry::test
