// The dialect: how your database spells SQL and what it can do, for one server version.
#pragma once

#include <memory>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace skeleton {

// Called by the core once per alias, after the first connection (with that server's
// version) or from the config's server_version; "" means "no server yet".
std::unique_ptr<quarry::sdk::Dialect> make_dialect(std::string_view server_version);

}  // namespace skeleton
