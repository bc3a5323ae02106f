#include "support/backend.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace quarry::test {
namespace {
std::string& current() {
  static std::string name = "sqlite";
  return name;
}

// QUARRY_TEST_POSTGRES_URL, QUARRY_TEST_MYSQL_URL, QUARRY_TEST_<NAME>_URL for another.
std::string url_variable() {
  std::string var = "QUARRY_TEST_";
  for (char c : backend()) var += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return var + "_URL";
}

std::string sqlite_file() {
  static const std::string path = [] {
    const auto dir = std::filesystem::temp_directory_path();
    return (dir / ("quarry-test-" + std::to_string(getpid()) + ".db")).string();
  }();
  return path;
}
}  // namespace

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && (std::string(ci) == "true" || std::string(ci) == "1");
}

const std::string& backend() {
  return current();
}
void set_backend(const std::string& name) {
  current() = name;
}
bool valid_backend(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

const std::string& server() {
  static const std::string sqlite = "sqlite";
  return backend() == "featureless" ? sqlite : backend();
}

bool serverless() {
  return server() == "sqlite";
}

std::string backend_url() {
  if (backend() == "sqlite") return "sqlite://" + sqlite_file();
  // Only sqlite: URLs take a path as it is; another engine's reads a name after the
  // host, so the file's absolute path is written with its slashes escaped.
  if (backend() == "featureless") {
    std::string path;
    for (char c : sqlite_file()) path += c == '/' ? std::string("%2F") : std::string(1, c);
    return "featureless:///" + path;
  }
  const char* url = std::getenv(url_variable().c_str());
  return url ? url : "";
}

std::unique_ptr<Databases> open_databases(const std::string& extra_yaml) {
  return open_databases_at(backend_url(), extra_yaml);
}

std::unique_ptr<Databases> open_databases_at(const std::string& url,
                                             const std::string& extra_yaml) {
  const std::string yaml = "databases:\n  default:\n    url: \"" + url + "\"\n" + extra_yaml;
  return std::make_unique<Databases>(Config::parse(yaml, "<test config>"));
}

void missing_server(const std::string& why) {
  if (in_ci()) {
    ADD_FAILURE() << why << "; under CI a missing server is a failure";
  } else {
    [&] { GTEST_SKIP() << why; }();  // GTEST_SKIP returns; the lambda keeps it in here
  }
}

bool require_backend() {
  if (!backend_url().empty()) return true;
  missing_server("no " + backend() + " server: set " + url_variable() +
                 " (scripts/test-all.sh starts the servers and sets it)");
  return false;
}

bool has_feature(const Dialect& d, std::string_view name) {
  return d.features().has(name);
}

bool require_feature(const Dialect& d, std::string_view name) {
  if (has_feature(d, name)) return true;
  const std::string why =
      d.engine_name() + " " + d.server_version() + " lacks feature '" + std::string(name) + "'";
  [&] { GTEST_SKIP() << why; }();  // as in require_backend
  return false;
}

void BackendTest::SetUp() {
  if (!require_backend()) return;
  databases_ = open_databases();
  conn_ = db().connect();
}

void BackendTest::TearDown() {
  if (conn_ && conn_->is_usable()) {
    if (conn_->in_transaction()) conn_->rollback();
    for (const auto& t : tables_)
      conn_->execute_script("DROP TABLE IF EXISTS " + dialect().quote(t));
  }
  conn_.reset();
  databases_.reset();
  if (serverless()) std::filesystem::remove(sqlite_file());
}

std::string BackendTest::type(const std::string& kind, const std::string& args) {
  std::string t(dialect().text("type." + kind));
  if (kind == "CharField") return Dialect::render_text(t, {{"max_length", args}});
  if (kind == "DecimalField") {
    const auto comma = args.find(',');
    return Dialect::render_text(
        t, {{"max_digits", args.substr(0, comma)}, {"decimal_places", args.substr(comma + 1)}});
  }
  return t;
}

std::string BackendTest::sql(std::string_view text) {
  std::string out;
  std::size_t n = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      dialect().append_placeholder(out, ++n);
    } else {
      out += c;
    }
  }
  return out;
}

std::string BackendTest::param(std::size_t n, ValueType t) {
  std::string out;
  dialect().append_param(out, n, t);
  return out;
}

std::string BackendTest::q(const std::string& identifier) {
  return dialect().quote(identifier);
}

void BackendTest::create_table(const std::string& name, const std::string& columns) {
  conn().execute_script("DROP TABLE IF EXISTS " + dialect().quote(name));
  conn().execute_script("CREATE TABLE " + dialect().quote(name) + " (" + columns + ")");
  tables_.push_back(name);
}

void BackendTest::kill(Connection& victim) {
  if (serverless()) {
    victim.close();
    return;
  }
  auto killer = db().connect();
  if (is("postgres")) {
    const int64_t pid = victim.query_value<int64_t>("SELECT pg_backend_pid()");
    killer->query("SELECT pg_terminate_backend($1)", {pid});
  } else {
    const int64_t id = victim.query_value<int64_t>("SELECT CONNECTION_ID()");
    killer->execute_script("KILL CONNECTION " + std::to_string(id));
  }
}

}  // namespace quarry::test
