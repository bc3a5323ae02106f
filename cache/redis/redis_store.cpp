// The Redis cache store plugin, libquarry_cache_redis.so: the operations of
// quarry/plugin/cache_abi.h over a blocking hiredis context, each one command and so one
// round trip, every argument passed with its length so that keys and values may hold any
// byte, NUL included.
#include <errno.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <climits>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/plugin/cache_abi.h"
#include "redis_url.hpp"

#ifndef QUARRY_CACHE_REDIS_VERSION
#define QUARRY_CACHE_REDIS_VERSION "0.0.0"
#endif

namespace quarry::cache_redis {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

}  // namespace quarry::cache_redis

// The ABI's opaque connection.
struct quarry_cache_conn {
  quarry::cache_redis::Context context;
  // The last get_many's reply: the values it handed out point into it, so it lives until
  // the next call on the connection (or its close).
  quarry::cache_redis::Reply held;
  int64_t command_timeout_ms = 0;  // only to say it in a timeout's message
  // Set by any failure but a plain error reply. After a timeout the answer may still
  // arrive and be read as the next command's, and after an I/O error hiredis has no
  // socket left: either way the session must not be used again.
  bool broken = false;
};

namespace quarry::cache_redis {
namespace {

// The Lua script of delete_if: Redis runs a script atomically, so no other client can set
// the key between the comparison and the deletion.
constexpr std::string_view kDeleteIfScript =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else "
    "return 0 end";
// The SHA-1 of kDeleteIfScript (`printf %s "$script" | sha1sum`), so that EVALSHA sends a
// digest rather than the script. Were the two ever to disagree, every call would fall back
// to EVAL: a round trip slower, never wrong.
constexpr std::string_view kDeleteIfSha = "e9f69f2beb755be68b5e456ee2ce9aadfbc4ebf4";

template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

std::string decimal(int64_t n) {
  return std::to_string(n);
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Fills err and returns -1, the ABI's failure. The message is cut to the buffer, at a
// character boundary so that a cut message is still valid UTF-8; nothing is allocated, so
// this works when memory has run out too.
int fail(quarry_cache_error* err, quarry_cache_error_code code, std::string_view message) {
  constexpr std::string_view kPrefix = "redis: ";
  const size_t room = sizeof(err->message) - 1 - kPrefix.size();
  size_t len = message.size() < room ? message.size() : room;
  if (len < message.size()) {
    while (len > 0 && is_utf8_continuation(message[len])) --len;
  }
  std::memcpy(err->message, kPrefix.data(), kPrefix.size());
  std::memcpy(err->message + kPrefix.size(), message.data(), len);
  err->message[kPrefix.size() + len] = '\0';
  err->code = code;
  return -1;
}

std::string_view view(quarry_cache_bytes b) {
  // An absent value stands for the empty one; hiredis must not be handed a null pointer.
  return b.ptr ? std::string_view(b.ptr, b.len) : std::string_view("", 0);
}

std::string_view reply_text(const redisReply& r) {
  return r.str ? std::string_view(r.str, r.len) : std::string_view();
}

bool is_ok(const redisReply& r) {
  return r.type == REDIS_REPLY_STATUS && reply_text(r) == "OK";
}

const char* type_name(int type) {
  switch (type) {
    case REDIS_REPLY_STRING:
      return "string";
    case REDIS_REPLY_ARRAY:
      return "array";
    case REDIS_REPLY_INTEGER:
      return "integer";
    case REDIS_REPLY_NIL:
      return "nil";
    case REDIS_REPLY_STATUS:
      return "status";
    case REDIS_REPLY_ERROR:
      return "error";
    default:
      return "unknown";
  }
}

timeval to_timeval(int64_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms % 1000) * 1000);
  return tv;
}

// The arguments of one command, each with its length: binary-safe, unlike a format string.
class Command {
 public:
  Command(std::string_view name, size_t args) : name_(name) {
    argv_.reserve(args + 1);
    lengths_.reserve(args + 1);
    add(name);
  }
  void add(std::string_view arg) {
    argv_.push_back(arg.data());
    lengths_.push_back(arg.size());
  }
  void add(quarry_cache_bytes arg) { add(view(arg)); }

