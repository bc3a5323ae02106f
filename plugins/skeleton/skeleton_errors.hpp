// Errors: your client's codes mapped onto quarry's error classes, in one place.
#pragma once

#include <string>

#include "quarry/plugin/sdk.hpp"

namespace skeleton {

// The class for one of your client's error codes (or SQLSTATEs).
quarry_error_class classify(int native_code);
// Throws the sdk::Error for a failure your client reported; the core raises the
// matching C++ exception (quarry/errors.hpp), carrying the code and the message.
[[noreturn]] void raise(int native_code, const std::string& message);

}  // namespace skeleton
