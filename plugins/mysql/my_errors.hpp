// MySQL/MariaDB error numbers mapped onto quarry's error classes: the one place that
// knows them.
#pragma once

#include <mysql.h>

#include <string>

#include "quarry/plugin/sdk.hpp"

namespace quarry::mysql {

quarry_error_class classify(unsigned int code, const char* sqlstate);

[[noreturn]] void raise(MYSQL* conn);
[[noreturn]] void raise(MYSQL_STMT* stmt);

}  // namespace quarry::mysql
