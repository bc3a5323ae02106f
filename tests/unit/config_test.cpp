#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "quarry/config.hpp"
#include "quarry/errors.hpp"
#include "support/errors.hpp"

using namespace quarry;

namespace {
std::string error_of(const std::string& yaml, const std::string& source = "app.yaml") {
  return quarry::test::error_of<ImproperlyConfigured>([&] { Config::parse(yaml, source); });
}
}  // namespace

TEST(DatabaseUrl, ParsesEveryEngineForm) {
  auto pg = parse_database_url("postgres://app:p%40ss%3Aword@db.example:6543/shop?sslmode=disable");
  EXPECT_EQ(pg.engine, "postgres");
  EXPECT_EQ(pg.user, "app");
  EXPECT_EQ(pg.password, "p@ss:word");
  EXPECT_EQ(pg.host, "db.example");
  EXPECT_EQ(pg.port, "6543");
  EXPECT_EQ(pg.name, "shop");
  EXPECT_EQ(pg.options.at("sslmode"), "disable");
  EXPECT_EQ(parse_database_url("postgresql://h/db").engine, "postgres");

  auto my = parse_database_url("mariadb://root@[::1]:3307/app");
  EXPECT_EQ(my.engine, "mysql");
  EXPECT_EQ(my.host, "::1");
  EXPECT_EQ(my.port, "3307");
  EXPECT_EQ(my.password, "");

  EXPECT_EQ(parse_database_url("sqlite:///var/data/app.db").name, "/var/data/app.db");
  EXPECT_EQ(parse_database_url("sqlite://data/app.db").name, "data/app.db");
  EXPECT_EQ(parse_database_url("sqlite://:memory:").name, ":memory:");
}

TEST(DatabaseUrl, RejectsMalformedUrlsWithoutLeakingPasswords) {
  EXPECT_THROW(parse_database_url("localhost/db"), ImproperlyConfigured);
  EXPECT_THROW(parse_database_url("sqlite://"), ImproperlyConfigured);
  try {
    parse_database_url("postgres://u:secret@h:99999/db");
    FAIL();
  } catch (const ImproperlyConfigured& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("invalid port '99999'"), std::string::npos) << what;
    EXPECT_EQ(what.find("secret"), std::string::npos) << what;
  }
}

TEST(Config, ReadsAliasesKeysAndPool) {
  const Config c = Config::parse(R"(
plugin_path: [plugins, /opt/quarry/plugins]
databases:
  default:
    engine: sqlite
    name: app.db
    options: {journal_mode: wal}
  pg:
    url: postgres://u:pw@127.0.0.1:5432/app
    port: 5433
    pool: {size: 3, acquire_timeout_ms: 250, health_check_after_ms: 0}
    log_queries: yes
    statement_cache_size: 16
)",
                                 "/etc/app/quarry.yaml");
  ASSERT_EQ(c.databases.size(), 2u);
  const auto& d = c.database("default");
  EXPECT_EQ(d.engine, "sqlite");
  EXPECT_EQ(d.options.at("journal_mode"), "wal");
  EXPECT_EQ(d.plugin_path, (std::vector<std::string>{"/etc/app/plugins", "/opt/quarry/plugins"}));
  EXPECT_EQ(d.source, "/etc/app/quarry.yaml:5");
  const auto& pg = c.database("pg");
  EXPECT_EQ(pg.engine, "postgres");
  EXPECT_EQ(pg.port, "5433");  // an explicit key overrides the URL
  EXPECT_EQ(pg.password, "pw");
  EXPECT_EQ(pg.pool.size, 3u);
  EXPECT_EQ(pg.pool.acquire_timeout.count(), 250);
  EXPECT_EQ(pg.pool.health_check_after.count(), 0);
  EXPECT_TRUE(pg.log_queries);
  EXPECT_EQ(pg.statement_cache_size, 16u);
  EXPECT_THROW(c.database("nope"), ImproperlyConfigured);
}

