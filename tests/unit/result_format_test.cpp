// The query cache's entry format (core/src/cache/stored_rows.hpp), with no server: every
// value type round-trips byte for byte, the header is what a hit compares, and bytes that
// are not a whole entry are refused, never read out of bounds. And the in-process store:
// bounded, least recently used first out, expiring.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cache/cache_store.hpp"
#include "cache/stored_rows.hpp"
#include "quarry/config.hpp"
#include "quarry/errors.hpp"

namespace quarry::detail {
namespace {

quarry_value text(int32_t type, std::string_view s) {
  quarry_value v{};
  v.type = type;
  v.u.s.ptr = s.data();
  v.u.s.len = s.size();
  return v;
}

quarry_value integer(int32_t type, int64_t i) {
  quarry_value v{};
  v.type = type;
  v.u.i = i;
  return v;
}

// One row of every type there is.
std::vector<quarry_value> every_type(const std::string& bytes) {
  std::vector<quarry_value> row;
  row.push_back(quarry_value{});  // NULL
  row.push_back(integer(QUARRY_BOOL, 1));
  row.push_back(integer(QUARRY_INT64, INT64_MIN));
  quarry_value d{};
  d.type = QUARRY_DOUBLE;
  d.u.d = -0.1;
  row.push_back(d);
  row.push_back(text(QUARRY_DECIMAL, "-123456789012345678.000000001"));
  row.push_back(text(QUARRY_TEXT, "Zoë \xF0\x9F\x98\x80"));
  row.push_back(text(QUARRY_BYTES, bytes));
  row.push_back(integer(QUARRY_DATE, -719162));
  row.push_back(integer(QUARRY_TIME, 86'399'999'999));
  row.push_back(integer(QUARRY_DATETIME, 1'700'000'000'123'456));
  row.push_back(text(QUARRY_JSON, R"({"a": [1, null, "x"]})"));
  quarry_value u{};
  u.type = QUARRY_UUID;
  for (int i = 0; i < 16; ++i) u.u.uuid[i] = static_cast<uint8_t>(i * 17);
  row.push_back(u);
  return row;
}

std::string entry(const std::vector<quarry_value>& row, std::size_t rows) {
  EntryWriter w;
  const std::vector<std::string> tokens = {"epoch", std::string("g\0t", 3)};
  w.header("SELECT ...", tokens);
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < row.size(); ++i) names.push_back("col");
  w.columns(names);
  for (std::size_t r = 0; r < rows; ++r) w.row(row.data(), row.size());
  return w.take();
}

bool same(const quarry_value& a, const quarry_value& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case QUARRY_NULL:
      return true;
    case QUARRY_DOUBLE:
      return std::memcmp(&a.u.d, &b.u.d, 8) == 0;
    case QUARRY_UUID:
      return std::memcmp(a.u.uuid, b.u.uuid, 16) == 0;
    case QUARRY_DECIMAL:
    case QUARRY_TEXT:
    case QUARRY_BYTES:
    case QUARRY_JSON:
      return std::string_view(a.u.s.ptr, a.u.s.len) == std::string_view(b.u.s.ptr, b.u.s.len);
    default:
      return a.u.i == b.u.i;
  }
}

TEST(ResultFormat, EveryValueTypeRoundTripsExactly) {
  const std::string bytes("\0\xff\x01", 3);
  const auto row = every_type(bytes);
  auto stored = read_rows(entry(row, 3));
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->rows, 3u);
  ASSERT_EQ(stored->names.size(), row.size());
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      EXPECT_TRUE(same(stored->cells[r * row.size() + i], row[i])) << "row " << r << " cell " << i;
    }
  }
}

TEST(ResultFormat, TheHeaderSaysWhatTheEntryAnswersAndUnderWhichGenerations) {
  const std::string e = entry(every_type("x"), 1);
  EntryHeader h;
  ASSERT_TRUE(read_header(e, h));
  EXPECT_EQ(h.material, "SELECT ...");
  ASSERT_EQ(h.tokens.size(), 2u);
  EXPECT_EQ(h.tokens[1], std::string_view("g\0t", 3));
  // Another format version is not an entry of this one.
  std::string other = e;
  other[3] = static_cast<char>(kResultFormatVersion + 1);
  EXPECT_FALSE(read_header(other, h));
  EXPECT_FALSE(read_rows(other));
}

TEST(ResultFormat, AnEmptyResultIsAnEntryToo) {
  EntryWriter w;
  w.header("m", {});
  const std::string_view names[] = {"id"};
  w.columns(names);
  auto stored = read_rows(w.take());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->rows, 0u);
  EXPECT_EQ(stored->names[0], "id");
}

TEST(ResultFormat, BytesThatAreNotAWholeEntryAreRefused) {
  const std::string e = entry(every_type("xyz"), 2);
  for (std::size_t n = 0; n < e.size(); ++n) {
    EXPECT_FALSE(read_rows(e.substr(0, n))) << "cut at " << n;
  }
  EXPECT_FALSE(read_rows(e + "!")) << "trailing bytes";
  // A count of rows or columns beyond the bytes there are.
  std::string lying = e;
  for (std::size_t i = 0; i + 8 <= lying.size(); ++i) {
    std::string copy = lying;
    for (int k = 0; k < 8; ++k) copy[i + k] = '\xff';
    (void)read_rows(copy);  // refused or read within bounds: never a crash
  }
}

