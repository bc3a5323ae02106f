// How SQLite spells SQL, and what it can do, by library version.
#pragma once

#include <memory>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace quarry::sqlite {

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version);

}  // namespace quarry::sqlite
