// The MySQL/MariaDB dialect plugin: libquarry_mysql.so.
#include "my_connection.hpp"
#include "my_dialect.hpp"
#include "quarry/plugin/sdk.hpp"

namespace quarry::mysql {

struct Plugin {
  static constexpr const char* name = "mysql";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "MySQL and MariaDB through MariaDB Connector/C";

  static std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
    return mysql::make_dialect(server_version);
  }
  static std::unique_ptr<sdk::Connection> connect(const sdk::ConnectParams& params) {
    return std::make_unique<Connection>(params);
  }
};

}  // namespace quarry::mysql

QUARRY_PLUGIN(quarry::mysql::Plugin)
