// The rule every text value is held to before it is sent, on every backend alike: valid
// UTF-8, and no NUL byte where the backend's text cannot hold one (PostgreSQL's cannot,
// and would cut the value there). Internal to the core.
#pragma once

#include <string>
#include <string_view>

namespace quarry::detail {

// "" when the text may be sent; else what is wrong with it, for an error message
// ("invalid UTF-8 at byte 3", "a NUL byte at byte 2").
std::string text_problem(std::string_view text, bool nul_allowed);

}  // namespace quarry::detail