TEST(Config, InterpolatesTheEnvironment) {
  setenv("QUARRY_TEST_DB_NAME", "from_env", 1);
  unsetenv("QUARRY_TEST_UNSET");
  const Config c = Config::parse(R"(
databases:
  default:
    engine: sqlite
    name: ${QUARRY_TEST_DB_NAME}
    user: ${QUARRY_TEST_UNSET:-fallback}
    password: cost$$5
)");
  EXPECT_EQ(c.database("default").name, "from_env");
  EXPECT_EQ(c.database("default").user, "fallback");
  EXPECT_EQ(c.database("default").password, "cost$5");
  EXPECT_EQ(
      error_of("databases:\n  default:\n    engine: sqlite\n    name: ${QUARRY_TEST_UNSET}\n"),
      "app.yaml:4: databases.default.name: environment variable QUARRY_TEST_UNSET is not "
      "set (write ${QUARRY_TEST_UNSET:-default} to give a default)");
}

TEST(Config, ErrorsNameTheFileTheLineAndTheKey) {
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    port: abc\n"),
            "app.yaml:4: databases.default.port: expected a whole number, got 'abc'");
  EXPECT_EQ(
      error_of("databases:\n  default:\n    engine: sqlite\n    hots: x\n"),
      "app.yaml:4: databases.default.hots: unknown key 'hots'; the keys here are: cache, engine, "
      "health_check_ms, host, isolation_level, log_limit, log_queries, max_lag_ms, name, "
      "options, password, plugin_path, pool, port, replicas, select_for_update, "
      "server_version, statement_cache_size, url, user");
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    isolation_level: snapshot\n"),
            "app.yaml:4: databases.default.isolation_level: expected one of read_uncommitted, "
            "read_committed, repeatable_read, serializable, got 'snapshot'");
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    select_for_update: lax\n"),
            "app.yaml:4: databases.default.select_for_update: expected one of immediate, "
            "ignore_options, strict, got 'lax'");
  EXPECT_EQ(error_of("databases:\n  default:\n    name: x.db\n"),
            "app.yaml:3: databases.default: no engine: give engine: (sqlite, postgres, mysql or a "
            "plugin's name) or url:");
  EXPECT_EQ(error_of("plugin_path: x\n"),
            "app.yaml:1: databases: missing: the config must list at least one database");
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    pool: {size: 0}\n"),
            "app.yaml:4: databases.default.pool.size: 0 is out of range 1..10000");
  EXPECT_EQ(error_of("databases: [a, b\n"),
            "app.yaml:2:1: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of("databases:\n  default:\n    url: ftp//x\n"),
            "app.yaml:3: databases.default.url: database URL 'ftp//x' has no scheme: expected "
            "engine://..., e.g. postgres://user@host/db or sqlite:///path.db");
  EXPECT_EQ(error_of("cache: {}\ndatabases:\n  default:\n    engine: sqlite\n"),
            "app.yaml:1: cache: unknown key 'cache'; the keys here are: databases, plugin_path, "
            "routers");
}

// Issue 15, point 8: hostile or mistaken config text is an error naming the file, the
// line and the key, never a quiet reading of something else.
TEST(DatabaseUrl, RefusesANulByteInAnyPart) {
  for (const char* url :
       {"sqlite:///path/a%00b.db", "postgres://u%00x@h/db", "postgres://u:pw%00@h/db",
        "postgres://h/db%00x", "postgres://h/db?sslmode=dis%00able"}) {
    SCOPED_TRACE(url);
    const std::string what =
        quarry::test::error_of<ImproperlyConfigured>([&] { parse_database_url(url); });
    EXPECT_NE(what.find("has a NUL byte (%00)"), std::string::npos) << what;
  }
  using namespace std::string_view_literals;
  EXPECT_NE(quarry::test::error_of<ImproperlyConfigured>([] {
              parse_database_url("sqlite:///path/a\0b.db"sv);
            }).find("has a NUL byte"),
            std::string::npos);
  EXPECT_EQ(error_of("databases:\n  default:\n    url: \"sqlite:///tmp/a%00b.db\"\n"),
            "app.yaml:3: databases.default.url: database URL 'sqlite:///tmp/a%00b.db' has a NUL "
            "byte (%00), which no part of it may hold");
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    name: \"a\\0b.db\"\n"),
            "app.yaml:4: databases.default.name: the value contains a NUL byte");
}

