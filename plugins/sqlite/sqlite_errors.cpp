#include "sqlite_errors.hpp"

namespace quarry::sqlite {

quarry_error_class classify(int code) {
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return QUARRY_ERR_UNIQUE_VIOLATION;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return QUARRY_ERR_FOREIGN_KEY_VIOLATION;
    case SQLITE_CONSTRAINT_NOTNULL:
      return QUARRY_ERR_NOT_NULL_VIOLATION;
    case SQLITE_CONSTRAINT_CHECK:
      return QUARRY_ERR_CHECK_VIOLATION;
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return QUARRY_ERR_INTEGRITY;
    case SQLITE_BUSY:    // another connection holds the lock past busy_timeout
    case SQLITE_LOCKED:  // a shared-cache table lock
      return QUARRY_ERR_LOCK_NOT_AVAILABLE;
    case SQLITE_INTERRUPT:
      return QUARRY_ERR_QUERY_CANCELED;
    case SQLITE_ERROR:  // syntax errors, unknown tables and columns
    case SQLITE_RANGE:  // parameter index out of range
      return QUARRY_ERR_PROGRAMMING;
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return QUARRY_ERR_DATA;
    case SQLITE_MISUSE:
      return QUARRY_ERR_INTERFACE;
    case SQLITE_NOMEM:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_PROTOCOL:
      return QUARRY_ERR_OPERATIONAL;
    case SQLITE_INTERNAL:
      return QUARRY_ERR_INTERNAL;
    default:
      return QUARRY_ERR_DATABASE;
  }
}

void raise(sqlite3* db, int code, const std::string& context) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if (!context.empty()) message = context + ": " + message;
  throw sdk::Error(classify(code), message, {}, code);
}

}  // namespace quarry::sqlite
