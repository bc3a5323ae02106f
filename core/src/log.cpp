#include "quarry/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

namespace quarry {
namespace {

std::mutex g_mutex;

LogHandler& handler() {
  static LogHandler h = stderr_log_handler;
  return h;
}

}  // namespace

void stderr_log_handler(LogLevel, std::string_view line) {
  std::fprintf(stderr, "quarry: %.*s\n", static_cast<int>(line.size()), line.data());
}

void set_log_handler(LogHandler h) {
  std::lock_guard lock(g_mutex);
  handler() = std::move(h);
}

void log_line(LogLevel level, std::string_view line) {
  std::lock_guard lock(g_mutex);  // one line at a time, and never a handler being replaced
  if (handler()) handler()(level, line);
}

}  // namespace quarry
