#include "quarry/engine.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include "plugin/dialect_names.hpp"
#include "quarry/errors.hpp"

#ifndef QUARRY_INSTALL_PLUGIN_DIR
#error "QUARRY_INSTALL_PLUGIN_DIR must name the install folder of the plugins"
#endif

namespace quarry {
namespace fs = std::filesystem;

struct Engine::Library {
  boost::dll::shared_library lib;
};

namespace {

// The smallest table the core accepts: everything up to and including ABI 1.0's last
// field. Later minor versions only append.
constexpr std::size_t kMinTableSize = offsetof(quarry_plugin, result_close) + sizeof(void*);

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string version_text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Loaded libraries, by canonical path, so that every alias of an engine shares one.
std::mutex& cache_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::weak_ptr<const Engine>>& cache() {
  static std::map<std::string, std::weak_ptr<const Engine>> c;
  return c;
}

}  // namespace

Engine::~Engine() = default;

std::string Engine::canonical_name(std::string_view name) {
  if (name == "postgresql" || name == "pg") return "postgres";
  if (name == "mariadb") return "mysql";
  if (name == "sqlite3") return "sqlite";
  return std::string(name);
}

std::string Engine::file_name(std::string_view name) {
  return "libquarry_" + std::string(name) + ".so";
}

std::vector<Engine::SearchDir> Engine::search_dirs(const std::vector<std::string>& config_paths) {
  std::vector<SearchDir> dirs;
  for (const auto& p : config_paths) dirs.push_back({p, "config plugin_path"});
  if (const char* env = std::getenv("QUARRY_PLUGIN_PATH"); env && *env) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string_view part = rest.substr(0, colon);
      if (!part.empty()) dirs.push_back({std::string(part), "QUARRY_PLUGIN_PATH"});
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::error_code ec;
  const fs::path core_dir = boost::dll::this_line_location(ec).parent_path();
  if (!ec && !core_dir.empty()) {
    dirs.push_back({core_dir.string(), "beside libquarry_core"});
    dirs.push_back({(core_dir / "quarry" / "plugins").string(), "beside libquarry_core"});
  }
  dirs.push_back({QUARRY_INSTALL_PLUGIN_DIR, "install folder"});
  return dirs;
}

std::shared_ptr<const Engine> Engine::load(std::string_view requested,
                                           const std::vector<std::string>& config_paths) {
  const std::string name = canonical_name(requested);
  if (!valid_name(name)) {
    throw ImproperlyConfigured("invalid engine name '" + std::string(requested) +
                               "': use lower-case letters, digits and '_' (e.g. sqlite, "
                               "postgres, mysql)");
  }
  const std::string file = file_name(name);
  std::string tried;
  for (const auto& dir : search_dirs(config_paths)) {
    const fs::path candidate = fs::path(dir.path) / file;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return load_file(candidate.string(), name);
    tried += "\n  " + candidate.string() + "  (" + dir.origin + ")";
  }
  throw ImproperlyConfigured("no plugin for engine '" + name + "': " + file +
                             " was not found; paths tried, in order:" + tried);
}

std::shared_ptr<const Engine> Engine::load_file(const std::string& path,
                                                std::string_view expected_name) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  if (ec) canonical = path;
  const std::string key = canonical.string();

  std::lock_guard lock(cache_mutex());
  if (auto existing = cache()[key].lock()) return existing;

  auto library = std::make_unique<Library>();
  try {
    library->lib.load(canonical,
                      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw ImproperlyConfigured("could not load plugin " + key + ": " + e.what());
  }
  if (!library->lib.has(QUARRY_PLUGIN_ENTRY_SYMBOL)) {
    throw ImproperlyConfigured("plugin " + key + " is not a quarry plugin: it exports no '" +
                               QUARRY_PLUGIN_ENTRY_SYMBOL + "' symbol");
  }
  auto& entry =
      library->lib.get<const quarry_plugin*(uint32_t, uint32_t)>(QUARRY_PLUGIN_ENTRY_SYMBOL);
  const quarry_plugin* table = entry(QUARRY_ABI_MAJOR, QUARRY_ABI_MINOR);
  const std::string core_version = version_text(QUARRY_ABI_MAJOR, QUARRY_ABI_MINOR);
  if (!table) {
    throw ImproperlyConfigured("plugin " + key + " refused to load into quarry plugin ABI " +
                               core_version);
  }
  if (table->abi_major != QUARRY_ABI_MAJOR) {
    throw ImproperlyConfigured("plugin " + key + " was built for quarry plugin ABI " +
                               version_text(table->abi_major, table->abi_minor) +
                               ", but this quarry speaks plugin ABI " + core_version +
                               ": rebuild the plugin against this quarry's headers");
  }
  if (table->struct_size < kMinTableSize) {
    throw ImproperlyConfigured("plugin " + key + " has a function table of " +
                               std::to_string(table->struct_size) + " bytes, smaller than ABI " +
                               version_text(QUARRY_ABI_MAJOR, 0) + " requires (" +
                               std::to_string(kMinTableSize) + ")");
  }
  const std::string plugin_name = table->name ? table->name : "";
  if (!expected_name.empty() && plugin_name != expected_name) {
    throw ImproperlyConfigured("plugin " + key + " names its engine '" + plugin_name + "', not '" +
                               std::string(expected_name) + "'");
  }

  std::shared_ptr<Engine> engine(new Engine());
  engine->library_ = std::move(library);
  engine->table_ = table;
  engine->name_ = plugin_name;
  engine->version_ = table->version ? table->version : "";
  engine->description_ = table->description ? table->description : "";
  engine->path_ = key;
  // A misspelt dialect key or flag is refused now, not found later by its silence.
  check_newest_dialect_names(*engine);
  cache()[key] = engine;
  return engine;
}

}  // namespace quarry
