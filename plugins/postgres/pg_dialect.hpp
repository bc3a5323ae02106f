// How PostgreSQL spells SQL, and what it can do, by server version.
#pragma once

#include <memory>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace quarry::postgres {

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version);

}  // namespace quarry::postgres
