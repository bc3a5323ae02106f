// Map what a caller can act on to its own class (the table in docs/plugin-guide.md,
// "Errors"); QUARRY_ERR_DATABASE is the fallback. Report a lost session as
// QUARRY_ERR_CONNECTION_LOST whatever code the driver gave: the core then stops using the
// connection (Error::poisons_connection()), and the pool replaces it.
#include "skeleton_errors.hpp"

namespace skeleton {

// Your client's codes; these stand in for them.
enum Code { kUniqueViolation = 1, kDeadlock = 2, kConnectionLost = 3, kSyntaxError = 4 };

quarry_error_class classify(int native_code) {
  switch (native_code) {
    case kUniqueViolation:
      return QUARRY_ERR_UNIQUE_VIOLATION;
    case kDeadlock:
      return QUARRY_ERR_DEADLOCK;
    case kConnectionLost:
      return QUARRY_ERR_CONNECTION_LOST;
    case kSyntaxError:
      return QUARRY_ERR_PROGRAMMING;
    default:
      return QUARRY_ERR_DATABASE;
  }
}

void raise(int native_code, const std::string& message) {
  throw quarry::sdk::Error(classify(native_code), message, /*sqlstate=*/{}, native_code);
}

}  // namespace skeleton
