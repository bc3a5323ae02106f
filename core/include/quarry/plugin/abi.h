/* The binary boundary between libquarry_core and a dialect plugin.
 *
 * Plain C on purpose: no C++ object, exception or allocator crosses it, so a plugin
 * built with another compiler or standard library, or against an older quarry, still
 * loads. A plugin exports one symbol, quarry_plugin_entry, returning a table of
 * function pointers whose first five fields never change.
 *
 * Versioning
 *   QUARRY_ABI_MAJOR changes only when an existing field changes meaning; the core
 *   refuses a plugin of another major version and names both versions.
 *   QUARRY_ABI_MINOR grows when fields are appended to quarry_plugin. The table is
 *   append-only: the core reads `struct_size` and treats any field past it as absent,
 *   so a plugin built against an older minor version keeps loading after a core
 *   upgrade, and a newer plugin works with an older core that ignores what it does not
 *   know.
 *
 * Ownership
 *   Strings and values handed to the core (error messages, column names, row values,
 *   dialect text) are borrowed: they stay valid until the next call on the same object
 *   (connection, statement or result), or, for dialect text, while the dialect lives.
 *   Every handle the plugin creates is released by the matching close call.
 *
 * Threads
 *   The core never uses one connection (or its statements and results) from two
 *   threads at once. Dialects are immutable and may be shared by all threads.
 *
 * Most plugin authors do not write against this header directly: quarry/plugin/sdk.hpp
 * turns ordinary C++ classes into this table.
 */
#ifndef QUARRY_PLUGIN_ABI_H
#define QUARRY_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUARRY_ABI_MAJOR 1
#define QUARRY_ABI_MINOR 2

#define QUARRY_PLUGIN_ENTRY_SYMBOL "quarry_plugin_entry"

#if defined(_WIN32)
#define QUARRY_PLUGIN_EXPORT __declspec(dllexport)
#else
#define QUARRY_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- values ------------------------------------------------------------------ */

/* The type of a quarry_value. The numbering is fixed forever. */
typedef enum quarry_type {
  QUARRY_NULL = 0,
  QUARRY_BOOL = 1,     /* u.i: 0 or 1 */
  QUARRY_INT64 = 2,    /* u.i */
  QUARRY_DOUBLE = 3,   /* u.d */
  QUARRY_DECIMAL = 4,  /* u.s: canonical text, "-123.4500" (no exponent) */
  QUARRY_TEXT = 5,     /* u.s: UTF-8, not NUL-terminated */
  QUARRY_BYTES = 6,    /* u.s: raw bytes */
  QUARRY_DATE = 7,     /* u.i: days since 1970-01-01 */
  QUARRY_TIME = 8,     /* u.i: microseconds since midnight */
  QUARRY_DATETIME = 9, /* u.i: microseconds since 1970-01-01T00:00:00Z */
  QUARRY_JSON = 10,    /* u.s: JSON text */
  QUARRY_UUID = 11     /* u.uuid: 16 bytes, network order */
} quarry_type;

typedef struct quarry_value {
  int32_t type; /* a quarry_type */
  int32_t reserved;
  union {
    int64_t i;
    double d;
    struct {
      const char* ptr;
      size_t len;
    } s;
    uint8_t uuid[16];
  } u;
} quarry_value;

/* ---- errors ------------------------------------------------------------------ */

/* Which exception the core raises. Each plugin maps its native codes onto these in one
 * place; QUARRY_ERR_DATABASE is the fallback for a code it does not know. */
typedef enum quarry_error_class {
  QUARRY_OK = 0,
  QUARRY_ERR_INTERFACE = 1,
  QUARRY_ERR_DATABASE = 2,
  QUARRY_ERR_DATA = 3,
  QUARRY_ERR_OPERATIONAL = 4,
  QUARRY_ERR_INTEGRITY = 5,
  QUARRY_ERR_UNIQUE_VIOLATION = 6,
  QUARRY_ERR_FOREIGN_KEY_VIOLATION = 7,
  QUARRY_ERR_NOT_NULL_VIOLATION = 8,
  QUARRY_ERR_CHECK_VIOLATION = 9,
  QUARRY_ERR_INTERNAL = 10,
  QUARRY_ERR_PROGRAMMING = 11,
  QUARRY_ERR_NOT_SUPPORTED = 12,
  QUARRY_ERR_DEADLOCK = 13,
  QUARRY_ERR_LOCK_NOT_AVAILABLE = 14,
  QUARRY_ERR_SERIALIZATION = 15,
  QUARRY_ERR_CONNECTION_LOST = 16,
  QUARRY_ERR_QUERY_CANCELED = 17,
  QUARRY_ERR_TRANSACTION_ROLLBACK = 18
} quarry_error_class;

/* The SQLSTATE of a QUARRY_ERR_CONNECTION_LOST raised because the server did not answer
 * within the connection's read_timeout or write_timeout (ODBC's "timeout expired"): the
 * session is given up, but the server may be alive, only slow, or frozen, so the core
 * does not retry a read that failed so. */
#define QUARRY_SQLSTATE_TIMED_OUT "HYT00"

/* Filled by a plugin call that returns non-zero. `message` is borrowed (see above). */
typedef struct quarry_error {
  int32_t error_class; /* a quarry_error_class */
  char sqlstate[6];    /* five characters and a NUL, or empty */
  int64_t native_code; /* the driver's own number, 0 if none */
  const char* message;
} quarry_error;

/* ---- handles ----------------------------------------------------------------- */

typedef struct quarry_dialect quarry_dialect;
typedef struct quarry_connection quarry_connection;
typedef struct quarry_statement quarry_statement;
typedef struct quarry_result quarry_result;

/* Connection parameters: the config's keys (host, port, name, user, password) and its
 * free-form `options`, all as text. */
