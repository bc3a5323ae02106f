// The SQLite dialect plugin: libquarry_sqlite.so.
#include "quarry/plugin/sdk.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_dialect.hpp"

namespace quarry::sqlite {

struct Plugin {
  static constexpr const char* name = "sqlite";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "SQLite 3 through the sqlite3 C library";

  static std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
    return sqlite::make_dialect(server_version);
  }
  static std::unique_ptr<sdk::Connection> connect(const sdk::ConnectParams& params) {
    return std::make_unique<Connection>(params);
  }
};

}  // namespace quarry::sqlite

QUARRY_PLUGIN(quarry::sqlite::Plugin)