  std::string_view name() const { return name_; }
  // hiredis counts the arguments in an int.
  bool fits() const { return argv_.size() <= static_cast<size_t>(INT_MAX); }
  Reply send(redisContext* c) const {
    // hiredis takes char** for an array it only reads.
    auto argv = const_cast<const char**>(argv_.data());
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv_.size()), argv, lengths_.data())));
  }

 private:
  std::string_view name_;
  std::vector<const char*> argv_;
  std::vector<size_t> lengths_;
};

// hiredis 0.14 reports a timeout as an I/O error, with errno EAGAIN when the socket's
// SO_RCVTIMEO/SO_SNDTIMEO ran out and ETIMEDOUT when the connect's poll did; hiredis 1.x
// has an error type of its own. The errstr test covers an errno changed since: hiredis
// wrote errstr from errno at the failure itself.
bool timed_out(const redisContext& c, int saved_errno) {
#ifdef REDIS_ERR_TIMEOUT
  if (c.err == REDIS_ERR_TIMEOUT) return true;
#endif
  if (c.err != REDIS_ERR_IO) return false;
  if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT) {
    return true;
  }
  const std::string_view text = c.errstr;
  return text == std::strerror(EAGAIN) || text == std::strerror(ETIMEDOUT);
}

// Fills err for a round trip that got no reply, and gives the session up.
int session_failure(quarry_cache_conn& conn, std::string_view what, int saved_errno,
                    quarry_cache_error* err) {
  conn.broken = true;
  const redisContext& c = *conn.context;
  if (timed_out(c, saved_errno)) {
    // Without a command timeout of ours, the kernel's own one ran out (keepalive's).
    return fail(err, QUARRY_CACHE_ERR_TIMEOUT,
                conn.command_timeout_ms > 0
                    ? concat(what, ": no answer within ", decimal(conn.command_timeout_ms), " ms")
                    : concat(what, ": ", c.errstr));
  }
  if (c.err == 0) return fail(err, QUARRY_CACHE_ERR_IO, concat(what, ": no reply"));
  return fail(err, QUARRY_CACHE_ERR_IO, concat(what, ": ", c.errstr));
}

// A reply of a shape the command never has: the session is out of step (a proxy, a
// protocol mix-up), so it is given up too.
int unexpected(quarry_cache_conn& conn, std::string_view what, const redisReply& reply,
               quarry_cache_error* err, quarry_cache_error_code code = QUARRY_CACHE_ERR_SERVER) {
  conn.broken = true;
  return fail(err, code, concat(what, ": unexpected ", type_name(reply.type), " reply"));
}

// Sends cmd and waits for its reply, within the command timeout. Returns the reply, an
// error reply included, or nothing when the session failed (err filled).
Reply round_trip(quarry_cache_conn& conn, const Command& cmd, quarry_cache_error* err) {
  if (!cmd.fits()) {
    fail(err, QUARRY_CACHE_ERR_CONFIG, concat(cmd.name(), ": too many arguments"));
    return nullptr;
  }
  errno = 0;
  Reply reply = cmd.send(conn.context.get());
  const int saved_errno = errno;
  if (!reply) session_failure(conn, cmd.name(), saved_errno, err);
  return reply;
}

// As round_trip, and an error reply is a failure too: the server's own message.
Reply run(quarry_cache_conn& conn, const Command& cmd, quarry_cache_error* err) {
  Reply reply = round_trip(conn, cmd, err);
  if (reply && reply->type == REDIS_REPLY_ERROR) {
    fail(err, QUARRY_CACHE_ERR_SERVER, concat(cmd.name(), ": ", reply_text(*reply)));
    return nullptr;
  }
  return reply;
}

// Where the URL points, for messages (never with its credentials).
std::string where(const RedisUrl& url) {
  if (url.is_unix()) return url.socket_path;
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return ipv6 ? concat("[", url.host, "]:", decimal(url.port))
              : concat(url.host, ":", decimal(url.port));
}

