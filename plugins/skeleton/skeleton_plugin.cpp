// A starting point for a quarry dialect plugin: copy this folder, rename "skeleton", and
// fill in one file per part, the same set every plugin in this tree has:
//
//   skeleton_dialect     how your database spells SQL and what it can do
//   skeleton_connection  the session, its prepared statements and results (the classes)
//   skeleton_statement   running a statement and reading its rows
//   skeleton_values      quarry_values to your client's parameters, and columns back
//   skeleton_bulk        the fast path for many rows (optional)
//   skeleton_errors      your client's error codes mapped onto quarry's classes
//   skeleton_plugin      this file: the names and the one exported entry point
//
// The postgres, mysql and sqlite plugins beside this folder are complete examples of each
// part; docs/plugin-guide.md explains the ABI, every dialect key and every feature flag.
// As it stands the skeleton loads, gives its dialect, and refuses to connect
// (NotSupportedError).
#include <memory>
#include <string_view>

#include "quarry/plugin/sdk.hpp"
#include "skeleton_connection.hpp"
#include "skeleton_dialect.hpp"

namespace skeleton {

struct Plugin {
  static constexpr const char* name = "skeleton";  // the config's engine: and the file name
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "a template for new dialect plugins";

  static std::unique_ptr<quarry::sdk::Dialect> make_dialect(std::string_view server_version) {
    return skeleton::make_dialect(server_version);
  }
  static std::unique_ptr<quarry::sdk::Connection> connect(
      const quarry::sdk::ConnectParams& params) {
    return std::make_unique<Connection>(params);
  }
};

}  // namespace skeleton

QUARRY_PLUGIN(skeleton::Plugin)
