// The plugin author's SDK: write ordinary C++ classes, and QUARRY_PLUGIN(YourPlugin)
// builds the C table of quarry/plugin/abi.h around them. Header-only; a plugin links
// nothing of quarry. Exceptions never cross the boundary: every entry point catches
// them and reports a quarry_error instead.
//
//   struct MyPlugin {
//     static constexpr const char* name = "mydb";
//     static constexpr const char* version = "1.0.0";
//     static constexpr const char* description = "MyDB via libmydb";
//     static std::unique_ptr<quarry::sdk::Dialect> make_dialect(std::string_view server_version);
//     static std::unique_ptr<quarry::sdk::Connection> connect(const quarry::sdk::ConnectParams&);
//   };
//   QUARRY_PLUGIN(MyPlugin)
//
// See plugins/skeleton/ for a complete starting point and docs/plugin-guide.md.
#pragma once

#include <dlfcn.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "quarry/civil_time.hpp"
#include "quarry/plugin/abi.h"
#include "quarry/plugin/dialect_keys.h"

namespace quarry::sdk {

// Throw this from any plugin method; `klass` chooses the exception the core raises.
class Error : public std::exception {
 public:
  Error(quarry_error_class klass, std::string message, std::string sqlstate = {},
        int64_t native_code = 0)
      : klass_(klass),
        message_(std::move(message)),
        sqlstate_(std::move(sqlstate)),
        native_code_(native_code) {}
  const char* what() const noexcept override { return message_.c_str(); }
  quarry_error_class error_class() const noexcept { return klass_; }
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  int64_t native_code() const noexcept { return native_code_; }

 private:
  quarry_error_class klass_;
  std::string message_;
  std::string sqlstate_;
  int64_t native_code_;
};

// The config's connection keys (host, port, name, user, password) and its `options`.
class ConnectParams {
 public:
  ConnectParams(const quarry_param* params, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) values_[params[i].key] = params[i].value;
  }
  std::optional<std::string> find(std::string_view key) const {
    auto it = values_.find(std::string(key));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  std::string get(std::string_view key, std::string_view fallback = {}) const {
    auto v = find(key);
    return v ? *v : std::string(fallback);
  }
  const std::map<std::string, std::string>& all() const { return values_; }

  // Refuses any option outside `known` (besides the connection keys and the two the core
  // adds), naming the options there are: a typo in a config must not pass unnoticed.
  void check_known(std::string_view engine, std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : values_) {
      if (is_connection_key(key) || key == "alias" || key == "database_id") continue;
      bool ok = false;
      std::string list;
      for (std::string_view k : known) {
        ok = ok || key == k;
        list += (list.empty() ? "" : ", ") + std::string(k);
      }
      if (!ok) {
        throw Error(QUARRY_ERR_INTERFACE, "unknown " + std::string(engine) + " option '" + key +
                                              "'; the options are: " + list);
      }
    }
  }
  // The option's value (or `fallback`), which must be one of `choices`.
  std::string choice(std::string_view key, std::string_view fallback,
                     std::initializer_list<std::string_view> choices) const {
    const std::string value = get(key, fallback);
    std::string list;
    for (std::string_view c : choices) {
      if (value == c) return value;
      list += (list.empty() ? "" : ", ") + std::string(c);
    }
    throw Error(QUARRY_ERR_INTERFACE,
                "option " + std::string(key) + ": '" + value + "' is not one of " + list);
  }
  // The option's value (or `fallback`) as a whole number >= 0.
  uint64_t number(std::string_view key, uint64_t fallback) const {
    const auto v = find(key);
    if (!v) return fallback;
    uint64_t n = 0;
    const char* end = v->data() + v->size();
    auto r = std::from_chars(v->data(), end, n);
    if (r.ec != std::errc() || r.ptr != end) {
      throw Error(QUARRY_ERR_INTERFACE,
                  "option " + std::string(key) + ": '" + *v + "' is not a whole number");
    }
    return n;
  }
  static bool is_connection_key(std::string_view key) {
    return key == "host" || key == "port" || key == "name" || key == "user" || key == "password";
  }

 private:
  std::map<std::string, std::string> values_;
};

// One result stream. Returned by reference from Statement::execute and owned by the
// statement, so running a prepared statement allocates nothing.
class Result {
 public:
  virtual ~Result() = default;
  virtual std::size_t column_count() const = 0;
  virtual const char* column_name(std::size_t index) const = 0;
  // Writes the next row's values (borrowed until the next fetch) and returns true, or
  // returns false when there are no more rows.
  virtual bool fetch(quarry_value* row, std::size_t ncols) = 0;
  virtual int64_t affected_rows() const { return -1; }
  virtual std::optional<int64_t> last_insert_id() const { return std::nullopt; }
  // Called when the core is done with the result (all rows read or not).
  virtual void close() {}
};