typedef struct quarry_param {
  const char* key;
  const char* value;
} quarry_param;

/* Flags for execute(). */
#define QUARRY_EXEC_STREAM 1u /* rows are fetched as they are read, not buffered first */
/* (v1.1) The caller reads every row, or closes the result, before it runs anything else
 * on the connection: the plugin may stream where that is faster than buffering (MySQL's
 * unbuffered fetch), or ignore the flag. */
#define QUARRY_EXEC_DRAIN 2u

/* (v1.1) Many rows for one table, for bulk_insert(). */
typedef struct quarry_bulk_insert {
  uint32_t struct_size;       /* sizeof(quarry_bulk_insert) as the core was compiled */
  const char* table;          /* unquoted */
  const char* const* columns; /* ncolumns names, unquoted */
  size_t ncolumns;
  const quarry_value* rows; /* nrows * ncolumns values, row after row */
  size_t nrows;
  /* An auto-increment key column (not among `columns`) whose generated value the core
   * wants for each row, or NULL; then `keys` has nrows slots, filled in row order. */
  const char* key_column;
  int64_t* keys;
} quarry_bulk_insert;

/* ---- the table ---------------------------------------------------------------- */

typedef struct quarry_plugin {
  /* Frozen header: present and meaning the same in every ABI version. */
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t struct_size; /* sizeof(quarry_plugin) as the plugin was compiled */
  const char* name;     /* the engine name used in configs: "postgres" */
  const char* version;  /* the plugin's own version, for messages */

  /* v1.0 ------------------------------------------------------------------------ */
  const char* description;

  /* Dialect: SQL spelling and feature flags for one server version (NULL or "" means
   * the newest the plugin knows: used for SQL generation without a server). */
  int (*dialect_open)(const char* server_version, quarry_dialect** out, quarry_error* err);
  void (*dialect_close)(quarry_dialect* dialect);
  /* A spelling, template or setting by key (quarry/plugin/dialect_keys.h declares them);
   * NULL when the plugin keeps the core's default. */
  const char* (*dialect_get)(const quarry_dialect* dialect, const char* key);
  /* A named feature flag: 1 true, 0 false, -1 unknown to the plugin (core default). */
  int (*dialect_feature)(const quarry_dialect* dialect, const char* name);

  /* Connection. */
  int (*connect)(const quarry_param* params, size_t nparams, quarry_connection** out,
                 quarry_error* err);
  void (*disconnect)(quarry_connection* conn);
  const char* (*server_version)(quarry_connection* conn);
  /* A cheap round trip proving the session is alive. */
  int (*ping)(quarry_connection* conn, quarry_error* err);
  /* Runs SQL without parameters or results (DDL, BEGIN, SAVEPOINT ...). */
  int (*execute_script)(quarry_connection* conn, const char* sql, size_t len, quarry_error* err);
  /* The driver's own handle (PGconn*, MYSQL*, sqlite3*), for what quarry does not wrap. */
  void* (*native_handle)(quarry_connection* conn);

  /* Prepared statements: the core caches and reuses them per connection. */
  int (*prepare)(quarry_connection* conn, const char* sql, size_t len, quarry_statement** out,
                 quarry_error* err);
  void (*finalize)(quarry_statement* stmt);
  /* Binds params and runs the statement. At most one result per statement is open; the
   * core closes it before executing the statement again. */
  int (*execute)(quarry_statement* stmt, const quarry_value* params, size_t nparams, uint32_t flags,
                 quarry_result** out, quarry_error* err);

  /* Results. */
  size_t (*column_count)(const quarry_result* res);
  const char* (*column_name)(const quarry_result* res, size_t index);
  /* Reads the next row into row[0..ncols): 1 a row, 0 no more rows, -1 error. Values
   * are borrowed until the next fetch or close. */
  int (*fetch)(quarry_result* res, quarry_value* row, size_t ncols, quarry_error* err);
  int64_t (*affected_rows)(const quarry_result* res);
  /* The key generated by an INSERT without RETURNING: 1 and *out set, or 0 if none. */
  int (*last_insert_id)(const quarry_result* res, int64_t* out);
  void (*result_close)(quarry_result* res);
  /* v1.1 ------------------------------------------------------------------------ */
  /* Inserts the rows by the engine's fastest path (COPY, array binding, statements of
   * many rows), filling insert->keys when a key column is named. Returns 0 when done;
   * 1 when this insert cannot take the fast path, having written nothing (the core
   * then writes INSERT statements itself); -1 on error. NULL: never. */
  int (*bulk_insert)(quarry_connection* conn, const quarry_bulk_insert* insert, quarry_error* err);
  /* v1.2 ------------------------------------------------------------------------ */
  /* Names every dialect key (kind QUARRY_DIALECT_KEY) and feature flag
   * (QUARRY_DIALECT_FLAG) this dialect sets, one call of `each` per name (borrowed for
   * the call), so that the core can refuse, when it loads the plugin and opens a
   * dialect, a name quarry/plugin/dialect_keys.h does not declare: a misspelt key would
   * otherwise silently keep its default. NULL: the core cannot check. */
  void (*dialect_names)(const quarry_dialect* dialect, void* ctx,
                        void (*each)(void* ctx, int kind, const char* name));
} quarry_plugin;

/* The kinds of name dialect_names() reports. */
#define QUARRY_DIALECT_KEY 0
#define QUARRY_DIALECT_FLAG 1

/* The one exported symbol. The core passes its own ABI version so that a plugin may
 * refuse (by returning NULL) or adapt; the core then checks the plugin's version. */
typedef const quarry_plugin* (*quarry_plugin_entry_fn)(uint32_t core_abi_major,
                                                       uint32_t core_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_PLUGIN_ABI_H */
