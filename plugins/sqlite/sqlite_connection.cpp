#include "sqlite_connection.hpp"

#include "sqlite_errors.hpp"
#include "sqlite_functions.hpp"

namespace quarry::sqlite {

Connection::Connection(const sdk::ConnectParams& params) {
  for (const char* key : {"host", "port", "user", "password"}) {
    if (params.find(key)) {
      throw sdk::Error(QUARRY_ERR_INTERFACE, std::string("sqlite takes no ") + key +
                                                 ": name the database file with name:");
    }
  }
  params.check_known("sqlite",
                     {"busy_timeout_ms", "journal_mode", "synchronous", "foreign_keys", "mode"});
  std::string path = params.get("name");
  if (path.empty()) {
    throw sdk::Error(QUARRY_ERR_INTERFACE, "sqlite needs name: (a file path, or :memory:)");
  }
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  const std::string mode = params.choice("mode", "rwc", {"ro", "rw", "rwc"});
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

  try {
    sqlite3_busy_timeout(db_, static_cast<int>(params.number("busy_timeout_ms", 5000)));
    // Django turns foreign keys on for SQLite; so do we, unless told otherwise.
    execute_script("PRAGMA foreign_keys = " + params.choice("foreign_keys", "on", {"on", "off"}));
    if (params.find("journal_mode")) {
      execute_script("PRAGMA journal_mode = " +
                     params.choice("journal_mode", "",
                                   {"delete", "truncate", "persist", "memory", "wal", "off"}));
    }
    if (params.find("synchronous")) {
      execute_script("PRAGMA synchronous = " +
                     params.choice("synchronous", "", {"off", "normal", "full", "extra"}));
    }
    register_functions(db_);
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  sqlite3_finalize(bulk_stmt_);
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
