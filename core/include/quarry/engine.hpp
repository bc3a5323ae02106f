// Engine: a dialect plugin loaded at run time. The library stays loaded for as long as
// anything (a dialect, a connection) holds the shared_ptr.
//
// Search order for engine "NAME" (file libquarry_NAME.so), first match wins:
//   1. the config's plugin_path entries, in order
//   2. QUARRY_PLUGIN_PATH, a ':'-separated list
//   3. beside libquarry_core: its own folder, then quarry/plugins/ below it
//   4. the install folder (<prefix>/lib/quarry/plugins)
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/plugin/abi.h"

namespace quarry {

class Engine {
 public:
  // Loads (or returns the already loaded) plugin for `name`. Throws ImproperlyConfigured:
  // for an invalid name, a missing plugin (listing every path tried), a library that is
  // not a quarry plugin, one built for another ABI major version (naming both), or one
  // whose newest dialect sets a key or flag quarry/plugin/dialect_keys.h does not declare
  // (naming it and the plugin).
  static std::shared_ptr<const Engine> load(std::string_view name,
                                            const std::vector<std::string>& config_paths = {});
  // Loads a plugin from an explicit file.
  static std::shared_ptr<const Engine> load_file(const std::string& path,
                                                 std::string_view expected_name = {});
  // The folders searched, in order, each with where it came from.
  struct SearchDir {
    std::string path;
    std::string origin;  // "config plugin_path", "QUARRY_PLUGIN_PATH", ...
  };
  static std::vector<SearchDir> search_dirs(const std::vector<std::string>& config_paths = {});
  // "postgresql" -> "postgres", "mariadb" -> "mysql", "sqlite3" -> "sqlite".
  static std::string canonical_name(std::string_view name);
  static std::string file_name(std::string_view name);  // libquarry_NAME.so

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  const std::string& path() const { return path_; }
  uint32_t abi_major() const { return table_->abi_major; }
  uint32_t abi_minor() const { return table_->abi_minor; }
  // The plugin's function table. Fields past the plugin's struct_size are never read:
  // use has() before calling one that a later ABI minor version added.
  const quarry_plugin& table() const { return *table_; }
  bool has(std::size_t field_offset) const { return field_offset < table_->struct_size; }

 private:
  struct Library;
  Engine() = default;

  std::unique_ptr<Library> library_;
  const quarry_plugin* table_ = nullptr;
  std::string name_, version_, description_, path_;
};

}  // namespace quarry
