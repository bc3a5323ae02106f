// docs/plugin-guide.md lists every dialect key and feature flag that
// quarry/plugin/dialect_keys.h declares, and no other: its two tables are rendered here
// from the declarations, and this test fails when the guide's differ. Run it with
// QUARRY_WRITE_PLUGIN_GUIDE=1 to write the rendered tables into the guide instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "quarry/plugin/dialect_keys.h"

namespace {

using namespace quarry::dialect_keys;

const std::string kGuide = QUARRY_SOURCE_DIR "/docs/plugin-guide.md";

// A table cell: a pipe would end it.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string key_table() {
  std::string out = "| key | default | meaning |\n|---|---|---|\n";
  for (const Key& k : kKeys) {
    const std::string_view fallback = k.fallback;
    out += "| `" + cell(k.name) + "` | " +
           (fallback.empty() ? std::string("empty") : "`" + cell(fallback) + "`") + " | " +
           cell(k.meaning) + " |\n";
  }
  return out;
}

std::string flag_table() {
  std::string out = "| flag | default | meaning |\n|---|---|---|\n";
  for (const Flag& f : kFlags) {
    out += "| `" + cell(f.name) + "` | " + (f.fallback ? "true" : "false") + " | " +
           cell(f.meaning) + " |\n";
  }
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "the guide's line\n  declared: the rendered line" at the first line where they differ.
std::string first_difference(const std::string& listed, const std::string& rendered) {
  std::istringstream a(listed), b(rendered);
  std::string la, lb;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a) la = "(end)";
    if (!more_b) lb = "(end)";
    if (la != lb || (!more_a && !more_b)) return la + "\n  declared: " + lb;
  }
}

// The text between the guide's markers for `section`, replaced by `table` when writing.
void check_section(std::string& guide, const std::string& section, const std::string& table,
                   bool write) {
  const std::string begin = "<!-- " + section +
                            ": generated from quarry/plugin/dialect_keys.h"
                            " by tests/unit/plugin_guide_test.cpp -->\n";
  const std::string end = "<!-- end of " + section + " -->";
  const auto from = guide.find(begin);
  const auto to = guide.find(end);
  ASSERT_NE(from, std::string::npos) << kGuide << " lacks the marker line " << begin;
  ASSERT_NE(to, std::string::npos) << kGuide << " lacks the marker line " << end;
  ASSERT_LT(from, to);
  const std::size_t start = from + begin.size();
  if (write) {
    guide.replace(start, to - start, table);
    return;
  }
  const std::string listed = guide.substr(start, to - start);
  EXPECT_TRUE(listed == table)
      << "docs/plugin-guide.md's " << section
      << " differ from quarry/plugin/dialect_keys.h, first at\n  guide: "
      << first_difference(listed, table)
      << "\nrun this test with QUARRY_WRITE_PLUGIN_GUIDE=1 to rewrite them";
}

TEST(PluginGuide, ListsEveryDeclaredDialectKeyAndFeatureFlagAndNoOther) {
  const bool write = std::getenv("QUARRY_WRITE_PLUGIN_GUIDE") != nullptr;
  std::string guide = read(kGuide);
  ASSERT_FALSE(guide.empty()) << kGuide;
  check_section(guide, "dialect keys", key_table(), write);
  check_section(guide, "feature flags", flag_table(), write);
  if (write) std::ofstream(kGuide) << guide;
}

TEST(PluginGuide, EveryDeclaredNameIsUnique) {
  for (std::size_t i = 0; i < std::size(kKeys); ++i) {
    for (std::size_t j = i + 1; j < std::size(kKeys); ++j) {
      EXPECT_STRNE(kKeys[i].name, kKeys[j].name);
    }
  }
  for (std::size_t i = 0; i < std::size(kFlags); ++i) {
    for (std::size_t j = i + 1; j < std::size(kFlags); ++j) {
      EXPECT_STRNE(kFlags[i].name, kFlags[j].name);
    }
  }
}

}  // namespace
