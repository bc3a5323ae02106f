// How MySQL and MariaDB spell SQL, and what each can do, by server version.
#pragma once

#include <memory>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace quarry::mysql {

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version);
// MariaDB 10.7+ has a native uuid column type; earlier servers and MySQL use char(32).
bool has_native_uuid(std::string_view version);
// MariaDB 10.2+ executes a statement for an array of rows in one round trip (what
// bulk_insert uses); 10.5+ also gives RETURNING rows for them. MySQL does neither.
bool has_array_binding(std::string_view version);
bool has_insert_returning(std::string_view version);

}  // namespace quarry::mysql
