#include "quarry/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include "quarry/engine.hpp"
#include "quarry/errors.hpp"

namespace quarry {
namespace {

struct Where {
  const std::string& source;

  std::string at(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    if (m.line < 0) return source;
    return source + ":" + std::to_string(m.line + 1);
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& problem) const {
    throw ImproperlyConfigured(at(node) + ": " + (key.empty() ? "" : key + ": ") + problem);
  }
};

// Where the '}' that closes the '${' at `open` is: nested ${...} (in a default) and $$
// are skipped over; npos when it is not closed.
std::size_t closing_brace(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t j = open; j < text.size(); ++j) {
    if (text[j] == '$' && j + 1 < text.size() && (text[j + 1] == '{' || text[j + 1] == '$')) {
      if (text[j + 1] == '{') ++depth;
      ++j;
    } else if (text[j] == '}' && --depth == 0) {
      return j;
    }
  }
  return std::string_view::npos;
}

// ${NAME}, ${NAME:-default} (a default may use ${...} itself), $$ -> $.
std::string interpolate(const Where& w, const YAML::Node& node, const std::string& key,
                        std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += '$';
      continue;
    }
    const std::size_t close = closing_brace(text, i);
    if (close == std::string_view::npos) {
      w.fail(node, key, "unclosed '${' in '" + std::string(text) + "'");
    }
    const std::string_view expr = text.substr(i + 2, close - i - 2);
    const std::size_t dash = expr.find(":-");
    const std::string name(expr.substr(0, dash));
    bool valid = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) {
      valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_');
    }
    if (!valid) {
      w.fail(node, key, "'${" + std::string(expr) + "}' does not name an environment variable");
    }
    const char* value = std::getenv(name.c_str());
    if (dash != std::string_view::npos) {
      // The default is read only when it is used, as in a shell.
      out +=
          (value && *value) ? std::string(value) : interpolate(w, node, key, expr.substr(dash + 2));
    } else if (value) {
      out += value;
    } else {
      w.fail(node, key,
             "environment variable " + name + " is not set (write ${" + name +
                 ":-default} to give a default)");
    }
    i = close;
  }
  return out;
}

std::string scalar(const Where& w, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) w.fail(node, key, "expected a single value");
  std::string s = interpolate(w, node, key, node.Scalar());
  // A C string (a file name, a libpq keyword) would end at the NUL, silently.
  if (s.find('\0') != std::string::npos) w.fail(node, key, "the value contains a NUL byte");
  return s;
}

