// The what() of the exception of type E a call throws, or "(no error)".
#pragma once

#include <string>

namespace quarry::test {

template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace quarry::test
