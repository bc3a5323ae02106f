#include "my_errors.hpp"

#include <cstring>

namespace quarry::mysql {

quarry_error_class classify(unsigned int code, const char* sqlstate) {
  switch (code) {
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return QUARRY_ERR_UNIQUE_VIOLATION;
    case 1216:  // ER_NO_REFERENCED_ROW
    case 1217:  // ER_ROW_IS_REFERENCED
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
      return QUARRY_ERR_FOREIGN_KEY_VIOLATION;
    case 1048:  // ER_BAD_NULL_ERROR
    case 1364:  // ER_NO_DEFAULT_FOR_FIELD
      return QUARRY_ERR_NOT_NULL_VIOLATION;
    case 3819:  // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    case 4025:  // ER_CONSTRAINT_FAILED (MariaDB)
      return QUARRY_ERR_CHECK_VIOLATION;
    case 1213:  // ER_LOCK_DEADLOCK
      return QUARRY_ERR_DEADLOCK;
    case 1205:  // ER_LOCK_WAIT_TIMEOUT (also MariaDB's NOWAIT)
    case 3572:  // ER_LOCK_NOWAIT (MySQL)
      return QUARRY_ERR_LOCK_NOT_AVAILABLE;
    case 1317:  // ER_QUERY_INTERRUPTED
    case 3024:  // ER_QUERY_TIMEOUT
    case 1969:  // ER_STATEMENT_TIMEOUT (MariaDB)
      return QUARRY_ERR_QUERY_CANCELED;
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return QUARRY_ERR_CONNECTION_LOST;
    case 1040:  // ER_CON_COUNT_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 1290:  // ER_OPTION_PREVENTS_STATEMENT: a write on a read_only server (a replica)
      return QUARRY_ERR_OPERATIONAL;
    case 1235:  // ER_NOT_SUPPORTED_YET
    case 1295:  // ER_UNSUPPORTED_PS
      return QUARRY_ERR_NOT_SUPPORTED;
    case 2014:  // CR_COMMANDS_OUT_OF_SYNC
    case 2030:  // CR_NO_PREPARE_STMT
    case 2031:  // CR_PARAMS_NOT_BOUND
      return QUARRY_ERR_INTERFACE;
    case 1406:  // ER_DATA_TOO_LONG
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1365:  // ER_DIVISION_BY_ZERO
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    case 1292:  // ER_TRUNCATED_WRONG_VALUE
    case 1690:  // ER_DATA_OUT_OF_RANGE
      return QUARRY_ERR_DATA;
    default:
      break;
  }
  const std::string_view s = sqlstate ? sqlstate : "";
  if (s.size() == 5) {
    const std::string_view cls = s.substr(0, 2);
    if (cls == "23") return QUARRY_ERR_INTEGRITY;
    if (cls == "40") return QUARRY_ERR_TRANSACTION_ROLLBACK;
    if (cls == "08") return QUARRY_ERR_CONNECTION_LOST;
    if (cls == "42") return QUARRY_ERR_PROGRAMMING;  // syntax, unknown table or column
    if (cls == "22") return QUARRY_ERR_DATA;
    if (cls == "0A") return QUARRY_ERR_NOT_SUPPORTED;
  }
  return QUARRY_ERR_DATABASE;
}

void raise(MYSQL* conn) {
  const unsigned int code = mysql_errno(conn);
  const char* state = mysql_sqlstate(conn);
  throw sdk::Error(classify(code, state), mysql_error(conn),
                   state && std::strcmp(state, "00000") != 0 ? state : "", code);
}

void raise(MYSQL_STMT* stmt) {
  const unsigned int code = mysql_stmt_errno(stmt);
  const char* state = mysql_stmt_sqlstate(stmt);
  throw sdk::Error(classify(code, state), mysql_stmt_error(stmt),
                   state && std::strcmp(state, "00000") != 0 ? state : "", code);
}

}  // namespace quarry::mysql