class Statement {
 public:
  virtual ~Statement() = default;
  virtual Result& execute(std::span<const quarry_value> params, uint32_t flags) = 0;
};

// One call of bulk_insert (quarry_bulk_insert, as C++).
struct BulkInsert {
  std::string_view table;
  std::span<const char* const> columns;
  std::span<const quarry_value> values;  // rows * columns.size(), row after row
  std::size_t rows = 0;
  const char* key_column = nullptr;  // an auto-increment key to learn per row, or null
  std::span<int64_t> keys;           // with key_column: one slot a row, in row order

  const quarry_value& at(std::size_t row, std::size_t column) const {
    return values[row * columns.size() + column];
  }
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual const std::string& server_version() const = 0;
  virtual void ping() = 0;
  virtual void execute_script(std::string_view sql) = 0;
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  virtual void* native_handle() { return nullptr; }
  // The engine's fast path for many rows, filling insert.keys when a key column is
  // named. False declines, having written nothing: the core then writes INSERT
  // statements. The default has no fast path.
  virtual bool bulk_insert(const BulkInsert&) { return false; }

  // For drivers whose streamed result holds the session until it is read or closed
  // (libpq's single-row mode, MySQL's unbuffered fetch): mark the session while a
  // stream is open, and call require_idle() before running anything else.
  void set_streaming(bool on) { streaming_ = on; }
  void require_idle() const {
    if (streaming_) {
      throw Error(QUARRY_ERR_INTERFACE,
                  "this connection is streaming a result: read it to the end or close it "
                  "before running another statement");
    }
  }

 private:
  bool streaming_ = false;
};

// Spellings and feature flags for one server version. Set only what differs from the
// core's defaults (quarry/plugin/dialect_keys.h declares every key and flag with its
// default; docs/plugin-guide.md lists them). A name not declared there throws here, in
// the plugin, and the core refuses it too when it loads the plugin.
class Dialect {
 public:
  virtual ~Dialect() = default;
  void set(std::string key, std::string value) {
    if (!dialect_keys::is_key(key)) throw unknown("dialect key", key);
    text_[std::move(key)] = std::move(value);
  }
  void feature(std::string name, bool on) {
    if (!dialect_keys::is_flag(name)) throw unknown("feature flag", name);
    features_[std::move(name)] = on;
  }

  const char* get(const char* key) const {
    auto it = text_.find(key);
    return it == text_.end() ? nullptr : it->second.c_str();
  }
  int feature(const char* name) const {
    auto it = features_.find(name);
    return it == features_.end() ? -1 : (it->second ? 1 : 0);
  }
  // Calls each(kind, name) for every key (QUARRY_DIALECT_KEY) and flag
  // (QUARRY_DIALECT_FLAG) set.
  template <class F>
  void for_each_name(F&& each) const {
    for (const auto& entry : text_) each(QUARRY_DIALECT_KEY, entry.first.c_str());
    for (const auto& entry : features_) each(QUARRY_DIALECT_FLAG, entry.first.c_str());
  }

 private:
  static Error unknown(std::string_view what, std::string_view name) {
    return Error(QUARRY_ERR_INTERFACE, "unknown " + std::string(what) + " '" + std::string(name) +
                                           "': quarry/plugin/dialect_keys.h declares the names");
  }

  std::unordered_map<std::string, std::string> text_;
  std::unordered_map<std::string, bool> features_;
};

// ---- making values --------------------------------------------------------------

inline quarry_value null_value() {
  return quarry_value{};
}
inline quarry_value bool_value(bool b) {
  quarry_value v{};
  v.type = QUARRY_BOOL;
  v.u.i = b ? 1 : 0;
  return v;
}
inline quarry_value int_value(int64_t i, quarry_type type = QUARRY_INT64) {
  quarry_value v{};
  v.type = type;  // also QUARRY_DATE, QUARRY_TIME, QUARRY_DATETIME
  v.u.i = i;
  return v;
}
inline quarry_value double_value(double d) {
  quarry_value v{};
  v.type = QUARRY_DOUBLE;
  v.u.d = d;
  return v;
}
inline quarry_value text_value(std::string_view s, quarry_type type = QUARRY_TEXT) {
  quarry_value v{};
  v.type = type;  // also QUARRY_DECIMAL, QUARRY_BYTES, QUARRY_JSON
  v.u.s.ptr = s.data();
  v.u.s.len = s.size();
  return v;
}
inline quarry_value uuid_value(const uint8_t* bytes16) {
  quarry_value v{};
  v.type = QUARRY_UUID;
  std::memcpy(v.u.uuid, bytes16, 16);
  return v;
}
inline std::string_view text_of(const quarry_value& v) {
  return {v.u.s.ptr, v.u.s.len};
}

