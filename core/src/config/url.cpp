#include <charconv>

#include "quarry/config.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"

namespace quarry {
namespace {

// Hides the password when a URL is quoted in an error.
std::string redact(std::string_view url) {
  const auto scheme = url.find("://");
  const auto at = url.rfind('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    return std::string(url);
  }
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

std::string percent_decode(std::string_view s, std::string_view url) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int v = 0;
    if (i + 2 >= s.size()) {
      throw ImproperlyConfigured("bad percent escape in database URL '" + redact(url) + "'");
    }
    auto r = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (r.ec != std::errc() || r.ptr != s.data() + i + 3 || v < 0) {
      throw ImproperlyConfigured("bad percent escape in database URL '" + redact(url) + "'");
    }
    if (v == 0) {
      // A file name or a libpq keyword would end there: %00 cut a path short.
      throw ImproperlyConfigured("database URL '" + redact(url) +
                                 "' has a NUL byte (%00), which no part of it may hold");
    }
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

}  // namespace

DatabaseSettings parse_database_url(std::string_view url) {
  DatabaseSettings s;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    throw ImproperlyConfigured("database URL '" + redact(url) +
                               "' has no scheme: expected engine://..., e.g. "
                               "postgres://user@host/db or sqlite:///path.db");
  }
  if (url.find('\0') != std::string_view::npos) {
    throw ImproperlyConfigured("database URL '" + redact(url.substr(0, url.find('\0'))) +
                               "...' has a NUL byte, which no part of it may hold");
  }
  if (url.find('#') != std::string_view::npos) {
    throw ImproperlyConfigured("database URL '" + redact(url) +
                               "' has a '#': a database URL takes no #fragment (write %23 for a "
                               "'#' in a name, user or password)");
  }
  s.engine = Engine::canonical_name(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);

  // Query string: ?key=value&key=value -> options.
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        throw ImproperlyConfigured("database URL '" + redact(url) + "' has a malformed option '" +
                                   std::string(pair) + "': expected key=value");
      }
      s.options[percent_decode(pair.substr(0, eq), url)] = percent_decode(pair.substr(eq + 1), url);
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }

  if (s.engine == "sqlite") {
    // sqlite:///abs/path.db -> /abs/path.db ; sqlite://rel.db -> rel.db ; sqlite://:memory:
    s.name = percent_decode(rest, url);
    if (s.name.empty()) {
      throw ImproperlyConfigured("database URL '" + std::string(url) +
                                 "' names no file: write sqlite:///abs/path.db, "
                                 "sqlite://relative.db or sqlite://:memory:");
    }
    return s;
  }

  // [user[:password]@]host[:port][/name]
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    s.user = percent_decode(userinfo.substr(0, colon), url);
    if (colon != std::string_view::npos)
      s.password = percent_decode(userinfo.substr(colon + 1), url);
  }
  std::string_view hostport = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    s.name = percent_decode(rest.substr(slash + 1), url);
  }
  if (!hostport.empty() && hostport.front() == '[') {  // [::1]:5432
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) {
      throw ImproperlyConfigured("database URL '" + redact(url) + "' has an unclosed '['");
    }
    s.host = std::string(hostport.substr(1, close - 1));
    hostport.remove_prefix(close + 1);
    if (!hostport.empty() && hostport.front() != ':') {
      throw ImproperlyConfigured("database URL '" + redact(url) + "' has '" +
                                 std::string(hostport) + "' after ']': expected :port or nothing");
    }
    if (!hostport.empty()) s.port = std::string(hostport.substr(1));
  } else if (const auto colon = hostport.find(':'); colon != std::string_view::npos) {
    if (hostport.find(':', colon + 1) != std::string_view::npos) {
      throw ImproperlyConfigured("database URL '" + redact(url) + "' has more than one ':' in '" +
                                 std::string(hostport) +
                                 "': give one port, and an IPv6 address in brackets ([::1]:5432)");
    }
    s.host = std::string(hostport.substr(0, colon));
    s.port = std::string(hostport.substr(colon + 1));
  } else {
    s.host = std::string(hostport);
  }
  if (!s.port.empty()) {
    int port = 0;
    auto r = std::from_chars(s.port.data(), s.port.data() + s.port.size(), port);
    if (r.ec != std::errc() || r.ptr != s.port.data() + s.port.size() || port <= 0 ||
        port > 65535) {
      throw ImproperlyConfigured("database URL '" + redact(url) + "' has an invalid port '" +
                                 s.port + "'");
    }
  }
  return s;
}

}  // namespace quarry
