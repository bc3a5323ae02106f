// The routers of one configuration, asked in order (Django's db.utils.ConnectionRouter).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/routing.hpp"

namespace quarry::detail {

class RouterChain {
 public:
  // Makes each router of config.routers through its registered factory; an unknown name
  // is ImproperlyConfigured naming the entry and the names there are.
  explicit RouterChain(const Config& config);

  // The first router's answer; with none, hints.instance_db, else "default".
  std::string db_for_read(const ModelMeta& m, const Hints& hints) const;
  std::string db_for_write(const ModelMeta& m, const Hints& hints) const;
  // The first router's answer; with none, whether a_db and b_db are the same alias.
  bool allow_relation(const ModelMeta& a, std::string_view a_db, const ModelMeta& b,
                      std::string_view b_db) const;
  // The first router's answer; with none, true.
  bool allow_migrate(std::string_view alias, const ModelMeta& m) const;
  bool empty() const { return routers_.empty(); }

 private:
  std::vector<std::unique_ptr<Router>> routers_;
};

// The built-in routers' factories (by_model_router.cpp, tenant_router.cpp).
std::unique_ptr<Router> make_by_model_router(const RouterSettings& settings);
std::unique_ptr<Router> make_tenant_router(const RouterSettings& settings);

// An option a router does not take: ImproperlyConfigured naming the entry and the
// options it takes.
void check_router_options(const RouterSettings& settings,
                          std::initializer_list<std::string_view> prefixes);

}  // namespace quarry::detail
