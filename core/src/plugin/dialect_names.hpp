// Refuses a plugin whose dialect sets a key or feature flag that
// quarry/plugin/dialect_keys.h does not declare, naming the names and the plugin: a
// misspelt key would otherwise silently keep the core's default.
#pragma once

#include "quarry/plugin/abi.h"

namespace quarry {

class Engine;

// Throws ImproperlyConfigured for an undeclared name `dialect` sets. A plugin built for
// an ABI before 1.2 cannot name what it sets, and is not checked.
void check_dialect_names(const Engine& engine, const quarry_dialect* dialect);
// The same for the plugin's newest dialect (server version ""), when it is loaded.
void check_newest_dialect_names(const Engine& engine);

}  // namespace quarry
