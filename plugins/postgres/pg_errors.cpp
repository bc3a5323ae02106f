#include "pg_errors.hpp"

namespace quarry::postgres {

quarry_error_class classify(std::string_view s) {
  if (s.size() != 5) return QUARRY_ERR_DATABASE;
  if (s == "23505") return QUARRY_ERR_UNIQUE_VIOLATION;
  if (s == "23503") return QUARRY_ERR_FOREIGN_KEY_VIOLATION;
  if (s == "23502") return QUARRY_ERR_NOT_NULL_VIOLATION;
  if (s == "23514") return QUARRY_ERR_CHECK_VIOLATION;
  if (s == "40P01") return QUARRY_ERR_DEADLOCK;
  if (s == "40001") return QUARRY_ERR_SERIALIZATION;
  if (s == "55P03") return QUARRY_ERR_LOCK_NOT_AVAILABLE;
  if (s == "57014") return QUARRY_ERR_QUERY_CANCELED;
  if (s == "57P01" || s == "57P02" || s == "57P03") return QUARRY_ERR_CONNECTION_LOST;
  if (s == "0A000") return QUARRY_ERR_NOT_SUPPORTED;
  if (s == "3D000" || s == "3F000") return QUARRY_ERR_PROGRAMMING;  // no such database/schema
  // A write on a server that takes none (a hot standby): as MariaDB's read_only.
  if (s == "25006") return QUARRY_ERR_OPERATIONAL;
  const std::string_view cls = s.substr(0, 2);
  if (cls == "23") return QUARRY_ERR_INTEGRITY;
  if (cls == "40") return QUARRY_ERR_TRANSACTION_ROLLBACK;
  if (cls == "08") return QUARRY_ERR_CONNECTION_LOST;
  if (cls == "42") return QUARRY_ERR_PROGRAMMING;  // syntax, undefined object, privilege
  if (cls == "22") return QUARRY_ERR_DATA;
  if (cls == "25" || cls == "2D" || cls == "XX") return QUARRY_ERR_INTERNAL;
  if (cls == "28" || cls == "53" || cls == "54" || cls == "55" || cls == "57" || cls == "58") {
    return QUARRY_ERR_OPERATIONAL;
  }
  return QUARRY_ERR_DATABASE;
}

void raise(PGconn* conn, const PGresult* res) {
  std::string sqlstate, message;
  if (res) {
    if (const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE)) sqlstate = s;
    if (const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) {
      message = primary;
      if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) {
        message += std::string(" (") + detail + ")";
      }
    }
  }
  if (message.empty()) {
    message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
  }
  if (message.empty()) message = "unknown PostgreSQL error";
  quarry_error_class klass = classify(sqlstate);
  if (PQstatus(conn) == CONNECTION_BAD) klass = QUARRY_ERR_CONNECTION_LOST;
  throw sdk::Error(klass, message, sqlstate);
}

}  // namespace quarry::postgres