long long integer(const Where& w, const YAML::Node& node, const std::string& key, long long lo,
                  long long hi) {
  const std::string s = scalar(w, node, key);
  long long v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    w.fail(node, key, "expected a whole number, got '" + s + "'");
  }
  if (v < lo || v > hi) {
    w.fail(
        node, key,
        std::to_string(v) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

bool boolean(const Where& w, const YAML::Node& node, const std::string& key) {
  const std::string s = scalar(w, node, key);
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  w.fail(node, key, "expected true or false, got '" + s + "'");
}

std::string one_of(const Where& w, const YAML::Node& node, const std::string& key,
                   std::initializer_list<const char*> allowed) {
  const std::string s = scalar(w, node, key);
  std::string list;
  for (const char* a : allowed) {
    if (s == a) return s;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  w.fail(node, key, "expected one of " + list + ", got '" + s + "'");
}

std::vector<std::string> string_list(const Where& w, const YAML::Node& node, const std::string& key,
                                     const char* what = "a folder or a list of folders") {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(scalar(w, node, key));
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      out.push_back(scalar(w, node[i], key + "[" + std::to_string(i) + "]"));
    }
  } else {
    w.fail(node, key, std::string("expected ") + what);
  }
  return out;
}

// "16.2", "10.11.6-MariaDB", "15.4 (Debian 15.4-1)": a number of up to three parts, then
// anything that does not continue it.
std::string server_version(const Where& w, const YAML::Node& node, const std::string& key) {
  const std::string s = scalar(w, node, key);
  std::size_t i = 0;
  bool valid = true;
  for (int part = 0; part < 3 && valid; ++part) {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    valid = i > start && i - start <= 9;
    if (i >= s.size() || s[i] != '.') break;
    ++i;
  }
  const bool ends_well = i == s.size() || (s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'));
  const bool printable = std::none_of(
      s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (!valid || !ends_well || !printable) {
    w.fail(node, key, "expected a server version such as 16.2 or 10.11.6-MariaDB, got '" + s + "'");
  }
  return s;
}

// YAML says a mapping's keys are unique, but the parser keeps both of a repeated key
// (and a lookup finds the first): a second `default:` alias would be ignored silently.
void refuse_duplicate_keys(const Where& w, const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      refuse_duplicate_keys(w, node[i], path + "[" + std::to_string(i) + "]");
    }
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, int> first_line;
  for (const auto& kv : node) {
    // Every key read later is a plain name: this walk, which comes first, refuses the
    // others ("? [a, b]: x", found by tests/fuzz/fuzz_config).
    if (!kv.first.IsScalar()) {
      w.fail(kv.first, path, "a key must be a plain name, not a mapping, a list or empty");
    }
    const std::string name = kv.first.Scalar();
    const std::string here = path.empty() ? name : path + "." + name;
    const auto [it, added] = first_line.emplace(name, kv.first.Mark().line + 1);
    if (!added) {
      w.fail(
          kv.first, here,
          "duplicate key '" + name + "' (first given on line " + std::to_string(it->second) + ")");
    }
    refuse_duplicate_keys(w, kv.second, here);
  }
}

[[noreturn]] void unknown_key(const Where& w, const YAML::Node& node, const std::string& key,
                              const std::string& name, const std::set<std::string>& known) {
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  w.fail(node, key.empty() ? name : key + "." + name,
         "unknown key '" + name + "'; the keys here are: " + list);
}

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || base_dir.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

void read_pool(const Where& w, const YAML::Node& node, const std::string& key, PoolSettings& pool) {
  if (!node.IsMap()) w.fail(node, key, "expected a mapping (size, acquire_timeout_ms, ...)");
  static const std::set<std::string> kKeys = {"size", "acquire_timeout_ms",
                                              "health_check_after_ms"};
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string path = key + "." + name;
    if (name == "size") {
      pool.size = static_cast<std::size_t>(integer(w, kv.second, path, 1, 10000));
    } else if (name == "acquire_timeout_ms") {
      pool.acquire_timeout = std::chrono::milliseconds(integer(w, kv.second, path, 0, 86'400'000));
    } else if (name == "health_check_after_ms") {
      pool.health_check_after =
          std::chrono::milliseconds(integer(w, kv.second, path, -1, 86'400'000));
    } else {
      unknown_key(w, kv.first, key, name, kKeys);
    }
  }
}

// A short printable name that becomes part of every cache key.
std::string key_part(const Where& w, const YAML::Node& node, const std::string& key) {
  const std::string s = scalar(w, node, key);
  const bool printable = std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (s.empty() || s.size() > 64 || !printable) {
    w.fail(node, key, "expected 1 to 64 printable characters without spaces, got '" + s + "'");
  }
  return s;
}

void read_cache(const Where& w, const YAML::Node& node, const std::string& key, CacheSettings& c) {
  if (!node.IsMap()) w.fail(node, key, "expected a mapping (backend, url, ttl_s, ...)");
  static const std::set<std::string> kKeys = {
      "backend", "url",       "ttl_s",      "connect_timeout_ms", "command_timeout_ms",
      "breaker", "max_bytes", "key_prefix", "schema_version",     "fill_lock_ms"};
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string path = key + "." + name;
    const YAML::Node& v = kv.second;
    if (name == "backend") {
      c.backend = scalar(w, v, path);
      const bool plain = !c.backend.empty() && c.backend.size() <= 64 &&
                         std::all_of(c.backend.begin(), c.backend.end(), [](char ch) {
                           return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
                         });
      if (!plain) {
        w.fail(v, path, "expected memory, redis or a cache plugin's name, got '" + c.backend + "'");
      }
    } else if (name == "url") {
      c.url = scalar(w, v, path);
    } else if (name == "ttl_s") {
      c.ttl_ms = integer(w, v, path, 1, 30LL * 86'400) * 1000;
    } else if (name == "connect_timeout_ms") {
      c.connect_timeout_ms = integer(w, v, path, 1, 60'000);
    } else if (name == "command_timeout_ms") {
      c.command_timeout_ms = integer(w, v, path, 1, 60'000);
    } else if (name == "breaker") {
      if (!v.IsMap()) w.fail(v, path, "expected a mapping (failures, open_ms)");
      static const std::set<std::string> kBreaker = {"failures", "open_ms"};
      for (const auto& b : v) {
        const std::string bname = b.first.as<std::string>();
        if (bname == "failures") {
          c.breaker_failures = static_cast<int>(integer(w, b.second, path + ".failures", 1, 1000));
        } else if (bname == "open_ms") {
          c.breaker_open_ms = integer(w, b.second, path + ".open_ms", 1, 3'600'000);
        } else {
          unknown_key(w, b.first, path, bname, kBreaker);
        }
      }
    } else if (name == "max_bytes") {
      c.max_bytes = static_cast<std::size_t>(integer(w, v, path, 1024, 1LL << 40));
    } else if (name == "key_prefix") {
      c.key_prefix = key_part(w, v, path);
    } else if (name == "schema_version") {
      c.schema_version = key_part(w, v, path);
    } else if (name == "fill_lock_ms") {
      c.fill_lock_ms = integer(w, v, path, 0, 60'000);
    } else {
      unknown_key(w, kv.first, key, name, kKeys);
    }
  }
  if (c.backend.empty()) w.fail(node, key, "no backend: give backend: memory or redis");
  if (c.backend != "memory" && c.url.empty()) {
    w.fail(node, key, "the " + c.backend + " backend needs a url: (redis://127.0.0.1:6379/0)");
  }
}

DatabaseSettings read_database(const Where& w, const std::string& alias, const YAML::Node& node,
                               const std::vector<std::string>& plugin_path,
                               const std::string& base_dir) {
  const std::string key = "databases." + alias;
  if (!node.IsMap()) w.fail(node, key, "expected a mapping with engine: or url:");
  static const std::set<std::string> kKeys = {"engine",
                                              "url",
                                              "host",
                                              "port",
                                              "name",
                                              "user",
                                              "password",
                                              "options",
                                              "plugin_path",
                                              "pool",
                                              "log_queries",
                                              "log_limit",
                                              "statement_cache_size",
                                              "server_version",
                                              "isolation_level",
                                              "select_for_update",
                                              "replicas",
                                              "max_lag_ms",
                                              "health_check_ms",
                                              "cache"};

  DatabaseSettings s;
  if (const YAML::Node url = node["url"]) {
    const std::string text = scalar(w, url, key + ".url");  // its errors name the key already
    try {
      s = parse_database_url(text);
    } catch (const ImproperlyConfigured& e) {
      w.fail(url, key + ".url", e.message());
    }
  }
  s.alias = alias;
  s.source = w.at(node);
  s.plugin_path = plugin_path;
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string path = key + "." + name;
    const YAML::Node& v = kv.second;
    if (name == "url") continue;
    if (name == "engine") {
      s.engine = Engine::canonical_name(scalar(w, v, path));
    } else if (name == "host") {
      s.host = scalar(w, v, path);
    } else if (name == "port") {
      s.port = std::to_string(integer(w, v, path, 1, 65535));
    } else if (name == "name") {
      s.name = scalar(w, v, path);
    } else if (name == "user") {
      s.user = scalar(w, v, path);
    } else if (name == "password") {
      s.password = scalar(w, v, path);
    } else if (name == "options") {
      if (!v.IsMap()) w.fail(v, path, "expected a mapping of option: value");
      for (const auto& o : v) {
        const std::string oname = o.first.as<std::string>();
        s.options[oname] = scalar(w, o.second, path + "." + oname);
      }
    } else if (name == "plugin_path") {
      for (const auto& p : string_list(w, v, path))
        s.plugin_path.push_back(resolve_path(base_dir, p));
    } else if (name == "pool") {
      read_pool(w, v, path, s.pool);
    } else if (name == "log_queries") {
      s.log_queries = boolean(w, v, path);
    } else if (name == "log_limit") {
      s.log_limit = static_cast<std::size_t>(integer(w, v, path, 1, 10'000'000));
    } else if (name == "statement_cache_size") {
      s.statement_cache_size = static_cast<std::size_t>(integer(w, v, path, 0, 100'000));
    } else if (name == "server_version") {
      s.server_version = server_version(w, v, path);
    } else if (name == "isolation_level") {
      s.isolation_level = one_of(
          w, v, path, {"read_uncommitted", "read_committed", "repeatable_read", "serializable"});
    } else if (name == "select_for_update") {
      s.select_for_update = one_of(w, v, path, {"immediate", "ignore_options", "strict"});
    } else if (name == "replicas") {
      s.replicas = string_list(
          w, v, path, "an alias or a URL, or a list of them");  // resolved once every alias is read
    } else if (name == "max_lag_ms") {
      s.max_lag_ms = integer(w, v, path, 0, 86'400'000);
    } else if (name == "health_check_ms") {
      s.health_check_ms = integer(w, v, path, 10, 3'600'000);
    } else if (name == "cache") {
      read_cache(w, v, path, s.cache);
    } else {
      unknown_key(w, kv.first, key, name, kKeys);
    }
  }
  if (s.engine.empty()) {
    w.fail(node, key,
           "no engine: give engine: (sqlite, postgres, mysql or a plugin's name) or url:");
  }
  return s;
}

DatabaseSettings* find_alias(std::vector<DatabaseSettings>& dbs, std::string_view alias) {
  for (auto& d : dbs) {
    if (d.alias == alias) return &d;
  }
  return nullptr;
}

// databases.X.replicas: each an alias of the config, or a URL that becomes the alias
// "X.replicaN" with X's other settings. A replica is of one primary, of X's engine, and
// has no replicas of its own.
void resolve_replicas(const Where& w, const YAML::Node& node, const std::string& primary,
                      std::vector<DatabaseSettings>& dbs) {
  const std::string key = "databases." + primary + ".replicas";
  const std::vector<std::string> given = find_alias(dbs, primary)->replicas;
  std::vector<std::string> aliases;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string at = key + "[" + std::to_string(i) + "]";
    const YAML::Node entry = node.IsSequence() ? node[i] : node;
    std::string alias = given[i];
    if (alias.find("://") != std::string::npos) {
      DatabaseSettings r;
      try {
        r = parse_database_url(alias);
      } catch (const ImproperlyConfigured& e) {
        w.fail(entry, at, e.message());
      }
      const DatabaseSettings& p = *find_alias(dbs, primary);
      DatabaseSettings made = p;
      made.engine = r.engine;
      made.host = r.host;
      made.port = r.port;
      made.name = r.name;
      made.user = r.user;
      made.password = r.password;
      for (const auto& [k, v] : r.options) made.options[k] = v;
      made.replicas.clear();
      made.alias = primary + ".replica" + std::to_string(i + 1);
      made.source = w.at(entry);
      dbs.push_back(std::move(made));
      alias = dbs.back().alias;
    }
    DatabaseSettings* r = find_alias(dbs, alias);
    const DatabaseSettings& p = *find_alias(dbs, primary);
    if (!r) w.fail(entry, at, "no database alias '" + alias + "' (give an alias or a URL)");
    if (r->alias == primary) w.fail(entry, at, "an alias cannot be its own replica");
    if (!r->replica_of.empty() && r->replica_of != primary) {
      w.fail(entry, at, "'" + alias + "' is already a replica of '" + r->replica_of + "'");
    }
    if (!r->replicas.empty()) w.fail(entry, at, "'" + alias + "' has replicas of its own");
    if (!p.replica_of.empty()) {
      w.fail(entry, at, "'" + primary + "' is a replica of '" + p.replica_of + "' itself");
    }
    if (r->engine != p.engine) {
      w.fail(entry, at,
             "'" + alias + "' is " + r->engine + " and '" + primary + "' is " + p.engine +
                 ": a replica runs the engine of its primary");
    }
    r->replica_of = primary;
    aliases.push_back(alias);
  }
  find_alias(dbs, primary)->replicas = std::move(aliases);
}

// Nested options joined by dots: {routes: {Order: orders}} is routes.Order = orders; a
// list gives its key once per item.
void flatten_options(const Where& w, const YAML::Node& node, const std::string& prefix,
                     const std::string& key,
                     std::vector<std::pair<std::string, std::string>>& out) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      flatten_options(w, node[i], prefix, key + "[" + std::to_string(i) + "]", out);
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string name = kv.first.as<std::string>();
      const std::string joined = prefix.empty() ? name : prefix + "." + name;
      flatten_options(w, kv.second, joined, key + "." + name, out);
    }
  } else {
    out.emplace_back(prefix, scalar(w, node, key));
  }
}

// routers: [name, {name: ..., option: ...}, ...]
std::vector<RouterSettings> read_routers(const Where& w, const YAML::Node& node) {
  if (!node.IsSequence()) w.fail(node, "routers", "expected a list of router names");
  std::vector<RouterSettings> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string key = "routers[" + std::to_string(i) + "]";
    const YAML::Node entry = node[i];
    RouterSettings r;
    r.source = w.at(entry);
    if (entry.IsScalar()) {
      r.name = scalar(w, entry, key);
    } else if (entry.IsMap() && entry["name"]) {
      r.name = scalar(w, entry["name"], key + ".name");
      for (const auto& kv : entry) {
        const std::string name = kv.first.as<std::string>();
        if (name != "name") flatten_options(w, kv.second, name, key + "." + name, r.options);
      }
    } else {
      w.fail(entry, key, "expected a router's name, or a mapping with name: and its options");
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DatabaseSettings::connect_params() const {
  std::vector<std::pair<std::string, std::string>> p;
  auto add = [&p](const char* k, const std::string& v) {
    if (!v.empty()) p.emplace_back(k, v);
  };
  add("host", host);
  add("port", port);
  add("name", name);
  add("user", user);
  add("password", password);
  for (const auto& [k, v] : options) p.emplace_back(k, v);
  return p;
}

namespace {
Config parse_config(std::string_view yaml, const std::string& source);
}  // namespace

Config Config::parse(std::string_view yaml, const std::string& source) {
  try {
    return parse_config(yaml, source);
  } catch (const YAML::Exception& e) {
    // What the checks above did not foresee is still a config error, never yaml-cpp's.
    throw ImproperlyConfigured(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

namespace {
Config parse_config(std::string_view yaml, const std::string& source) {
  const Where w{source};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw ImproperlyConfigured(source + ":" + std::to_string(e.mark.line + 1) + ":" +
                               std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) w.fail(root, "", "the config must be a mapping with a 'databases' key");
  refuse_duplicate_keys(w, root, "");

  std::string base_dir;
  if (source != "<string>") base_dir = std::filesystem::path(source).parent_path().string();
  if (base_dir.empty() && source != "<string>") base_dir = ".";

  Config config;
  config.source = source;
  static const std::set<std::string> kTop = {"databases", "plugin_path", "routers"};
  for (const auto& kv : root) {
    const std::string name = kv.first.as<std::string>();
    if (!kTop.count(name)) unknown_key(w, kv.first, "", name, kTop);
  }
  if (const YAML::Node pp = root["plugin_path"]) {
    for (const auto& p : string_list(w, pp, "plugin_path")) {
      config.plugin_path.push_back(resolve_path(base_dir, p));
    }
  }
  const YAML::Node dbs = root["databases"];
  if (!dbs) w.fail(root, "databases", "missing: the config must list at least one database");
  if (!dbs.IsMap() || dbs.size() == 0) {
    w.fail(dbs, "databases", "expected a mapping of alias: settings with at least one alias");
  }
  for (const auto& kv : dbs) {
    const std::string alias = kv.first.as<std::string>();
    bool valid = !alias.empty();
    for (char c : alias) {
      valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
    if (!valid) w.fail(kv.first, "databases." + alias, "an alias is letters, digits, '_' and '-'");
    config.databases.push_back(read_database(w, alias, kv.second, config.plugin_path, base_dir));
  }
  for (const auto& kv : dbs) {
    if (const YAML::Node r = kv.second["replicas"]) {
      resolve_replicas(w, r, kv.first.as<std::string>(), config.databases);
    }
  }
  if (const YAML::Node routers = root["routers"]) config.routers = read_routers(w, routers);
  return config;
}
}  // namespace

Config Config::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ImproperlyConfigured("cannot read config file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

const std::string* RouterSettings::option(std::string_view key) const {
  for (const auto& [k, v] : options) {
    if (k == key) return &v;
  }
  return nullptr;
}

const DatabaseSettings& Config::database(std::string_view alias) const {
  std::string names;
  for (const auto& d : databases) {
    if (d.alias == alias) return d;
    names += (names.empty() ? "" : ", ") + d.alias;
  }
  throw ImproperlyConfigured("no database alias '" + std::string(alias) + "' in " + source +
                             "; the aliases are: " + names);
}

}  // namespace quarry
