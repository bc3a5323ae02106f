/* The C ABI of a cache store plugin: a shared library, libquarry_cache_<name>.so, that
 * keeps the query cache's bytes in a key/value server (Redis: cache/redis/). The core
 * finds it on the plugin path when an alias's config says `cache: {backend: <name>}`,
 * and builds every rule of the cache (keys, generations, epochs, the circuit breaker)
 * on these few operations, so that a store holds no logic of its own; the in-process
 * store (`backend: memory`) is a table of the same shape inside the core.
 *
 * Versioned as quarry/plugin/abi.h is: the header is frozen, later minor versions only
 * append functions, and the core accepts a table at least as large as version 1.0's.
 *
 * A connection is used by one thread at a time. Every call is one round trip to the
 * server, bounded by the options' command timeout (each read and write on the socket:
 * a value larger than the socket's buffers may take a few times it); a call that fails
 * returns -1 with err filled (err may be NULL), after which the core closes the
 * connection and opens another later. A key or value given as {NULL, 0} is the empty
 * string. */
#ifndef QUARRY_PLUGIN_CACHE_ABI_H
#define QUARRY_PLUGIN_CACHE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUARRY_CACHE_ABI_MAJOR 1
#define QUARRY_CACHE_ABI_MINOR 0
#define QUARRY_CACHE_ENTRY_SYMBOL "quarry_cache_plugin_entry"

/* The entry point's declaration in a plugin built with hidden symbols:
 *   QUARRY_CACHE_PLUGIN_EXPORT const quarry_cache_plugin* quarry_cache_plugin_entry(...) */
#ifdef __cplusplus
#define QUARRY_CACHE_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define QUARRY_CACHE_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

typedef struct quarry_cache_conn quarry_cache_conn;

/* A byte string; ptr NULL means absent (a key that is not there). */
typedef struct quarry_cache_bytes {
  const char* ptr;
  size_t len;
} quarry_cache_bytes;

typedef enum quarry_cache_error_code {
  QUARRY_CACHE_OK = 0,
  QUARRY_CACHE_ERR_CONFIG = 1,  /* the options cannot be used (a bad URL) */
  QUARRY_CACHE_ERR_CONNECT = 2, /* the server could not be reached or refused the session */
  QUARRY_CACHE_ERR_TIMEOUT = 3, /* no answer within the timeout */
  QUARRY_CACHE_ERR_IO = 4,      /* the session broke */
  QUARRY_CACHE_ERR_SERVER = 5   /* the server answered with an error */
} quarry_cache_error_code;

typedef struct quarry_cache_error {
  int32_t code; /* a quarry_cache_error_code */
  char message[256];
} quarry_cache_error;

typedef struct quarry_cache_options {
  /* The store's own form: redis://[[user]:password@]host[:port][/db],
   * unix://[[user]:password@]/path[?db=N]. */
  const char* url;
  int64_t connect_timeout_ms; /* always > 0: the core never asks for no bound */
  int64_t command_timeout_ms; /* always > 0 */
} quarry_cache_options;

typedef struct quarry_cache_plugin {
  /* Frozen header. */
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t struct_size; /* sizeof(quarry_cache_plugin) as the plugin was compiled */
  const char* name;     /* the backend name used in configs: "redis" */
  const char* version;

  /* v1.0 ------------------------------------------------------------------------ */
  int (*open)(const quarry_cache_options* options, quarry_cache_conn** out,
              quarry_cache_error* err);
  void (*close)(quarry_cache_conn* conn);
  /* Reads n keys in one round trip: out[i] is key i's value, borrowed until the next call
   * on conn, or {NULL, 0} when the key is absent. */
  int (*get_many)(quarry_cache_conn* conn, const quarry_cache_bytes* keys, size_t n,
                  quarry_cache_bytes* out, quarry_cache_error* err);
  /* Sets key to value, expiring after ttl_ms (0: never). With only_if_absent set, a key
   * that exists is left as it is; *done (if not NULL) says whether the value was set. */
  int (*set)(quarry_cache_conn* conn, quarry_cache_bytes key, quarry_cache_bytes value,
             int64_t ttl_ms, int only_if_absent, int* done, quarry_cache_error* err);
  /* Sets keys[i] to values[i] for every i < n, without expiry, in one round trip. */
  int (*set_many)(quarry_cache_conn* conn, const quarry_cache_bytes* keys,
                  const quarry_cache_bytes* values, size_t n, quarry_cache_error* err);
  /* Deletes key if its value is `value` (an owner releasing its lock), atomically. */
  int (*delete_if)(quarry_cache_conn* conn, quarry_cache_bytes key, quarry_cache_bytes value,
                   quarry_cache_error* err);
} quarry_cache_plugin;

/* The one exported symbol; the core passes its own cache ABI version. */
typedef const quarry_cache_plugin* (*quarry_cache_entry_fn)(uint32_t core_abi_major,
                                                            uint32_t core_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_PLUGIN_CACHE_ABI_H */
