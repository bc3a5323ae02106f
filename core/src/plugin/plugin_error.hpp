// Turns a plugin's quarry_error into the matching C++ exception: the one place where
// the ABI's error classes meet the hierarchy of quarry/errors.hpp.
#pragma once

#include <string_view>

#include "quarry/plugin/abi.h"

namespace quarry {

[[noreturn]] void throw_plugin_error(const quarry_error& err, std::string_view sql,
                                     std::string_view alias);

}  // namespace quarry
