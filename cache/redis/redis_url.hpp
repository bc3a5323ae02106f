// The Redis store's URL: where the server is and how to start a session on it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace quarry::cache_redis {

struct RedisUrl {
  std::string host;         // TCP: a name or an address (IPv6 without its brackets)
  int port = 6379;          // TCP only
  std::string socket_path;  // set for a unix socket, which then has no host
  std::string user;         // the ACL user of `AUTH user password`; empty for `AUTH password`
  std::string password;     // empty: no AUTH
  int db = 0;               // SELECTed when not 0

  bool is_unix() const { return !socket_path.empty(); }
};

// Parses `redis://[[user]:password@]host[:port][/db]` or
// `unix://[[user]:password@]/path/to/socket[?db=N]`, the user and password (and the socket
// path) percent-decoded. On failure returns nothing and says in *problem which part of the
// URL is at fault; *problem never quotes the password, so it can be logged.
std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string* problem);

}  // namespace quarry::cache_redis
