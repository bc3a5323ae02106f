#include "my_connection.hpp"

#include "my_dialect.hpp"
#include "my_errors.hpp"

namespace quarry::mysql {

Connection::Connection(const sdk::ConnectParams& params) {
  // The client library (and the TLS library under it) leaves process-exit hooks
  // behind: once used, this plugin stays loaded.
  sdk::keep_loaded();
  params.check_known(
      "mysql", {"connect_timeout", "read_timeout", "write_timeout", "unix_socket", "init_command"});
  conn_ = mysql_init(nullptr);
  if (!conn_) throw sdk::Error(QUARRY_ERR_OPERATIONAL, "mysql_init: out of memory");
  // A lost connection is reported, never silently reconnected: a reconnect would drop
  // the transaction and session state without the application knowing.
  my_bool no = 0;
  mysql_options(conn_, MYSQL_OPT_RECONNECT, &no);
  mysql_options(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const auto connect_timeout = static_cast<unsigned int>(params.number("connect_timeout", 10));
  mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  for (auto [key, option] : {std::pair{"read_timeout", MYSQL_OPT_READ_TIMEOUT},
                             std::pair{"write_timeout", MYSQL_OPT_WRITE_TIMEOUT}}) {
    if (params.find(key)) {
      const auto seconds = static_cast<unsigned int>(params.number(key, 0));
      mysql_options(conn_, option, &seconds);
    }
  }
  const std::string host = params.get("host", "127.0.0.1");
  const auto port = static_cast<unsigned int>(params.number("port", 3306));
  const std::string socket = params.get("unix_socket");
  const std::string user = params.get("user"), password = params.get("password");
  const std::string db = params.get("name");
  // FOUND_ROWS: an UPDATE reports the rows it matched, as on every other backend (and
  // as Django expects), not only those whose values changed.
  const unsigned long flags = CLIENT_FOUND_ROWS | CLIENT_MULTI_STATEMENTS;
  if (!mysql_real_connect(conn_, host.c_str(), user.c_str(), password.c_str(),
                          db.empty() ? nullptr : db.c_str(), port,
                          socket.empty() ? nullptr : socket.c_str(), flags)) {
    std::string message = mysql_error(conn_);
    const unsigned int code = mysql_errno(conn_);
    mysql_close(conn_);
    conn_ = nullptr;
    throw sdk::Error(QUARRY_ERR_OPERATIONAL, "cannot connect to MySQL/MariaDB: " + message, {},
                     code);
  }
  version_ = mysql_get_server_info(conn_);
  native_uuid_ = has_native_uuid(version_);
  try {
    // UTC, strict data checking (errors, never silent truncation), and read committed
    // as in Django (the alias's isolation_level setting, applied after, may change it).
    execute_script("SET time_zone = '+00:00', sql_mode = 'TRADITIONAL,ONLY_FULL_GROUP_BY'");
    execute_script("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    if (auto init = params.find("init_command")) execute_script(*init);
  } catch (...) {
    mysql_close(conn_);
    conn_ = nullptr;
    throw;
  }
}

Connection::~Connection() {
  if (conn_) mysql_close(conn_);
}

void Connection::ping() {
  require_idle();
  if (mysql_ping(conn_) != 0) raise(conn_);
}

void Connection::execute_script(std::string_view sql) {
  require_idle();
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) raise(conn_);
  // Several statements: read (and drop) every result, stopping at the first error.
  for (;;) {
    if (MYSQL_RES* res = mysql_store_result(conn_)) mysql_free_result(res);
    const int next = mysql_next_result(conn_);
    if (next == -1) break;
    if (next > 0) raise(conn_);
  }
}

std::unique_ptr<sdk::Statement> Connection::prepare(std::string_view sql) {
  require_idle();
  MYSQL_STMT* stmt = mysql_stmt_init(conn_);
  if (!stmt) raise(conn_);
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
    try {
      raise(stmt);
    } catch (...) {
      mysql_stmt_close(stmt);
      throw;
    }
  }
  return std::make_unique<Statement>(*this, stmt);
}

}  // namespace quarry::mysql
