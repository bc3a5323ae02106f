// PostgreSQL's SQLSTATEs mapped onto quarry's error classes: the one place that knows them.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace quarry::postgres {

quarry_error_class classify(std::string_view sqlstate);

// The error a failed result (or, with res == nullptr, the connection) reports. A session
// that the server closed is ConnectionLost whatever the SQLSTATE said.
[[noreturn]] void raise(PGconn* conn, const PGresult* res);

}  // namespace quarry::postgres
