/* The SQLite plugin as a plugin built against plugin ABI 1.0 would present it: the
 * same functions, in a table that says 1.0 and ends where 1.0's did, before
 * bulk_insert. The core must load it and, finding no bulk_insert, write bulk_create's
 * rows as INSERT statements. Plain C, as any plugin may be. */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "quarry/plugin/abi.h"

static quarry_plugin table;

QUARRY_PLUGIN_EXPORT const quarry_plugin* quarry_plugin_entry(uint32_t core_major,
                                                              uint32_t core_minor) {
  if (table.name) return &table;
  void* lib = dlopen(QUARRY_SQLITE_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return NULL;
  quarry_plugin_entry_fn entry = (quarry_plugin_entry_fn)dlsym(lib, QUARRY_PLUGIN_ENTRY_SYMBOL);
  const quarry_plugin* real = entry ? entry(core_major, core_minor) : NULL;
  if (!real) return NULL;
  memcpy(&table, real, offsetof(quarry_plugin, bulk_insert));
  table.abi_minor = 0;
  table.struct_size = (uint32_t)offsetof(quarry_plugin, bulk_insert);
  table.name = "sqliteabi10";
  return &table;
}
