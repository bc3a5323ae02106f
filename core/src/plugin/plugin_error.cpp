#include "plugin/plugin_error.hpp"

#include <cstring>

#include "quarry/errors.hpp"

namespace quarry {

void throw_plugin_error(const quarry_error& err, std::string_view sql, std::string_view alias) {
  ErrorContext ctx;
  ctx.sqlstate.assign(err.sqlstate, strnlen(err.sqlstate, sizeof err.sqlstate));
  ctx.native_code = err.native_code;
  ctx.sql = std::string(sql);
  ctx.alias = std::string(alias);
  const std::string message = err.message && *err.message ? err.message : "unknown error";
  switch (static_cast<quarry_error_class>(err.error_class)) {
    case QUARRY_ERR_INTERFACE:
      throw InterfaceError(message, std::move(ctx));
    case QUARRY_ERR_DATA:
      throw DataError(message, std::move(ctx));
    case QUARRY_ERR_OPERATIONAL:
      throw OperationalError(message, std::move(ctx));
    case QUARRY_ERR_INTEGRITY:
      throw IntegrityError(message, std::move(ctx));
    case QUARRY_ERR_UNIQUE_VIOLATION:
      throw UniqueViolation(message, std::move(ctx));
    case QUARRY_ERR_FOREIGN_KEY_VIOLATION:
      throw ForeignKeyViolation(message, std::move(ctx));
    case QUARRY_ERR_NOT_NULL_VIOLATION:
      throw NotNullViolation(message, std::move(ctx));
    case QUARRY_ERR_CHECK_VIOLATION:
      throw CheckViolation(message, std::move(ctx));
    case QUARRY_ERR_INTERNAL:
      throw InternalError(message, std::move(ctx));
    case QUARRY_ERR_PROGRAMMING:
      throw ProgrammingError(message, std::move(ctx));
    case QUARRY_ERR_NOT_SUPPORTED:
      throw NotSupportedError(message, std::move(ctx));
    case QUARRY_ERR_DEADLOCK:
      throw DeadlockDetected(message, std::move(ctx));
    case QUARRY_ERR_LOCK_NOT_AVAILABLE:
      throw LockNotAvailable(message, std::move(ctx));
    case QUARRY_ERR_SERIALIZATION:
      throw SerializationFailure(message, std::move(ctx));
    case QUARRY_ERR_CONNECTION_LOST:
      throw ConnectionLost(message, std::move(ctx));
    case QUARRY_ERR_QUERY_CANCELED:
      throw QueryCanceled(message, std::move(ctx));
    case QUARRY_ERR_TRANSACTION_ROLLBACK:
      throw TransactionRollbackError(message, std::move(ctx));
    case QUARRY_OK:
    case QUARRY_ERR_DATABASE:
      break;
  }
  throw DatabaseError(message, std::move(ctx));
}

}  // namespace quarry