Context connect(const RedisUrl& url, int64_t timeout_ms) {
  if (url.is_unix()) {
    const char* path = url.socket_path.c_str();
    return Context(timeout_ms > 0 ? redisConnectUnixWithTimeout(path, to_timeval(timeout_ms))
                                  : redisConnectUnix(path));
  }
  const char* host = url.host.c_str();
  return Context(timeout_ms > 0 ? redisConnectWithTimeout(host, url.port, to_timeval(timeout_ms))
                                : redisConnect(host, url.port));
}

// One command of the session's start, which must answer OK. Any failure is the
// connect's: the server is down or will not give us this session, unless it timed out.
int setup_step(quarry_cache_conn& conn, const Command& cmd, quarry_cache_error* err) {
  const Reply reply = round_trip(conn, cmd, err);
  if (!reply) {
    if (err->code != QUARRY_CACHE_ERR_TIMEOUT) err->code = QUARRY_CACHE_ERR_CONNECT;
    return -1;
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    return fail(err, QUARRY_CACHE_ERR_CONNECT,
                concat(cmd.name(), " refused: ", reply_text(*reply)));
  }
  if (!is_ok(*reply)) return unexpected(conn, cmd.name(), *reply, err, QUARRY_CACHE_ERR_CONNECT);
  return 0;
}

// AUTH (with the ACL user, when the URL names one) and SELECT, before the connection is
// handed out, so that every later call is one round trip.
int start_session(quarry_cache_conn& conn, const RedisUrl& url, quarry_cache_error* err) {
  if (!url.password.empty() || !url.user.empty()) {
    Command auth("AUTH", 2);
    if (!url.user.empty()) auth.add(url.user);
    auth.add(url.password);
    if (setup_step(conn, auth, err) != 0) return -1;
  }
  if (url.db != 0) {
    const std::string db = decimal(url.db);
    Command select("SELECT", 1);
    select.add(db);
    if (setup_step(conn, select, err) != 0) return -1;
  }
  return 0;
}

int open_conn(const quarry_cache_options* options, quarry_cache_conn** out,
              quarry_cache_error* err) {
  if (!out) return fail(err, QUARRY_CACHE_ERR_CONFIG, "open: nowhere to put the connection");
  *out = nullptr;
  if (!options || !options->url) return fail(err, QUARRY_CACHE_ERR_CONFIG, "no cache URL");
  std::string problem;
  const std::optional<RedisUrl> url = parse_redis_url(options->url, &problem);
  if (!url) return fail(err, QUARRY_CACHE_ERR_CONFIG, concat(problem, " in the cache URL"));

  auto conn = std::make_unique<quarry_cache_conn>();
  conn->command_timeout_ms = options->command_timeout_ms;
  errno = 0;
  conn->context = connect(*url, options->connect_timeout_ms);
  const int saved_errno = errno;
  if (!conn->context) return fail(err, QUARRY_CACHE_ERR_CONNECT, "out of memory");
  redisContext& c = *conn->context;
  if (c.err) {
    if (timed_out(c, saved_errno)) {
      return fail(err, QUARRY_CACHE_ERR_TIMEOUT,
                  concat("cannot connect to ", where(*url), " within ",
                         decimal(options->connect_timeout_ms), " ms"));
    }
    return fail(err, QUARRY_CACHE_ERR_CONNECT,
                concat("cannot connect to ", where(*url), ": ", c.errstr));
  }
  // Without a receive timeout a stopped server (SIGSTOP, CLIENT PAUSE) would block the
  // caller for good; the send timeout bounds a write into a full socket buffer.
  if (options->command_timeout_ms > 0 &&
      redisSetTimeout(&c, to_timeval(options->command_timeout_ms)) != REDIS_OK) {
    return fail(err, QUARRY_CACHE_ERR_CONNECT, concat("cannot set the timeout: ", c.errstr));
  }
  // Keepalive finds a peer that vanished (a host down, a dropped NAT entry) under an
  // idle pooled connection. It is TCP's, so a unix socket has none.
  if (!url->is_unix() && redisEnableKeepAlive(&c) != REDIS_OK) {
    return fail(err, QUARRY_CACHE_ERR_CONNECT, concat("cannot enable keepalive: ", c.errstr));
  }
  if (start_session(*conn, *url, err) != 0) return -1;
  *out = conn.release();
  return 0;
}