// ---- names -------------------------------------------------------------------------

// An identifier in the engine's quotes, a quote inside it doubled. For the SQL a plugin
// writes itself (bulk_insert); the core quotes what it compiles.
inline void append_quoted(std::string& out, std::string_view name, char quote) {
  out += quote;
  for (char c : name) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
}

// Whether two identifiers are the same to an engine that ignores ASCII case.
inline bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// ---- staying loaded -----------------------------------------------------------------

// The core unloads a plugin when nothing uses it any more. A plugin whose client
// library cannot be unloaded safely (one that leaves thread-exit or process-exit hooks
// behind, as some TLS and client libraries do) calls this once, e.g. in connect(), to
// stay loaded for the life of the process.
inline void keep_loaded() {
  static const bool pinned = [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&keep_loaded), &info) == 0 || !info.dli_fname) return false;
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
  }();
  (void)pinned;
}

// ---- the C table ------------------------------------------------------------------

namespace detail {

// The message of the last error on this thread, lent to the core until the next call.
// A plain array, not a std::string: a thread_local with a destructor would keep the
// plugin from ever being unloaded.
inline constexpr std::size_t kMessageCapacity = 8192;
inline char* last_message() {
  thread_local char message[kMessageCapacity];
  return message;
}

inline void report(quarry_error* err, quarry_error_class klass, const char* message,
                   std::string_view sqlstate = {}, int64_t native_code = 0) {
  if (!err) return;
  char* buf = last_message();
  std::size_t n = std::strlen(message);
  if (n >= kMessageCapacity) {  // keep the start, say it was cut
    n = kMessageCapacity - 4;
    std::memcpy(buf + n, "...", 4);
  } else {
    buf[n] = '\0';
  }
  std::memcpy(buf, message, n);
  err->error_class = klass;
  std::memset(err->sqlstate, 0, sizeof err->sqlstate);
  std::memcpy(err->sqlstate, sqlstate.data(), std::min<std::size_t>(sqlstate.size(), 5));
  err->native_code = native_code;
  err->message = buf;
}

// Runs f, turning any exception into a quarry_error: 0 on success, -1 on failure.
template <class F>
int guard(quarry_error* err, F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const Error& e) {
    report(err, e.error_class(), e.what(), e.sqlstate(), e.native_code());
  } catch (const std::bad_alloc&) {
    report(err, QUARRY_ERR_OPERATIONAL, "out of memory in the plugin");
  } catch (const std::exception& e) {
    report(err, QUARRY_ERR_INTERNAL, e.what());
  } catch (...) {
    report(err, QUARRY_ERR_INTERNAL, "unknown exception in the plugin");
  }
  return -1;
}

template <class T, class H>
T* from_handle(H* h) {
  return reinterpret_cast<T*>(h);
}
template <class H, class T>
H* to_handle(T* p) {
  return reinterpret_cast<H*>(p);
}

// A statement's result is owned by the statement; the handle points at the Result.
template <class Plugin>
struct Trampolines {
  static int dialect_open(const char* version, quarry_dialect** out, quarry_error* err) {
    return guard(err, [&] {
      *out = to_handle<quarry_dialect>(Plugin::make_dialect(version ? version : "").release());
    });
  }
  static void dialect_close(quarry_dialect* d) { delete from_handle<Dialect>(d); }
  static const char* dialect_get(const quarry_dialect* d, const char* key) {
    return reinterpret_cast<const Dialect*>(d)->get(key);
  }
  static int dialect_feature(const quarry_dialect* d, const char* name) {
    return reinterpret_cast<const Dialect*>(d)->feature(name);
  }
  static void dialect_names(const quarry_dialect* d, void* ctx,
                            void (*each)(void* ctx, int kind, const char* name)) {
    reinterpret_cast<const Dialect*>(d)->for_each_name(
        [&](int kind, const char* name) { each(ctx, kind, name); });
  }

