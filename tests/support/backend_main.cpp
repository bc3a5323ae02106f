// main() of the backend test binary: --backend=NAME picks the database.
#include <gtest/gtest.h>

#include <cstring>

#include "support/backend.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--backend=", 10) == 0) quarry::test::set_backend(argv[i] + 10);
  }
  const std::string& b = quarry::test::backend();
  if (!quarry::test::valid_backend(b)) {
    std::fprintf(stderr,
                 "bad --backend=%s: an engine name (sqlite, postgres, mysql, featureless, or "
                 "your plugin's, with QUARRY_TEST_<NAME>_URL set)\n",
                 b.c_str());
    return 2;
  }
  const int failed = RUN_ALL_TESTS();
  // The last registry goes now, its replicas' health checks stopped, not during the
  // exit handlers that destroy what those threads read.
  quarry::configure(quarry::Config{});
  return failed;
}