TEST(ResultFormat, ParametersAreMaterialByValueAndType) {
  std::string a, b, c;
  const std::vector<Value> one = {Value(int64_t{1}), Value("x")};
  const std::vector<Value> other = {Value(true), Value("x")};
  append_values(a, one);
  append_values(b, other);
  append_values(c, one);
  EXPECT_NE(a, b) << "1 and TRUE are different parameters";
  EXPECT_EQ(a, c);
}

TEST(MemoryStore, KeepsItsBoundDroppingTheLeastRecentlyUsedFirst) {
  auto s = make_memory_store(4096);
  const std::string big(1000, 'v');
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->set("k" + std::to_string(i), big, 0));
  std::vector<std::optional<std::string>> out;
  const std::string first[] = {"k0"};
  ASSERT_TRUE(s->get_many(first, out));  // k0 is now the most recently used
  ASSERT_TRUE(s->set("k3", big, 0));
  ASSERT_TRUE(s->set("k4", big, 0));
  const std::string all[] = {"k0", "k1", "k2", "k3", "k4"};
  ASSERT_TRUE(s->get_many(all, out));
  EXPECT_TRUE(out[0]) << "used lately: kept";
  EXPECT_FALSE(out[1]) << "the least recently used: gone";
  EXPECT_TRUE(out[4]);
}

TEST(MemoryStore, SetsOnlyIfAbsentExpiresAndDeletesOnlyItsOwnValue) {
  auto s = make_memory_store(1 << 20);
  bool done = false;
  ASSERT_TRUE(s->set("k", "a", 0, true, &done));
  EXPECT_TRUE(done);
  ASSERT_TRUE(s->set("k", "b", 0, true, &done));
  EXPECT_FALSE(done);
  ASSERT_TRUE(s->delete_if("k", "b"));
  std::vector<std::optional<std::string>> out;
  const std::string k[] = {"k"};
  ASSERT_TRUE(s->get_many(k, out));
  EXPECT_EQ(out[0], "a") << "another owner's value stays";
  ASSERT_TRUE(s->delete_if("k", "a"));
  ASSERT_TRUE(s->get_many(k, out));
  EXPECT_FALSE(out[0]);
  ASSERT_TRUE(s->set("t", "v", 20));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const std::string t[] = {"t"};
  ASSERT_TRUE(s->get_many(t, out));
  EXPECT_FALSE(out[0]) << "expired";
}

TEST(CacheConfig, ReadsTheCacheOfAnAliasAndNamesTheKeyAtFault) {
  const Config c = Config::parse(R"(databases:
  default:
    engine: sqlite
    name: x.db
    cache: {backend: redis, url: "redis://127.0.0.1:6379/0", ttl_s: 30,
            connect_timeout_ms: 50, command_timeout_ms: 20,
            breaker: {failures: 5, open_ms: 700}, key_prefix: "app:", schema_version: "7"}
)");
  const CacheSettings& s = c.database("default").cache;
  EXPECT_EQ(s.backend, "redis");
  EXPECT_EQ(s.url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(s.ttl_ms, 30'000);
  EXPECT_EQ(s.connect_timeout_ms, 50);
  EXPECT_EQ(s.command_timeout_ms, 20);
  EXPECT_EQ(s.breaker_failures, 5);
  EXPECT_EQ(s.breaker_open_ms, 700);
  EXPECT_EQ(s.key_prefix, "app:");
  EXPECT_EQ(s.schema_version, "7");
  const auto refused = [](const std::string& cache) {
    try {
      Config::parse(
          "databases:\n  default:\n    engine: sqlite\n    name: x.db\n    cache: " + cache + "\n");
    } catch (const ImproperlyConfigured& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused("{backend: redis}").find("needs a url"), std::string::npos);
  EXPECT_NE(refused("{url: x}").find("no backend"), std::string::npos);
  EXPECT_NE(refused("{backend: Redis!}").find("databases.default.cache.backend"),
            std::string::npos);
  EXPECT_NE(refused("{backend: memory, ttl: 3}").find("unknown key 'ttl'"), std::string::npos);
  EXPECT_NE(refused("{backend: memory, key_prefix: \"a b\"}").find("cache.key_prefix"),
            std::string::npos);
}

TEST(CacheConfig, AStorePluginThatIsMissingIsNamedWithThePathsTried) {
  CacheSettings s;
  s.backend = "nosuchstore";
  s.url = "x://";
  try {
    open_cache_store(s, {}, "default");
    FAIL() << "opened";
  } catch (const ImproperlyConfigured& e) {
    EXPECT_NE(std::string(e.what()).find("libquarry_cache_nosuchstore.so"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("databases.default.cache"), std::string::npos);
  }
}

}  // namespace
}  // namespace quarry::detail
