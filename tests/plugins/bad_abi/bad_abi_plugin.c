/* A plugin built for a plugin ABI major version this quarry does not speak: the loader
 * must refuse it and name both versions. Plain C, as any plugin may be. */
#include <stddef.h>

#include "quarry/plugin/abi.h"

static const quarry_plugin kTable = {
    99, /* abi_major */
    0,  /* abi_minor */
    (uint32_t)sizeof(quarry_plugin),
    "badabi",
    "9.9.9",
};

QUARRY_PLUGIN_EXPORT const quarry_plugin* quarry_plugin_entry(uint32_t core_major,
                                                              uint32_t core_minor) {
  (void)core_major;
  (void)core_minor;
  return &kTable;
}
