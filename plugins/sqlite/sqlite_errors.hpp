// SQLite's result codes mapped onto quarry's error classes: the one place that knows them.
#pragma once

#include <sqlite3.h>

#include <string>

#include "quarry/plugin/sdk.hpp"

namespace quarry::sqlite {

// The error for the last failure on db, given the (extended) code the call returned.
[[noreturn]] void raise(sqlite3* db, int code, const std::string& context = {});
quarry_error_class classify(int extended_code);

}  // namespace quarry::sqlite
