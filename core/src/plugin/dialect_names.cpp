#include "plugin/dialect_names.hpp"

#include <cstddef>
#include <string>

#include "plugin/plugin_error.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"
#include "quarry/plugin/dialect_keys.h"

namespace quarry {
namespace {

bool can_name(const Engine& engine) {
  return engine.has(offsetof(quarry_plugin, dialect_names)) && engine.table().dialect_names;
}

}  // namespace

void check_dialect_names(const Engine& engine, const quarry_dialect* dialect) {
  if (!can_name(engine)) return;
  std::string unknown;  // "dialect key 'x', feature flag 'y'"
  engine.table().dialect_names(dialect, &unknown, [](void* ctx, int kind, const char* name) {
    const bool flag = kind == QUARRY_DIALECT_FLAG;
    if (flag ? dialect_keys::is_flag(name) : dialect_keys::is_key(name)) return;
    try {  // nothing may be thrown through the plugin's C frames
      auto& out = *static_cast<std::string*>(ctx);
      out += (out.empty() ? "" : ", ") + std::string(flag ? "feature flag '" : "dialect key '") +
             name + "'";
    } catch (...) {
    }
  });
  if (unknown.empty()) return;
  throw ImproperlyConfigured("plugin '" + engine.name() + "' (" + engine.path() + ") sets " +
                             unknown +
                             ", which quarry does not declare: quarry/plugin/dialect_keys.h "
                             "lists every key and flag (docs/plugin-guide.md too)");
}

void check_newest_dialect_names(const Engine& engine) {
  if (!can_name(engine)) return;
  const quarry_plugin& t = engine.table();
  quarry_error err{};
  quarry_dialect* d = nullptr;
  if (t.dialect_open("", &d, &err) != 0) throw_plugin_error(err, {}, {});
  try {
    check_dialect_names(engine, d);
  } catch (...) {
    t.dialect_close(d);
    throw;
  }
  t.dialect_close(d);
}

}  // namespace quarry
