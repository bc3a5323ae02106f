#include "sqlite_connection.hpp"

#include <charconv>
#include <set>

#include "sqlite_errors.hpp"
#include "sqlite_functions.hpp"

namespace quarry::sqlite {
namespace {

const std::set<std::string>& known_options() {
  static const std::set<std::string> kOptions = {"busy_timeout_ms", "journal_mode", "synchronous",
                                                 "foreign_keys", "mode",
                                                 // supplied by the core
                                                 "alias", "database_id"};
  return kOptions;
}

[[noreturn]] void bad_option(const std::string& key, const std::string& value,
                             const std::string& expected) {
  throw sdk::Error(QUARRY_ERR_INTERFACE,
                   "sqlite option " + key + ": '" + value + "' is not " + expected);
}

std::string pick(const std::string& key, const std::string& value,
                 std::initializer_list<const char*> choices) {
  std::string list;
  for (const char* c : choices) {
    if (value == c) return value;
    list += (list.empty() ? "" : ", ") + std::string(c);
  }
  bad_option(key, value, "one of " + list);
}

}  // namespace

Connection::Connection(const sdk::ConnectParams& params) {
  for (const auto& [key, value] : params.all()) {
    if (key == "host" || key == "port" || key == "user" || key == "password") {
      throw sdk::Error(QUARRY_ERR_INTERFACE,
                       "sqlite takes no " + key + ": name the database file with name:");
    }
    if (key != "name" && !known_options().count(key)) {
      std::string list;
      for (const auto& k : known_options()) list += (list.empty() ? "" : ", ") + k;
      throw sdk::Error(QUARRY_ERR_INTERFACE,
                       "unknown sqlite option '" + key + "'; the options are: " + list);
    }
  }
  std::string path = params.get("name");
  if (path.empty()) {
    throw sdk::Error(QUARRY_ERR_INTERFACE, "sqlite needs name: (a file path, or :memory:)");
  }
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  const std::string mode = pick("mode", params.get("mode", "rwc"), {"ro", "rw", "rwc"});
  flags |= mode == "ro" ? SQLITE_OPEN_READONLY
                        : (mode == "rw" ? SQLITE_OPEN_READWRITE
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (path == ":memory:") {
    // Every connection of one configured database shares one in-memory database (as
    // Django's test databases do); it lives while any of them is open.
    path = "file:quarry-memory-" + params.get("database_id", "0") + "?mode=memory&cache=shared";
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw sdk::Error(QUARRY_ERR_OPERATIONAL,
                     "cannot open sqlite database '" + params.get("name") + "': " + message, {},
                     rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  version_ = sqlite3_libversion();

  const std::string timeout = params.get("busy_timeout_ms", "5000");
  int ms = 0;
  auto r = std::from_chars(timeout.data(), timeout.data() + timeout.size(), ms);
  if (r.ec != std::errc() || r.ptr != timeout.data() + timeout.size() || ms < 0) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    bad_option("busy_timeout_ms", timeout, "a number of milliseconds");
  }
  sqlite3_busy_timeout(db_, ms);
  try {
    // Django turns foreign keys on for SQLite; so do we, unless told otherwise.
    const std::string fk = pick("foreign_keys", params.get("foreign_keys", "on"), {"on", "off"});
    execute_script("PRAGMA foreign_keys = " + fk);
    if (auto jm = params.find("journal_mode")) {
      execute_script(
          "PRAGMA journal_mode = " +
          pick("journal_mode", *jm, {"delete", "truncate", "persist", "memory", "wal", "off"}));
    }
    if (auto sync = params.find("synchronous")) {
      execute_script("PRAGMA synchronous = " +
                     pick("synchronous", *sync, {"off", "normal", "full", "extra"}));
    }
    register_functions(db_);
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  if (db_) sqlite3_close_v2(db_);
}

void Connection::ping() {
  execute_script("SELECT 1");
}

void Connection::execute_script(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    sqlite3_free(err);
    raise(db_, sqlite3_extended_errcode(db_));
  }
}

std::unique_ptr<sdk::Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) raise(db_, sqlite3_extended_errcode(db_));
  if (!stmt) throw sdk::Error(QUARRY_ERR_PROGRAMMING, "empty statement");
  for (const char* p = tail; p && p < sql.data() + sql.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
      sqlite3_finalize(stmt);
      throw sdk::Error(QUARRY_ERR_PROGRAMMING,
                       "one statement at a time: use execute_script() for several");
    }
  }
  return std::make_unique<Statement>(*this, stmt, sql);
}

}  // namespace quarry::sqlite
