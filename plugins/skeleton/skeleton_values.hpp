// Values: quarry_values (quarry/plugin/abi.h) to what your client binds, and your
// client's column values back to quarry_values.
#pragma once

#include <string>
#include <string_view>

#include "quarry/plugin/sdk.hpp"

namespace skeleton {

// A parameter as text, for a client that binds text (dates, times and datetimes in ISO
// form, by quarry/civil_time.hpp, which both sides of the boundary share).
std::string to_text(const quarry_value& v);
// A column's value, in its natural type where your client knows it (else as text: the
// core converts to the type the application asks for). Text and bytes are borrowed:
// they must stay valid until the next fetch.
quarry_value from_text(std::string_view text, bool is_null);

}  // namespace skeleton
