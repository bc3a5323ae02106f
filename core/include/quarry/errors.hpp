// Every exception quarry throws, in one tree: the database's, modelled on DB-API 2.0
// and Django (with psycopg's finer classes where a caller can act on the difference),
// and the ORM's, as Django names them. Catch Error for all of them.
//
//   Error                               poisons_connection(): false unless said below
//   ├── InterfaceError                  misuse of the client side (busy connection, ...)
//   ├── DatabaseError                   anything the database reported
//   │   ├── DataError                   bad value: out of range, too long, invalid text
//   │   ├── OperationalError            not the program's fault
//   │   │   ├── TransactionRollbackError
//   │   │   │   ├── DeadlockDetected
//   │   │   │   └── SerializationFailure
//   │   │   ├── LockNotAvailable        NOWAIT, lock wait timeout, SQLITE_BUSY
//   │   │   ├── ConnectionLost          poisons the connection; never retried silently
//   │   │   │                           inside a transaction
//   │   │   └── QueryCanceled
//   │   ├── IntegrityError
//   │   │   ├── UniqueViolation, ForeignKeyViolation, NotNullViolation, CheckViolation
//   │   │   └── DeleteRefused           rows point at what a delete would remove
//   │   │       ├── ProtectedError      through a PROTECT relation
//   │   │       └── RestrictedError     through a RESTRICT relation
//   │   ├── InternalError
//   │   ├── ProgrammingError            bad SQL, unknown table or column
//   │   │   └── TransactionManagementError
//   │   └── NotSupportedError           the backend cannot do what was asked
//   ├── ImproperlyConfigured            config files, plugins, ABI versions, dialect keys
//   ├── ValueError                      a value that cannot become the C++ type asked for
//   ├── FieldError                      not a field, or a lookup the field does not have
//   │   └── FieldFetchBlocked           a relation touched under FetchMode::Raise
//   ├── DoesNotExist                    get() found no row
//   │   └── DoesNotExistFor<T>          ... of model T
//   └── MultipleObjectsReturned         get() found more than one
//
// Every error carries the SQLSTATE (or the engine's native code), the SQL and the alias
// when they are known. Plugins classify their native codes; the core only throws.
// Errors of the multi-database layer (routing, shards, the cache) get their own branch
// under Error when they come.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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
  // Whether the connection the error came from can no longer be used (libpqxx's
  // broken_connection): the connection marks itself unusable, the pool closes it rather
  // than lend it again, and a read outside a transaction may be retried on another.
  // True for ConnectionLost; false for the rest, after which the session still works
  // (a failed statement may still have broken the transaction it ran in).
  virtual bool poisons_connection() const noexcept { return false; }

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
// The session is gone (or gave up waiting: sqlstate() QUARRY_SQLSTATE_TIMED_OUT).
class ConnectionLost : public OperationalError {
 public:
  using OperationalError::OperationalError;
  bool poisons_connection() const noexcept override { return true; }
};
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

// Django's FieldError: a name that is not a field, or a lookup a field does not have.
QUARRY_DECLARE_ERROR(FieldError, Error);
// A relation was touched that was not loaded, under FetchMode::Raise (Django's).
QUARRY_DECLARE_ERROR(FieldFetchBlocked, FieldError);

#undef QUARRY_DECLARE_ERROR

// Django's Model.DoesNotExist and MultipleObjectsReturned. DoesNotExistFor<T> lets a
// caller catch one model's.
class DoesNotExist : public Error {
 public:
  explicit DoesNotExist(const std::string& model)
      : Error(model + " matching query does not exist."), model_(model) {}
  const std::string& model() const { return model_; }

 private:
  std::string model_;
};
template <class T>
class DoesNotExistFor : public DoesNotExist {
 public:
  using DoesNotExist::DoesNotExist;
};
class MultipleObjectsReturned : public Error {
 public:
  using Error::Error;
};

// A delete refused because rows point at the rows it would delete; nothing was deleted.
// blocking() names the rows in the way: "Order object (3)".
class DeleteRefused : public IntegrityError {
 public:
  DeleteRefused(const std::string& message, std::vector<std::string> blocking)
      : IntegrityError(message), blocking_(std::move(blocking)) {}
  const std::vector<std::string>& blocking() const { return blocking_; }

 private:
  std::vector<std::string> blocking_;
};

// Rows point at them through a PROTECT relation.
class ProtectedError : public DeleteRefused {
 public:
  using DeleteRefused::DeleteRefused;
};

// Rows point at them through a RESTRICT relation, and this delete does not also delete
// those rows through a CASCADE.
class RestrictedError : public DeleteRefused {
 public:
  using DeleteRefused::DeleteRefused;
};

}  // namespace quarry
