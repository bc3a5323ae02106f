// Where quarry says what an application should know but that is not an error: a replica
// taken out of rotation and back, a read that fell back to the primary. By default each
// line goes to stderr, prefixed "quarry: " (stderr_log_handler); set_log_handler() sends
// them elsewhere (an empty function drops them). The handler is called from any thread,
// one line at a time.
#pragma once

#include <functional>
#include <string_view>

namespace quarry {

enum class LogLevel { Info, Warning };

using LogHandler = std::function<void(LogLevel level, std::string_view line)>;
void set_log_handler(LogHandler handler);
void stderr_log_handler(LogLevel level, std::string_view line);
void log_line(LogLevel level, std::string_view line);

}  // namespace quarry
