// A starting point for a quarry dialect plugin. Rename "skeleton", then fill in the
// three parts: the Dialect (how your database spells SQL), the Connection (talking to
// it through its C client library) and the mapping of its error codes. The postgres,
// mysql and sqlite plugins beside this folder are complete examples of each part.
//
// docs/plugin-guide.md explains the ABI, every dialect key and every feature flag.
#include <memory>
#include <string>
#include <string_view>

#include "quarry/plugin/sdk.hpp"
#include "quarry/plugin/version.hpp"

namespace skeleton {

using namespace quarry;

// 1. The dialect. Set only what differs from the core's defaults (ANSI SQL).
std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
  // An empty version means "no server yet": describe the newest one you support.
  const sdk::ServerVersion v = sdk::ServerVersion::parse(server_version);
  auto d = std::make_unique<sdk::Dialect>();
  d->set("quote", "\"");        // identifier quote character
  d->set("placeholder", "?");   // "?" or "$" for $1, $2 ...
  d->set("max_params", "999");  // bound parameters per statement
  d->set("type.DateTimeField", "timestamp");
  d->feature("has_returning", v >= sdk::ServerVersion{1, 0});
  d->feature("supports_over_clause", true);
  return d;
}

// 2. The connection, its statements and results. Each method either does its work or
// throws sdk::Error with the error class that fits (see 3).
class Connection final : public sdk::Connection {
 public:
  explicit Connection(const sdk::ConnectParams& params) {
    // Read params.get("host"), "port", "name", "user", "password" and your options,
    // open the session with your client library, and keep its handle.
    (void)params;
    throw sdk::Error(QUARRY_ERR_NOT_SUPPORTED,
                     "the skeleton plugin has no database driver: it is a template to copy "
                     "(plugins/skeleton); connect() is where yours opens its session");
  }
  const std::string& server_version() const override { return version_; }
  void ping() override {}
  void execute_script(std::string_view) override {}
  std::unique_ptr<sdk::Statement> prepare(std::string_view) override { return nullptr; }

 private:
  std::string version_;
};

// 3. Errors: map your client's codes onto QUARRY_ERR_* in one function, e.g.
//   unique violation -> QUARRY_ERR_UNIQUE_VIOLATION, deadlock -> QUARRY_ERR_DEADLOCK,
//   lost connection  -> QUARRY_ERR_CONNECTION_LOST, syntax error -> QUARRY_ERR_PROGRAMMING.

struct Plugin {
  static constexpr const char* name = "skeleton";  // the config's engine: and the file name
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "a template for new dialect plugins";

  static std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
    return skeleton::make_dialect(server_version);
  }
  static std::unique_ptr<sdk::Connection> connect(const sdk::ConnectParams& params) {
    return std::make_unique<Connection>(params);
  }
};

}  // namespace skeleton

QUARRY_PLUGIN(skeleton::Plugin)