  static int connect(const quarry_param* params, std::size_t n, quarry_connection** out,
                     quarry_error* err) {
    return guard(err, [&] {
      *out = to_handle<quarry_connection>(Plugin::connect(ConnectParams(params, n)).release());
    });
  }
  static void disconnect(quarry_connection* c) {
    try {
      delete from_handle<Connection>(c);
    } catch (...) {  // a destructor that throws must not cross the boundary
    }
  }
  static const char* server_version(quarry_connection* c) {
    return from_handle<Connection>(c)->server_version().c_str();
  }
  static int ping(quarry_connection* c, quarry_error* err) {
    return guard(err, [&] { from_handle<Connection>(c)->ping(); });
  }
  static int execute_script(quarry_connection* c, const char* sql, std::size_t len,
                            quarry_error* err) {
    return guard(err, [&] { from_handle<Connection>(c)->execute_script({sql, len}); });
  }
  static void* native_handle(quarry_connection* c) {
    return from_handle<Connection>(c)->native_handle();
  }
  static int prepare(quarry_connection* c, const char* sql, std::size_t len, quarry_statement** out,
                     quarry_error* err) {
    return guard(err, [&] {
      *out = to_handle<quarry_statement>(from_handle<Connection>(c)->prepare({sql, len}).release());
    });
  }
  static void finalize(quarry_statement* s) {
    try {
      delete from_handle<Statement>(s);
    } catch (...) {
    }
  }
  static int execute(quarry_statement* s, const quarry_value* params, std::size_t n, uint32_t flags,
                     quarry_result** out, quarry_error* err) {
    return guard(err, [&] {
      Result& r =
          from_handle<Statement>(s)->execute(std::span<const quarry_value>(params, n), flags);
      *out = to_handle<quarry_result>(&r);
    });
  }
  static std::size_t column_count(const quarry_result* r) {
    return reinterpret_cast<const Result*>(r)->column_count();
  }
  static const char* column_name(const quarry_result* r, std::size_t i) {
    return reinterpret_cast<const Result*>(r)->column_name(i);
  }
  static int fetch(quarry_result* r, quarry_value* row, std::size_t ncols, quarry_error* err) {
    bool got = false;
    if (guard(err, [&] { got = from_handle<Result>(r)->fetch(row, ncols); }) != 0) return -1;
    return got ? 1 : 0;
  }
  static int64_t affected_rows(const quarry_result* r) {
    return reinterpret_cast<const Result*>(r)->affected_rows();
  }
  static int last_insert_id(const quarry_result* r, int64_t* out) {
    auto id = reinterpret_cast<const Result*>(r)->last_insert_id();
    if (!id) return 0;
    *out = *id;
    return 1;
  }
  static void result_close(quarry_result* r) {
    try {
      from_handle<Result>(r)->close();
    } catch (...) {
    }
  }
  static int bulk_insert(quarry_connection* c, const quarry_bulk_insert* in, quarry_error* err) {
    bool done = false;
    const int rc = guard(err, [&] {
      BulkInsert b;
      b.table = in->table;
      b.columns = {in->columns, in->ncolumns};
      b.values = {in->rows, in->nrows * in->ncolumns};
      b.rows = in->nrows;
      b.key_column = in->key_column;
      if (in->key_column) b.keys = {in->keys, in->nrows};
      done = from_handle<Connection>(c)->bulk_insert(b);
    });
    if (rc != 0) return -1;
    return done ? 0 : 1;
  }
};

}  // namespace detail

template <class Plugin>
const quarry_plugin* plugin_table() {
  using T = detail::Trampolines<Plugin>;
  static const quarry_plugin table = {
      QUARRY_ABI_MAJOR,    QUARRY_ABI_MINOR,  static_cast<uint32_t>(sizeof(quarry_plugin)),
      Plugin::name,        Plugin::version,   Plugin::description,
      &T::dialect_open,    &T::dialect_close, &T::dialect_get,
      &T::dialect_feature, &T::connect,       &T::disconnect,
      &T::server_version,  &T::ping,          &T::execute_script,
      &T::native_handle,   &T::prepare,       &T::finalize,
      &T::execute,         &T::column_count,  &T::column_name,
      &T::fetch,           &T::affected_rows, &T::last_insert_id,
      &T::result_close,    &T::bulk_insert,   &T::dialect_names,
  };
  return &table;
}

}  // namespace quarry::sdk

// Defines the one exported entry symbol for a plugin class.
#define QUARRY_PLUGIN(PluginClass)                                                           \
  extern "C" QUARRY_PLUGIN_EXPORT const quarry_plugin* quarry_plugin_entry(uint32_t major,   \
                                                                           uint32_t minor) { \
    (void)major;                                                                             \
    (void)minor;                                                                             \
    return ::quarry::sdk::plugin_table<PluginClass>();                                       \
  }
