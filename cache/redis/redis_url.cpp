#include "redis_url.hpp"

#include <charconv>
#include <climits>
#include <utility>

namespace quarry::cache_redis {
namespace {

constexpr std::string_view kTcpScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";
constexpr std::string_view kTlsScheme = "rediss://";
// Enough of an offending part to recognise it: the message must fit the ABI's 256 bytes.
constexpr size_t kQuoteMax = 64;

// Quotes a part of the URL that is at fault. Never called with a credential.
std::string quoted(std::string_view part) {
  std::string out = "\"";
  out += part.substr(0, kQuoteMax);
  if (part.size() > kQuoteMax) out += "...";
  out += '"';
  return out;
}

// Schemes are case-insensitive (RFC 3986), the rest of the URL is not.
bool has_scheme(std::string_view url, std::string_view scheme) {
  if (url.size() < scheme.size()) return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = url[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes, so that a password can hold any byte, ':' '@' '/' and NUL
// included. A '%' not followed by two hex digits is an error rather than kept as is: a
// half-encoded password would otherwise fail later as a mysterious AUTH refusal.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int high = hex_digit(s[i + 1]);
    const int low = hex_digit(s[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// A decimal number in [min, max]: digits only, so no sign, space or suffix slips by.
std::optional<int> parse_number(std::string_view s, int min, int max) {
  if (s.empty()) return std::nullopt;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int value = 0;
  const char* end = s.data() + s.size();
  const auto [stop, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || stop != end || value < min || value > max) return std::nullopt;
  return value;
}

// `[user]:password`, the part before the '@'.
bool parse_userinfo(std::string_view userinfo, RedisUrl& url, std::string* problem) {
  const size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    // `name@` reads as a user without a password to some clients and as a password
    // without its colon to others: rather than guess, ask for the colon.
    *problem = "the credentials have no ':' (write [user]:password@)";
    return false;
  }
  std::optional<std::string> user = percent_decode(userinfo.substr(0, colon));
  if (!user) {
    *problem = "bad percent-escape in the user name";
    return false;
  }
  std::optional<std::string> password = percent_decode(userinfo.substr(colon + 1));
  if (!password) {
    *problem = "bad percent-escape in the password";
    return false;
  }
  url.user = std::move(*user);
  url.password = std::move(*password);
  return true;
}

// `host[:port]`, where an IPv6 host is bracketed: `[::1]:6379`.
bool parse_host_port(std::string_view hostport, RedisUrl& url, std::string* problem) {
  std::string_view host = hostport;
  std::optional<std::string_view> port;
  if (hostport.starts_with('[')) {
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos) {
      *problem = "unclosed '[' in the host " + quoted(hostport);
      return false;
    }
    host = hostport.substr(1, close - 1);
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty() && after[0] != ':') {
      *problem = "unexpected " + quoted(after) + " after the host";
      return false;
    }
    if (!after.empty()) port = after.substr(1);
  } else if (const size_t colon = hostport.find(':'); colon != std::string_view::npos) {
    if (hostport.find(':', colon + 1) != std::string_view::npos) {
      *problem = "an IPv6 host must be bracketed, as in [::1]:6379";
      return false;
    }
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  if (host.empty()) {
    *problem = "missing host";
    return false;
  }
  if (port) {
    const std::optional<int> number = parse_number(*port, 1, 65535);
    if (!number) {
      *problem = "bad port " + quoted(*port) + " (expected 1 to 65535)";
      return false;
    }
    url.port = *number;
  }
  url.host = host;
  return true;
}

bool parse_db(std::string_view text, RedisUrl& url, std::string* problem) {
  const std::optional<int> number = parse_number(text, 0, INT_MAX);
  if (!number) {
    *problem = "bad database number " + quoted(text) + " (expected a number >= 0)";
    return false;
  }
  url.db = *number;
  return true;
}

// `key=value&...` after a socket path; only db is known.
bool parse_query(std::string_view query, RedisUrl& url, std::string* problem) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.empty()) continue;
    const size_t eq = param.find('=');
    const std::string_view key = param.substr(0, eq);
    if (key != "db") {
      // Only the key is quoted: a value might be a secret put where it does not belong.
      *problem = "unknown parameter " + quoted(key) + " (only db=N is known)";
      return false;
    }
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    if (!parse_db(value, url, problem)) return false;
  }
  return true;
}

std::optional<RedisUrl> parse_tcp(std::string_view rest, std::string* problem) {
  RedisUrl url;
  // The credentials end at the last '@': neither host nor port nor db holds one, so a
  // password keeps working with a raw '@', ':' or '/' in it.
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    if (!parse_userinfo(rest.substr(0, at), url, problem)) return std::nullopt;
    rest.remove_prefix(at + 1);
  }
  const size_t slash = rest.find('/');
  if (!parse_host_port(rest.substr(0, slash), url, problem)) return std::nullopt;
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_db(db, url, problem)) return std::nullopt;
  }
  return url;
}

std::optional<RedisUrl> parse_unix(std::string_view rest, std::string* problem) {
  RedisUrl url;
  if (rest.empty() || rest == "/") {
    *problem = "missing socket path (write unix:///path/to/socket)";
    return std::nullopt;
  }
  // A socket has no host: before its absolute path stand only credentials, which end at
  // the first "@/" (so a raw '/' or '@' in a password works unless it is "@/").
  if (!rest.starts_with('/')) {
    const size_t at = rest.find("@/");
    if (at == std::string_view::npos) {
      *problem = "a unix socket URL takes no host (write unix:///path/to/socket)";
      return std::nullopt;
    }
    if (!parse_userinfo(rest.substr(0, at), url, problem)) return std::nullopt;
    rest.remove_prefix(at + 1);
  }
  const size_t question = rest.find('?');
  std::optional<std::string> path = percent_decode(rest.substr(0, question));
  if (!path) {
    *problem = "bad percent-escape in the socket path";
    return std::nullopt;
  }
  if (*path == "/") {
    *problem = "missing socket path (write unix:///path/to/socket)";
    return std::nullopt;
  }
  url.socket_path = std::move(*path);
  if (question != std::string_view::npos && !parse_query(rest.substr(question + 1), url, problem)) {
    return std::nullopt;
  }
  return url;
}

}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string* problem) {
  if (has_scheme(url, kTcpScheme)) return parse_tcp(url.substr(kTcpScheme.size()), problem);
  if (has_scheme(url, kUnixScheme)) return parse_unix(url.substr(kUnixScheme.size()), problem);
  *problem = has_scheme(url, kTlsScheme) ? "TLS (rediss://) is not supported"
                                         : "unknown scheme (expected redis:// or unix://)";
  return std::nullopt;
}

}  // namespace quarry::cache_redis
