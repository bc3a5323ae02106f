#include <gtest/gtest.h>

#include <cstdlib>

#include "quarry/database.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"
#include "quarry/plugin/sdk.hpp"
#include "support/errors.hpp"

using namespace quarry;

namespace {
std::string error_of(auto&& f) {
  return quarry::test::error_of<ImproperlyConfigured>(f);
}
}  // namespace

TEST(Engine, LoadsTheBuiltPluginsBesideTheCore) {
  for (const char* name : {"sqlite", "postgres", "mysql"}) {
    auto engine = Engine::load(name);
    EXPECT_EQ(engine->name(), name);
    EXPECT_EQ(engine->abi_major(), QUARRY_ABI_MAJOR);
    EXPECT_FALSE(engine->description().empty());
  }
  EXPECT_EQ(Engine::load("postgresql")->name(), "postgres");
  EXPECT_EQ(Engine::load("mariadb")->name(), "mysql");
  // One library per file, however many times it is asked for.
  EXPECT_EQ(Engine::load("sqlite").get(), Engine::load("sqlite3").get());
}

TEST(Engine, MissingPluginListsEveryPathTried) {
  setenv("QUARRY_PLUGIN_PATH", "/env/one:/env/two", 1);
  const std::string what = error_of([] { Engine::load("duckdb", {"/from/config"}); });
  unsetenv("QUARRY_PLUGIN_PATH");
  EXPECT_NE(what.find("no plugin for engine 'duckdb': libquarry_duckdb.so was not found"),
            std::string::npos)
      << what;
  const auto config = what.find("/from/config/libquarry_duckdb.so  (config plugin_path)");
  const auto env1 = what.find("/env/one/libquarry_duckdb.so  (QUARRY_PLUGIN_PATH)");
  const auto env2 = what.find("/env/two/libquarry_duckdb.so  (QUARRY_PLUGIN_PATH)");
  const auto beside = what.find("(beside libquarry_core)");
  const auto install = what.find("(install folder)");
  ASSERT_NE(config, std::string::npos) << what;
  ASSERT_NE(env2, std::string::npos) << what;
  ASSERT_NE(install, std::string::npos) << what;
  EXPECT_LT(config, env1);
  EXPECT_LT(env1, env2);
  EXPECT_LT(env2, beside);
  EXPECT_LT(beside, install);
}

TEST(Engine, RefusesAPluginOfAnotherAbiNamingBothVersions) {
  const std::string what = error_of([] { Engine::load("badabi", {QUARRY_BAD_PLUGIN_DIR}); });
  EXPECT_NE(what.find("libquarry_badabi.so was built for quarry plugin ABI 99.0, but this quarry "
                      "speaks plugin ABI 1.2"),
            std::string::npos)
      << what;
}

TEST(Engine, RefusesALibraryWithoutTheEntryPoint) {
  const std::string what = error_of([] { Engine::load("notaplugin", {QUARRY_BAD_PLUGIN_DIR}); });
  EXPECT_NE(what.find("is not a quarry plugin: it exports no 'quarry_plugin_entry' symbol"),
            std::string::npos)
      << what;
}

TEST(Engine, RefusesAPluginThatSetsAnUndeclaredDialectKeyNamingKeyAndPlugin) {
  const std::string what = error_of([] { Engine::load("misspeltkey", {QUARRY_BAD_PLUGIN_DIR}); });
  EXPECT_NE(what.find("plugin 'misspeltkey' ("), std::string::npos) << what;
  EXPECT_NE(what.find("libquarry_misspeltkey.so) sets dialect key 'lookup.icontian', which quarry "
                      "does not declare"),
            std::string::npos)
      << what;
  EXPECT_EQ(what.find("'quote'"), std::string::npos) << "a declared key passes: " << what;
}

TEST(Engine, RefusesAPluginThatSetsAnUndeclaredFeatureFlagNamingFlagAndPlugin) {
  const std::string what = error_of([] { Engine::load("misspeltflag", {QUARRY_BAD_PLUGIN_DIR}); });
  EXPECT_NE(what.find("plugin 'misspeltflag' ("), std::string::npos) << what;
  EXPECT_NE(what.find("sets feature flag 'has_select_for_updat', which quarry does not declare"),
            std::string::npos)
      << what;
  EXPECT_EQ(what.find("has_returning"), std::string::npos) << "a declared flag passes: " << what;
}

TEST(Engine, TheSdkRefusesAnUndeclaredNameInThePlugin) {
  sdk::Dialect d;
  d.set("quote", "`");
  d.feature("has_returning", true);
  const auto refused = [](auto&& f) { return quarry::test::error_of<sdk::Error>(f); };
  EXPECT_NE(
      refused([&] { d.set("lookup.icontian", "x"); }).find("unknown dialect key 'lookup.icontian'"),
      std::string::npos);
  EXPECT_NE(
      refused([&] { d.feature("has_returnig", true); }).find("unknown feature flag 'has_returnig'"),
      std::string::npos);
  EXPECT_EQ(d.get("lookup.icontian"), nullptr);
}

TEST(Engine, RefusesNamesThatCouldBePaths) {
  EXPECT_NE(error_of([] { Engine::load("../../etc/x"); }).find("invalid engine name"),
            std::string::npos);
}

TEST(Engine, ConfigErrorsSurfaceAtStartUp) {
  // An unknown engine in a config fails when the databases are set up, not at first use.
  const Config config = Config::parse("databases:\n  default:\n    engine: nosuchdb\n");
  EXPECT_NE(error_of([&] { Databases dbs(config); }).find("no plugin for engine 'nosuchdb'"),
            std::string::npos);
  const Config bad = Config::parse("plugin_path: " QUARRY_BAD_PLUGIN_DIR
                                   "\ndatabases:\n  default:\n    engine: badabi\n");
  EXPECT_NE(error_of([&] { Databases dbs(bad); }).find("ABI 99.0"), std::string::npos);
}

TEST(Engine, RegistryNeedsConfiguring) {
  // ctest runs each test in a process of its own; run together, another test may have
  // configured the registry already.
  if (is_configured()) GTEST_SKIP() << "configured by an earlier test in this process";
  EXPECT_NE(error_of([] { database("default"); }).find("not configured"), std::string::npos);
}
