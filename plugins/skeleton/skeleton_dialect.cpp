// Set only what differs from the core's defaults (ANSI SQL). Every key and flag, with its
// default and meaning, is declared in quarry/plugin/dialect_keys.h and listed in
// docs/plugin-guide.md; a name not declared there throws in set()/feature(), and the
// core refuses it when it loads the plugin.
#include "skeleton_dialect.hpp"

#include "quarry/plugin/version.hpp"

namespace skeleton {

using namespace quarry;

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
  // An empty version means "no server yet": describe the newest one you support.
  const sdk::ServerVersion v = sdk::ServerVersion::parse(server_version);
  auto d = std::make_unique<sdk::Dialect>();
  d->set("quote", "\"");        // identifier quote character
  d->set("placeholder", "?");   // "?" or "$" for $1, $2 ...
  d->set("max_params", "999");  // bound parameters per statement
  d->set("type.DateTimeField", "timestamp");
  // Flags may depend on the server version.
  d->feature("has_returning", v >= sdk::ServerVersion{1, 0});
  d->feature("supports_over_clause", true);
  return d;
}

}  // namespace skeleton