void close_conn(quarry_cache_conn* conn) {
  delete conn;
}

// The checks that open every call on a connection. The previous get_many's values expire
// here, as the ABI says they do at the next call.
int begin_call(quarry_cache_conn* conn, quarry_cache_error* err) {
  if (!conn) return fail(err, QUARRY_CACHE_ERR_IO, "no connection");
  conn->held.reset();
  if (conn->broken) {
    return fail(err, QUARRY_CACHE_ERR_IO, "the connection failed earlier and cannot be reused");
  }
  return 0;
}

int get_many(quarry_cache_conn* conn, const quarry_cache_bytes* keys, size_t n,
             quarry_cache_bytes* out, quarry_cache_error* err) {
  if (begin_call(conn, err) != 0) return -1;
  if (n == 0) return 0;
  Command mget("MGET", n);
  for (size_t i = 0; i < n; ++i) mget.add(keys[i]);
  Reply reply = run(*conn, mget, err);
  if (!reply) return -1;
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != n) {
    return unexpected(*conn, "MGET", *reply, err);
  }
  // Checked before out is written, so that a failure hands out no pointer into a reply
  // about to be freed.
  for (size_t i = 0; i < n; ++i) {
    const int type = reply->element[i]->type;
    if (type != REDIS_REPLY_STRING && type != REDIS_REPLY_NIL) {
      return unexpected(*conn, "MGET", *reply->element[i], err);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const redisReply& value = *reply->element[i];
    // hiredis gives an empty string a buffer of its own, so ptr tells "" from absent.
    out[i] = value.type == REDIS_REPLY_STRING ? quarry_cache_bytes{value.str, value.len}
                                              : quarry_cache_bytes{nullptr, 0};
  }
  conn->held = std::move(reply);
  return 0;
}

int set_one(quarry_cache_conn* conn, quarry_cache_bytes key, quarry_cache_bytes value,
            int64_t ttl_ms, int only_if_absent, int* done, quarry_cache_error* err) {
  if (begin_call(conn, err) != 0) return -1;
  Command set("SET", 5);
  set.add(key);
  set.add(value);
  std::string ttl;  // outlives the send, which reads it
  if (ttl_ms > 0) {
    ttl = decimal(ttl_ms);
    set.add("PX");
    set.add(ttl);
  }
  if (only_if_absent) set.add("NX");
  const Reply reply = run(*conn, set, err);
  if (!reply) return -1;
  // OK when set; nil when NX found the key there.
  if (!is_ok(*reply) && reply->type != REDIS_REPLY_NIL) {
    return unexpected(*conn, "SET", *reply, err);
  }
  if (done) *done = is_ok(*reply) ? 1 : 0;
  return 0;
}

int set_many(quarry_cache_conn* conn, const quarry_cache_bytes* keys,
             const quarry_cache_bytes* values, size_t n, quarry_cache_error* err) {
  if (begin_call(conn, err) != 0) return -1;
  if (n == 0) return 0;
  Command mset("MSET", 2 * n);
  for (size_t i = 0; i < n; ++i) {
    mset.add(keys[i]);
    mset.add(values[i]);
  }
  const Reply reply = run(*conn, mset, err);
  if (!reply) return -1;
  if (!is_ok(*reply)) return unexpected(*conn, "MSET", *reply, err);
  return 0;
}

bool is_noscript(const redisReply& r) {
  return r.type == REDIS_REPLY_ERROR && reply_text(r).starts_with("NOSCRIPT");
}

Command script_call(std::string_view verb, std::string_view script_or_sha, quarry_cache_bytes key,
                    quarry_cache_bytes value) {
  Command cmd(verb, 4);
  cmd.add(script_or_sha);
  cmd.add("1");  // one key, the rest arguments
  cmd.add(key);
  cmd.add(value);
  return cmd;
}