TEST(DatabaseUrl, RefusesAHostWithTwoPortsAndAFragment) {
  EXPECT_EQ(error_of("databases:\n  default:\n    url: postgres://u:secret@h:5432:5433/db\n"),
            "app.yaml:3: databases.default.url: database URL 'postgres://u:***@h:5432:5433/db' "
            "has more than one ':' in 'h:5432:5433': give one port, and an IPv6 address in "
            "brackets ([::1]:5432)");
  EXPECT_EQ(error_of("databases:\n  default:\n    url: \"mysql://[::1]x:3306/db\"\n"),
            "app.yaml:3: databases.default.url: database URL 'mysql://[::1]x:3306/db' has "
            "'x:3306' after ']': expected :port or nothing");
  EXPECT_EQ(error_of("databases:\n  default:\n    url: \"postgres://u:secret@h/db#frag\"\n"),
            "app.yaml:3: databases.default.url: database URL 'postgres://u:***@h/db#frag' has a "
            "'#': a database URL takes no #fragment (write %23 for a '#' in a name, user or "
            "password)");
  EXPECT_THROW(parse_database_url("sqlite:///tmp/a.db#x"), ImproperlyConfigured);
  // What is allowed stays allowed: an escaped '#', one port, a bracketed IPv6 address.
  EXPECT_EQ(parse_database_url("postgres://u:p%23w@h:5432/d%23b").name, "d#b");
  EXPECT_EQ(parse_database_url("postgres://u:p%23w@h:5432/db").password, "p#w");
  EXPECT_EQ(parse_database_url("postgres://[::1]/db").host, "::1");
  EXPECT_EQ(parse_database_url("postgres://[::1]/db").port, "");
}

TEST(Config, RefusesADuplicateKey) {
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    name: a.db\n"
                     "  default:\n    engine: sqlite\n    name: b.db\n"),
            "app.yaml:5: databases.default: duplicate key 'default' (first given on line 2)");
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n    name: a.db\n"
                     "    name: b.db\n"),
            "app.yaml:5: databases.default.name: duplicate key 'name' (first given on line 4)");
  EXPECT_EQ(error_of("databases:\n  default: {engine: sqlite, pool: {size: 2, size: 3}}\n"),
            "app.yaml:2: databases.default.pool.size: duplicate key 'size' (first given on line "
            "2)");
  EXPECT_EQ(
      error_of("databases:\n  default: {engine: sqlite}\ndatabases:\n  b: {engine: sqlite}\n"),
      "app.yaml:3: databases: duplicate key 'databases' (first given on line 1)");
}

// Found by tests/fuzz/fuzz_config: a key that is a mapping or a list ("? ...") made
// yaml-cpp throw its own exception out of Config::parse.
TEST(Config, RefusesAKeyThatIsNotAPlainName) {
  EXPECT_EQ(error_of("? [x, y]\n: 1\ndatabases:\n  a: {engine: sqlite}\n"),
            "app.yaml:1: a key must be a plain name, not a mapping, a list or empty");
  EXPECT_EQ(error_of("databases:\n  ? {a: 1}\n  : {engine: sqlite}\n"),
            "app.yaml:2: databases: a key must be a plain name, not a mapping, a list or empty");
  EXPECT_EQ(error_of("databases:\n  a:\n?   url: mysql://u:p@h/d\n"),
            "app.yaml:3: a key must be a plain name, not a mapping, a list or empty");
}

