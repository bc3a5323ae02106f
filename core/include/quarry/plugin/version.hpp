// ServerVersion: the leading "major.minor.patch" of a server's version text
// ("15.4 (Debian 15.4-1)", "10.11.6-MariaDB-0+deb12u1", "3.40.1"), for plugins whose
// dialect and features depend on the server. Header-only, part of the plugin SDK.
#pragma once

#include <compare>
#include <string_view>

namespace quarry::sdk {

struct ServerVersion {
  int major = 0, minor = 0, patch = 0;

  static ServerVersion parse(std::string_view text) {
    ServerVersion v;
    int* parts[] = {&v.major, &v.minor, &v.patch};
    std::size_t i = 0;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;  // skip "v", "PostgreSQL "
    for (int* part : parts) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') break;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        *part = *part * 10 + (text[i] - '0');
        ++i;
      }
      if (i < text.size() && text[i] == '.') {
        ++i;
      } else {
        break;
      }
    }
    return v;
  }
  friend constexpr auto operator<=>(const ServerVersion&, const ServerVersion&) = default;
};

}  // namespace quarry::sdk
