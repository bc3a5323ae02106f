// The exception hierarchy, modelled on DB-API 2.0 and Django (with psycopg's finer
// classes where a caller can act on the difference):
//
//   Error
//   ├── InterfaceError                  misuse of the client side (closed connection, ...)
//   ├── DatabaseError                   anything the database reported
//   │   ├── DataError                   bad value: out of range, too long, invalid text
//   │   ├── OperationalError            not the program's fault
//   │   │   ├── TransactionRollbackError
//   │   │   │   ├── DeadlockDetected
//   │   │   │   └── SerializationFailure
//   │   │   ├── LockNotAvailable        NOWAIT, lock wait timeout, SQLITE_BUSY
//   │   │   ├── ConnectionLost          never retried silently inside a transaction
//   │   │   └── QueryCanceled
//   │   ├── IntegrityError
//   │   │   ├── UniqueViolation, ForeignKeyViolation, NotNullViolation, CheckViolation
//   │   ├── InternalError
//   │   ├── ProgrammingError            bad SQL, unknown table or column
//   │   │   └── TransactionManagementError
//   │   └── NotSupportedError           the backend cannot do what was asked
//   ├── ImproperlyConfigured            config files, plugins, ABI versions
//   └── ValueError                      a value that cannot become the C++ type asked for
//
// Every error carries the SQLSTATE (or the engine's native code), the SQL and the alias
// when they are known. Plugins classify their native codes; the core only throws.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace quarry {

// What is known about where an error happened. Empty strings mean "not known".
struct ErrorContext {
  std::string sqlstate;     // five characters, or empty where the engine has none
  int64_t native_code = 0;  // the engine's own error number (mysql_errno, sqlite extended code)
  std::string sql;
  std::string alias;
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorContext context = {});

  const std::string& sqlstate() const noexcept { return context_.sqlstate; }
  int64_t native_code() const noexcept { return context_.native_code; }
  const std::string& sql() const noexcept { return context_.sql; }
  const std::string& alias() const noexcept { return context_.alias; }
  const ErrorContext& context() const noexcept { return context_; }
  // The message alone, without the alias and code that what() adds.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string message_;
  ErrorContext context_;
};

#define QUARRY_DECLARE_ERROR(Name, Base) \
  class Name : public Base {             \
   public:                               \
    using Base::Base;                    \
  }

QUARRY_DECLARE_ERROR(InterfaceError, Error);
QUARRY_DECLARE_ERROR(DatabaseError, Error);
QUARRY_DECLARE_ERROR(DataError, DatabaseError);
QUARRY_DECLARE_ERROR(OperationalError, DatabaseError);
QUARRY_DECLARE_ERROR(TransactionRollbackError, OperationalError);
QUARRY_DECLARE_ERROR(DeadlockDetected, TransactionRollbackError);
QUARRY_DECLARE_ERROR(SerializationFailure, TransactionRollbackError);
QUARRY_DECLARE_ERROR(LockNotAvailable, OperationalError);
QUARRY_DECLARE_ERROR(ConnectionLost, OperationalError);
QUARRY_DECLARE_ERROR(QueryCanceled, OperationalError);
QUARRY_DECLARE_ERROR(IntegrityError, DatabaseError);
QUARRY_DECLARE_ERROR(UniqueViolation, IntegrityError);
QUARRY_DECLARE_ERROR(ForeignKeyViolation, IntegrityError);
QUARRY_DECLARE_ERROR(NotNullViolation, IntegrityError);
QUARRY_DECLARE_ERROR(CheckViolation, IntegrityError);
QUARRY_DECLARE_ERROR(InternalError, DatabaseError);
QUARRY_DECLARE_ERROR(ProgrammingError, DatabaseError);
QUARRY_DECLARE_ERROR(TransactionManagementError, ProgrammingError);
QUARRY_DECLARE_ERROR(NotSupportedError, DatabaseError);
QUARRY_DECLARE_ERROR(ImproperlyConfigured, Error);
QUARRY_DECLARE_ERROR(ValueError, Error);

#undef QUARRY_DECLARE_ERROR

}  // namespace quarry