TEST(Config, InterpolatesNestedDefaults) {
  unsetenv("QUARRY_TEST_UNSET");
  unsetenv("QUARRY_TEST_UNSET2");
  setenv("QUARRY_TEST_PORT", "6543", 1);
  const Config c = Config::parse(R"(
databases:
  default:
    url: postgres://h:${QUARRY_TEST_UNSET:-${QUARRY_TEST_UNSET2:-5432}}/db
  b:
    url: postgres://h:${QUARRY_TEST_UNSET:-${QUARRY_TEST_PORT:-5432}}/db
  c:
    engine: sqlite
    name: "${QUARRY_TEST_UNSET:-a$${QUARRY_TEST_PORT}}.db"
  d:
    engine: sqlite
    name: ${QUARRY_TEST_PORT:-${QUARRY_TEST_UNSET}}
)");
  EXPECT_EQ(c.database("default").port, "5432");
  EXPECT_EQ(c.database("b").port, "6543");
  EXPECT_EQ(c.database("c").name, "a${QUARRY_TEST_PORT}.db");
  EXPECT_EQ(c.database("d").name, "6543");  // a default is read only when it is used
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n"
                     "    name: ${QUARRY_TEST_UNSET:-${QUARRY_TEST_UNSET2}}\n"),
            "app.yaml:4: databases.default.name: environment variable QUARRY_TEST_UNSET2 is not "
            "set (write ${QUARRY_TEST_UNSET2:-default} to give a default)");
  EXPECT_EQ(error_of("databases:\n  default:\n    engine: sqlite\n"
                     "    name: ${QUARRY_TEST_UNSET:-${QUARRY_TEST_UNSET2:-x}\n"),
            "app.yaml:4: databases.default.name: unclosed '${' in "
            "'${QUARRY_TEST_UNSET:-${QUARRY_TEST_UNSET2:-x}'");
}

TEST(Config, AnEnvironmentErrorInAUrlIsPrefixedOnce) {
  unsetenv("QUARRY_TEST_UNSET");
  setenv("QUARRY_TEST_BAD_URL", "postgres://h:5432:5433/db", 1);
  EXPECT_EQ(error_of("databases:\n  default:\n    url: ${QUARRY_TEST_UNSET}\n"),
            "app.yaml:3: databases.default.url: environment variable QUARRY_TEST_UNSET is not "
            "set (write ${QUARRY_TEST_UNSET:-default} to give a default)");
  EXPECT_EQ(error_of("databases:\n  default:\n    url: ${QUARRY_TEST_BAD_URL}\n"),
            "app.yaml:3: databases.default.url: database URL 'postgres://h:5432:5433/db' has more "
            "than one ':' in 'h:5432:5433': give one port, and an IPv6 address in brackets "
            "([::1]:5432)");
}

TEST(Config, ValidatesServerVersion) {
  for (const char* good : {"16", "16.2", "10.11.6-MariaDB", "15.4 (Debian 15.4-1)", "3.45.1"}) {
    const Config c = Config::parse(
        "databases:\n  default:\n    engine: sqlite\n"
        "    server_version: \"" +
        std::string(good) + "\"\n");
    EXPECT_EQ(c.database("default").server_version, good);
  }
  for (const char* bad : {"latest", "", "v16", "16.", "1..2", "1.2.3.4", "16.x", "-1", "16\\t"}) {
    SCOPED_TRACE(bad);
    const std::string what = error_of(
        "databases:\n  default:\n    engine: sqlite\n"
        "    server_version: \"" +
        std::string(bad) + "\"\n");
    EXPECT_EQ(what.rfind("app.yaml:4: databases.default.server_version: expected a server "
                         "version such as 16.2 or 10.11.6-MariaDB, got '",
                         0),
              0u)
        << what;
  }
}

TEST(Config, MissingFileIsNamed) {
  try {
    Config::load("/nonexistent/quarry.yaml");
    FAIL();
  } catch (const ImproperlyConfigured& e) {
    EXPECT_STREQ(e.what(), "cannot read config file '/nonexistent/quarry.yaml'");
  }
}

TEST(Config, ShippedConfigsParse) {
  // The example configs must stay valid; their ${...} all have defaults.
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(QUARRY_SOURCE_DIR "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const Config c = Config::load(entry.path().string());
    EXPECT_FALSE(c.databases.empty());
    EXPECT_NO_THROW(c.database("default"));
    ++seen;
  }
  EXPECT_GE(seen, 4);
}
