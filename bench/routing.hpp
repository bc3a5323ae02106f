// The routing layer's cost and gain (issue 17): get(pk) through a router chain against
// the same query with using(), and reads spread over a primary's replica against the
// primary alone.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness.hpp"

namespace bench {

// `url` is the backend's primary; `replica_url` its replica, or "" (no replica workload).
// Runs the workloads whose names `wanted` accepts.
std::vector<Result> run_routing(const std::string& backend, const std::string& url,
                                const std::string& replica_url, int rounds,
                                const std::function<bool(const std::string&)>& wanted);

}  // namespace bench
