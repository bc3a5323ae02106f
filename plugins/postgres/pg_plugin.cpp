// The PostgreSQL dialect plugin: libquarry_postgres.so.
#include "pg_connection.hpp"
#include "pg_dialect.hpp"
#include "quarry/plugin/sdk.hpp"

namespace quarry::postgres {

struct Plugin {
  static constexpr const char* name = "postgres";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "PostgreSQL through libpq";

  static std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
    return postgres::make_dialect(server_version);
  }
  static std::unique_ptr<sdk::Connection> connect(const sdk::ConnectParams& params) {
    return std::make_unique<Connection>(params);
  }
};

}  // namespace quarry::postgres

QUARRY_PLUGIN(quarry::postgres::Plugin)
