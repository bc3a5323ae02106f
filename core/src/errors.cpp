#include "quarry/errors.hpp"

namespace quarry {
namespace {

// what(): "[alias] message (SQLSTATE 23505)" with the parts that are known; the SQL is
// left to sql() because it can be long.
std::string describe(const std::string& message, const ErrorContext& c) {
  std::string s;
  if (!c.alias.empty()) s += "[" + c.alias + "] ";
  s += message;
  if (!c.sqlstate.empty()) {
    s += " (SQLSTATE " + c.sqlstate + ")";
  } else if (c.native_code != 0) {
    s += " (code " + std::to_string(c.native_code) + ")";
  }
  return s;
}

}  // namespace

Error::Error(const std::string& message, ErrorContext context)
    : std::runtime_error(describe(message, context)),
      message_(message),
      context_(std::move(context)) {}

}  // namespace quarry
