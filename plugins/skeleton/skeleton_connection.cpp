#include "skeleton_connection.hpp"

#include "skeleton_errors.hpp"

namespace skeleton {

using namespace quarry;

Connection::Connection(const sdk::ConnectParams& params) {
  // Refuse options you do not know, naming the ones you do: a typo in a config must not
  // pass unnoticed.
  params.check_known("skeleton", {});
  // Open the session with your client library here (params.get("host"), ...), keep its
  // handle, and read the server's version for make_dialect(). A plugin whose client
  // library cannot be unloaded safely calls sdk::keep_loaded() here.
  throw sdk::Error(QUARRY_ERR_NOT_SUPPORTED,
                   "the skeleton plugin has no database driver: it is a template to copy "
                   "(plugins/skeleton); connect() is where yours opens its session");
}

void Connection::ping() {
  // A failure here means the session is lost: the core treats it as ConnectionLost.
}

void Connection::execute_script(std::string_view sql) {
  (void)sql;  // run it; on failure, raise(code, message)
}

std::unique_ptr<sdk::Statement> Connection::prepare(std::string_view sql) {
  (void)sql;  // prepare it with your client; syntax errors are QUARRY_ERR_PROGRAMMING
  return std::make_unique<Statement>();
}

}  // namespace skeleton
