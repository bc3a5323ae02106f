#include "pg_connection.hpp"

#include <set>

#include "pg_errors.hpp"

namespace quarry::postgres {
namespace {

// The keywords libpq accepts; anything else in the config is a mistake worth naming.
const std::set<std::string>& libpq_keywords() {
  static const std::set<std::string> kKeywords = [] {
    std::set<std::string> k;
    PQconninfoOption* opts = PQconndefaults();
    for (PQconninfoOption* o = opts; o && o->keyword; ++o) k.insert(o->keyword);
    PQconninfoFree(opts);
    return k;
  }();
  return kKeywords;
}

}  // namespace

Connection::Connection(const sdk::ConnectParams& params) {
  // The client library (and the TLS library under it) leaves process-exit hooks
  // behind: once used, this plugin stays loaded.
  sdk::keep_loaded();
  set_timeouts(params);
  std::vector<std::string> keys, values;
  auto add = [&](std::string k, std::string v) {
    keys.push_back(std::move(k));
    values.push_back(std::move(v));
  };
  // The session speaks UTC and ISO dates, whatever the server's defaults are, so that
  // text results decode the same everywhere.
  std::string options = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601";
  for (const auto& [key, value] : params.all()) {
    if (key == "name") {
      add("dbname", value);
    } else if (key == "alias") {
      add("fallback_application_name", "quarry:" + value);
    } else if (key == "database_id") {
      continue;
    } else if (key == "read_timeout" || key == "write_timeout") {
      continue;  // quarry's own bounds (pg_io.cpp), not libpq's
    } else if (key == "options") {
      options += " " + value;
    } else if (libpq_keywords().count(key)) {
      add(key, value);
    } else {
      throw sdk::Error(QUARRY_ERR_INTERFACE,
                       "unknown postgres option '" + key +
                           "': give a libpq connection keyword (sslmode, connect_timeout, "
                           "application_name, target_session_attrs, ...)");
    }
  }
  // Last, so that no option given before overrides it: literals mean what they say.
  options += " -c standard_conforming_strings=on";
  add("options", options);
  add("client_encoding", "UTF8");

  std::vector<const char*> k, v;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    k.push_back(keys[i].c_str());
    v.push_back(values[i].c_str());
  }
  k.push_back(nullptr);
  v.push_back(nullptr);
  conn_ = PQconnectdbParams(k.data(), v.data(), 0);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw sdk::Error(QUARRY_ERR_OPERATIONAL, "cannot connect to PostgreSQL: " + message);
  }
  // NOTICEs ("table does not exist, skipping") are not errors; libpq would print them
  // on stderr, which is no place for a library to write.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  try {
    start_bounded_io();
    require_standard_strings();
  } catch (...) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
  const char* version = PQparameterStatus(conn_, "server_version");
  version_ = version ? version : std::to_string(PQserverVersion(conn_));
}

// A role's or a database's default (ALTER ROLE ... SET) can still turn it off, and a
// pooler may drop the startup options: set it again, and refuse a session where
// backslashes in string literals would still be escapes.
void Connection::require_standard_strings() {
  auto on = [this] {
    const char* v = PQparameterStatus(conn_, "standard_conforming_strings");
    return v && std::string_view(v) == "on";
  };
  if (on()) return;
  PgResult r{exec("SET standard_conforming_strings = on")};
  if (PQresultStatus(r.res) == PGRES_COMMAND_OK && on()) return;
  throw sdk::Error(QUARRY_ERR_INTERFACE,
                   "cannot connect to PostgreSQL: the session's standard_conforming_strings is "
                   "not on and cannot be set on; quarry needs it on");
}

Connection::~Connection() {
  PQfinish(conn_);
}

void Connection::ping() {
  require_idle();
  PgResult r{exec("")};
  if (PQresultStatus(r.res) != PGRES_EMPTY_QUERY) raise(conn_, r.res);
}

void Connection::execute_script(std::string_view sql) {
  require_idle();
  deallocate_forgotten();
  PgResult r{exec(std::string(sql).c_str())};
  const ExecStatusType st = PQresultStatus(r.res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    raise(conn_, r.res);
  }
}

void Connection::deallocate_forgotten() {
  if (to_deallocate_.empty() || PQstatus(conn_) != CONNECTION_OK) return;
  std::string sql;
  for (const auto& name : to_deallocate_) sql += "DEALLOCATE " + name + ";";
  to_deallocate_.clear();
  PgResult r{exec(sql.c_str())};
  // Inside a failed transaction this cannot run; the names are unique, so a statement
  // left behind costs memory on the server until the session ends, nothing more.
}

std::unique_ptr<sdk::Statement> Connection::prepare(std::string_view sql) {
  require_idle();
  deallocate_forgotten();
  std::string name = "quarry_" + std::to_string(++next_statement_);
  sent(PQsendPrepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr));
  PgResult r{last_result()};
  if (PQresultStatus(r.res) != PGRES_COMMAND_OK) raise(conn_, r.res);
  return std::make_unique<Statement>(*this, std::move(name));
}

}  // namespace quarry::postgres
