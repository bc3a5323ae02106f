// The query cache's cost (issue 18): a hit of a 100-row queryset against a raw hiredis GET
// of the same entry's bytes from the same Redis, and a cached read that always misses
// against the same read uncached.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness.hpp"

namespace bench {

// `url` is the backend's database, `redis_url` the Redis (QUARRY_TEST_REDIS_URL); nothing
// runs without one.
std::vector<Result> run_cache(const std::string& backend, const std::string& url,
                              const std::string& redis_url, int rounds,
                              const std::function<bool(const std::string&)>& wanted);

}  // namespace bench
