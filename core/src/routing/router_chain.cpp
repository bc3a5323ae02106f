#include "routing/router_chain.hpp"

#include <map>
#include <mutex>

#include "quarry/errors.hpp"

namespace quarry {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, RouterFactory, std::less<>> factories;
};

Registry& registry() {
  static Registry* r = [] {
    auto* made = new Registry;  // never destroyed: configs may load during exit
    made->factories.emplace("by_model", detail::make_by_model_router);
    made->factories.emplace("tenant", detail::make_tenant_router);
    return made;
  }();
  return *r;
}

}  // namespace

void register_router(const std::string& name, RouterFactory factory) {
  if (name.empty() || !factory) {
    throw ImproperlyConfigured("register_router() needs a name and a factory");
  }
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (!r.factories.emplace(name, std::move(factory)).second) {
    throw ImproperlyConfigured("a router named '" + name + "' is registered already");
  }
}

namespace detail {

RouterChain::RouterChain(const Config& config) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const RouterSettings& s : config.routers) {
    auto it = r.factories.find(s.name);
    if (it == r.factories.end()) {
      std::string known;
      for (const auto& [name, f] : r.factories) known += (known.empty() ? "" : ", ") + name;
      throw ImproperlyConfigured(s.source + ": routers: no router named '" + s.name +
                                 "'; the routers registered are: " + known +
                                 " (register yours with quarry::register_router)");
    }
    std::unique_ptr<Router> made = it->second(s);
    if (!made) throw ImproperlyConfigured(s.source + ": router '" + s.name + "' made nothing");
    routers_.push_back(std::move(made));
  }
}

std::string RouterChain::db_for_read(const ModelMeta& m, const Hints& hints) const {
  for (const auto& r : routers_) {
    if (auto alias = r->db_for_read(m, hints)) return std::move(*alias);
  }
  return hints.instance_db.empty() ? std::string("default") : std::string(hints.instance_db);
}

std::string RouterChain::db_for_write(const ModelMeta& m, const Hints& hints) const {
  for (const auto& r : routers_) {
    if (auto alias = r->db_for_write(m, hints)) return std::move(*alias);
  }
  return hints.instance_db.empty() ? std::string("default") : std::string(hints.instance_db);
}

bool RouterChain::allow_relation(const ModelMeta& a, std::string_view a_db, const ModelMeta& b,
                                 std::string_view b_db) const {
  for (const auto& r : routers_) {
    if (auto allowed = r->allow_relation(a, a_db, b, b_db)) return *allowed;
  }
  return a_db == b_db;
}

bool RouterChain::allow_migrate(std::string_view alias, const ModelMeta& m) const {
  for (const auto& r : routers_) {
    if (auto allowed = r->allow_migrate(alias, m)) return *allowed;
  }
  return true;
}

void check_router_options(const RouterSettings& s,
                          std::initializer_list<std::string_view> prefixes) {
  for (const auto& [key, value] : s.options) {
    bool known = false;
    for (std::string_view p : prefixes) {
      known = known || key == p ||
              (key.size() > p.size() && key.starts_with(p) && key[p.size()] == '.');
    }
    if (known) continue;
    std::string list;
    for (std::string_view p : prefixes) list += (list.empty() ? "" : ", ") + std::string(p);
    throw ImproperlyConfigured(s.source + ": routers: " + s.name + " takes no option '" + key +
                               "'; it takes: " + list);
  }
}

}  // namespace detail
}  // namespace quarry
