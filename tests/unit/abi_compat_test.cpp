// A plugin built against an older minor version of the plugin ABI keeps working: the
// core reads no field past the plugin's table and does without what is missing. The
// plugin here is the SQLite plugin presented as ABI 1.0 (tests/plugins/abi_1_0), so
// bulk_create cannot use bulk_insert (added in 1.1) and writes INSERT statements.
#include <gtest/gtest.h>

#include <cstddef>

#include "quarry/quarry.hpp"

namespace {

using namespace quarry;

struct Item {
  int64_t id = 0;
  std::string name{};
};

void quarry_model(ModelDef<Item>& m) {
  m.table("qt_compat_item");
  m.field("id", &Item::id, BigAutoField());
  m.field("name", &Item::name, CharField(20));
}

TEST(AbiCompat, APluginOfAnOlderMinorVersionLoadsAndBulkCreateUsesStatements) {
  const auto engine = Engine::load("sqliteabi10", {QUARRY_BAD_PLUGIN_DIR});
  EXPECT_EQ(engine->abi_major(), 1u);
  EXPECT_EQ(engine->abi_minor(), 0u);
  EXPECT_FALSE(engine->has(offsetof(quarry_plugin, bulk_insert)));

  configure(Config::parse("plugin_path: [\"" QUARRY_BAD_PLUGIN_DIR "\"]\n"
                          "databases:\n"
                          "  default: {engine: sqliteabi10, name: \":memory:\"}\n",
                          "<abi compat test>"));
  create_tables<Item>();
  std::vector<Item> items(250);
  for (std::size_t i = 0; i < items.size(); ++i) items[i].name = "i" + std::to_string(i);
  QueryCapture capture;
  objects<Item>().bulk_create(items, 100);
  std::size_t statements = 0;
  for (const auto& q : capture.queries()) {
    EXPECT_NE(q.sql.rfind("BULK INSERT", 0), 0u) << q.sql;
    statements += q.sql.rfind("INSERT INTO", 0) == 0;
  }
  EXPECT_EQ(statements, 3u) << "ceil(250 / 100) INSERT statements";
  for (const auto& item : items) {
    ASSERT_GT(item.id, 0) << "RETURNING gave the key";
    EXPECT_EQ(objects<Item>().get("pk", item.id).name, item.name);
  }
  drop_tables<Item>();
}

}  // namespace
