// quarry/errors.hpp alone declares the whole tree of exceptions, the ORM's with the
// database's, each under the base its comment draws; and poisons_connection() is true
// exactly for the errors after which a connection cannot be used.
#include <gtest/gtest.h>

#include <type_traits>

#include "quarry/errors.hpp"

namespace {

using namespace quarry;

struct Model {};

template <class Base, class Derived>
constexpr bool under = std::is_base_of_v<Base, Derived> && !std::is_same_v<Base, Derived>;

TEST(Errors, EveryClassSitsUnderTheBaseTheTreeDraws) {
  static_assert(under<std::runtime_error, Error>);
  static_assert(under<Error, InterfaceError>);
  static_assert(under<Error, DatabaseError>);
  static_assert(under<DatabaseError, DataError>);
  static_assert(under<DatabaseError, OperationalError>);
  static_assert(under<OperationalError, TransactionRollbackError>);
  static_assert(under<TransactionRollbackError, DeadlockDetected>);
  static_assert(under<TransactionRollbackError, SerializationFailure>);
  static_assert(under<OperationalError, LockNotAvailable>);
  static_assert(under<OperationalError, ConnectionLost>);
  static_assert(under<OperationalError, QueryCanceled>);
  static_assert(under<DatabaseError, IntegrityError>);
  static_assert(under<IntegrityError, UniqueViolation>);
  static_assert(under<IntegrityError, ForeignKeyViolation>);
  static_assert(under<IntegrityError, NotNullViolation>);
  static_assert(under<IntegrityError, CheckViolation>);
  static_assert(under<IntegrityError, DeleteRefused>);
  static_assert(under<DeleteRefused, ProtectedError>);
  static_assert(under<DeleteRefused, RestrictedError>);
  static_assert(under<DatabaseError, InternalError>);
  static_assert(under<DatabaseError, ProgrammingError>);
  static_assert(under<ProgrammingError, TransactionManagementError>);
  static_assert(under<DatabaseError, NotSupportedError>);
  static_assert(under<Error, ImproperlyConfigured>);
  static_assert(under<Error, ValueError>);
  static_assert(under<Error, FieldError>);
  static_assert(under<FieldError, FieldFetchBlocked>);
  static_assert(under<Error, DoesNotExist>);
  static_assert(under<DoesNotExist, DoesNotExistFor<Model>>);
  static_assert(under<Error, MultipleObjectsReturned>);
  // The ORM's are not database errors: a caller catching DatabaseError does not catch
  // "no such row" or "no such field".
  static_assert(!under<DatabaseError, FieldError>);
  static_assert(!under<DatabaseError, DoesNotExist>);
  static_assert(!under<DatabaseError, MultipleObjectsReturned>);

  // Caught by the base, the object is still the class thrown.
  try {
    throw ProtectedError("refused", {"Order object (3)"});
  } catch (const IntegrityError& e) {
    EXPECT_NE(dynamic_cast<const DeleteRefused*>(&e), nullptr);
    EXPECT_EQ(dynamic_cast<const DeleteRefused&>(e).blocking().front(), "Order object (3)");
  }
  EXPECT_EQ(DoesNotExistFor<Model>("Model").model(), "Model");
}

TEST(Errors, OnlyALostConnectionPoisonsIt) {
  const ConnectionLost lost("gone", ErrorContext{"08006", 0, "SELECT 1", "default"});
  const Error& as_error = lost;
  EXPECT_TRUE(as_error.poisons_connection()) << "virtual: true through any base";
  EXPECT_TRUE(static_cast<const OperationalError&>(lost).poisons_connection());
  // The session still works after each of these (a failed statement may still have
  // broken the transaction it ran in).
  EXPECT_FALSE(Error("x").poisons_connection());
  EXPECT_FALSE(InterfaceError("busy").poisons_connection());
  EXPECT_FALSE(OperationalError("x").poisons_connection());
  EXPECT_FALSE(QueryCanceled("statement timeout").poisons_connection());
  EXPECT_FALSE(LockNotAvailable("nowait").poisons_connection());
  EXPECT_FALSE(DeadlockDetected("victim").poisons_connection());
  EXPECT_FALSE(SerializationFailure("retry").poisons_connection());
  EXPECT_FALSE(UniqueViolation("dup").poisons_connection());
  EXPECT_FALSE(ProgrammingError("syntax").poisons_connection());
  EXPECT_FALSE(TransactionManagementError("no tx").poisons_connection());
  EXPECT_FALSE(NotSupportedError("no").poisons_connection());
  EXPECT_FALSE(ImproperlyConfigured("config").poisons_connection());
  EXPECT_FALSE(DoesNotExist("Model").poisons_connection());
  EXPECT_FALSE(FieldError("no field").poisons_connection());
}

}  // namespace