int delete_if(quarry_cache_conn* conn, quarry_cache_bytes key, quarry_cache_bytes value,
              quarry_cache_error* err) {
  if (begin_call(conn, err) != 0) return -1;
  Reply reply = round_trip(*conn, script_call("EVALSHA", kDeleteIfSha, key, value), err);
  if (!reply) return -1;
  if (is_noscript(*reply)) {
    // The server's script cache is empty (a restart, SCRIPT FLUSH): EVAL runs the script
    // and caches it, so the next EVALSHA finds it.
    reply = run(*conn, script_call("EVAL", kDeleteIfScript, key, value), err);
    if (!reply) return -1;
  } else if (reply->type == REDIS_REPLY_ERROR) {
    return fail(err, QUARRY_CACHE_ERR_SERVER, concat("EVALSHA: ", reply_text(*reply)));
  }
  // The number of keys deleted, 0 or 1: the ABI asks for neither.
  if (reply->type != REDIS_REPLY_INTEGER) return unexpected(*conn, "EVAL", *reply, err);
  return 0;
}

// Every entry point runs through here, so that no exception reaches the C caller (a
// failed allocation becomes an ordinary failure) and err may be NULL.
template <class Operation>
int guarded(quarry_cache_error* err, Operation&& operation) {
  quarry_cache_error scratch;
  if (!err) err = &scratch;
  try {
    return operation(err);
  } catch (const std::bad_alloc&) {
    return fail(err, QUARRY_CACHE_ERR_IO, "out of memory");
  } catch (...) {
    return fail(err, QUARRY_CACHE_ERR_IO, "unexpected exception");
  }
}

const quarry_cache_plugin kPlugin = {
    .abi_major = QUARRY_CACHE_ABI_MAJOR,
    .abi_minor = QUARRY_CACHE_ABI_MINOR,
    .struct_size = sizeof(quarry_cache_plugin),
    .name = "redis",
    .version = QUARRY_CACHE_REDIS_VERSION,
    .open =
        [](const quarry_cache_options* options, quarry_cache_conn** out, quarry_cache_error* err) {
          return guarded(err, [&](quarry_cache_error* e) { return open_conn(options, out, e); });
        },
    .close = close_conn,
    .get_many =
        [](quarry_cache_conn* conn, const quarry_cache_bytes* keys, size_t n,
           quarry_cache_bytes* out, quarry_cache_error* err) {
          return guarded(err,
                         [&](quarry_cache_error* e) { return get_many(conn, keys, n, out, e); });
        },
    .set =
        [](quarry_cache_conn* conn, quarry_cache_bytes key, quarry_cache_bytes value,
           int64_t ttl_ms, int only_if_absent, int* done, quarry_cache_error* err) {
          return guarded(err, [&](quarry_cache_error* e) {
            return set_one(conn, key, value, ttl_ms, only_if_absent, done, e);
          });
        },
    .set_many =
        [](quarry_cache_conn* conn, const quarry_cache_bytes* keys,
           const quarry_cache_bytes* values, size_t n, quarry_cache_error* err) {
          return guarded(err,
                         [&](quarry_cache_error* e) { return set_many(conn, keys, values, n, e); });
        },
    .delete_if =
        [](quarry_cache_conn* conn, quarry_cache_bytes key, quarry_cache_bytes value,
           quarry_cache_error* err) {
          return guarded(err,
                         [&](quarry_cache_error* e) { return delete_if(conn, key, value, e); });
        },
};

}  // namespace
}  // namespace quarry::cache_redis

// The one exported symbol. A core of another major version gets nothing: the table's
// layout past the frozen header is not its own. Any minor version is served, as later
// minors only append functions that the core reads only when struct_size has them.
QUARRY_CACHE_PLUGIN_EXPORT const quarry_cache_plugin* quarry_cache_plugin_entry(uint32_t major,
                                                                                uint32_t minor) {
  (void)minor;
  return major == QUARRY_CACHE_ABI_MAJOR ? &quarry::cache_redis::kPlugin : nullptr;
}
