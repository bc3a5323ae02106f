/* A plugin whose dialect sets a name quarry does not declare: built twice, once with a
 * misspelt dialect key (MISSPELT_KEY) and once with a misspelt feature flag
 * (MISSPELT_FLAG). The loader must refuse each, naming the name and the plugin. Plain C
 * against abi.h, since the SDK would refuse the name itself before the core saw it. */
#include <stddef.h>

#include "quarry/plugin/abi.h"

static int dummy;

static int dialect_open(const char* server_version, quarry_dialect** out, quarry_error* err) {
  (void)server_version;
  (void)err;
  *out = (quarry_dialect*)&dummy;
  return 0;
}
static void dialect_close(quarry_dialect* dialect) {
  (void)dialect;
}
static const char* dialect_get(const quarry_dialect* dialect, const char* key) {
  (void)dialect;
  (void)key;
  return NULL;
}
static int dialect_feature(const quarry_dialect* dialect, const char* name) {
  (void)dialect;
  (void)name;
  return -1;
}
static void dialect_names(const quarry_dialect* dialect, void* ctx,
                          void (*each)(void* ctx, int kind, const char* name)) {
  (void)dialect;
  each(ctx, QUARRY_DIALECT_KEY, "quote"); /* a declared key passes */
  each(ctx, QUARRY_DIALECT_FLAG, "has_returning");
  each(ctx, MISSPELT_KIND, MISSPELT_NAME);
}

static quarry_plugin table;

QUARRY_PLUGIN_EXPORT const quarry_plugin* quarry_plugin_entry(uint32_t core_major,
                                                              uint32_t core_minor) {
  (void)core_major;
  (void)core_minor;
  table.abi_major = QUARRY_ABI_MAJOR;
  table.abi_minor = QUARRY_ABI_MINOR;
  table.struct_size = (uint32_t)sizeof(quarry_plugin);
  table.name = PLUGIN_NAME;
  table.version = "0.0.1";
  table.description = "a test plugin with a misspelt dialect name";
  table.dialect_open = dialect_open;
  table.dialect_close = dialect_close;
  table.dialect_get = dialect_get;
  table.dialect_feature = dialect_feature;
  table.dialect_names = dialect_names;
  return &table;
}
