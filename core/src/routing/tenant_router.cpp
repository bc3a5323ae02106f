// tenant: the current TenantScope's tenant picks the alias, one database per tenant.
//
//   routers: [{name: tenant, aliases: {acme: tenant_acme}, shared: [Country]}]
//   routers: [{name: tenant, pattern: "tenant_{tenant}"}]
//
//   { quarry::TenantScope t("acme"); Order::objects().all(); }   // on tenant_acme
#include <map>
#include <set>

#include "quarry/database.hpp"
#include "quarry/errors.hpp"
#include "quarry/model.hpp"
#include "routing/router_chain.hpp"

namespace quarry {

namespace {
thread_local const TenantScope* t_tenant = nullptr;
}

TenantScope::TenantScope(std::string tenant) : tenant_(std::move(tenant)), outer_(t_tenant) {
  t_tenant = this;
}

TenantScope::~TenantScope() {
  t_tenant = outer_;
}

const std::string& TenantScope::current() {
  static const std::string kNone;
  return t_tenant ? t_tenant->tenant_ : kNone;
}

namespace detail {
namespace {

class TenantRouter final : public Router {
 public:
  TenantRouter(std::map<std::string, std::string, std::less<>> aliases, std::string pattern,
               std::set<std::string, std::less<>> shared, std::string source)
      : aliases_(std::move(aliases)),
        pattern_(std::move(pattern)),
        shared_(std::move(shared)),
        source_(std::move(source)) {}

  std::optional<std::string> db_for_read(const ModelMeta& m, const Hints&) override {
    return route(m);
  }
  std::optional<std::string> db_for_write(const ModelMeta& m, const Hints&) override {
    return route(m);
  }

 private:
  bool is_shared(const ModelMeta& m) const {
    return shared_.count(m.name()) || shared_.count(m.table());
  }
  std::optional<std::string> route(const ModelMeta& m) const {
    const std::string& tenant = TenantScope::current();
    if (tenant.empty() || is_shared(m)) return std::nullopt;
    if (auto it = aliases_.find(tenant); it != aliases_.end()) return it->second;
    if (!pattern_.empty()) {
      std::string alias = pattern_;
      alias.replace(alias.find("{tenant}"), 8, tenant);
      // The tenant is the caller's: it names an alias of the config or nothing.
      if (databases().contains(alias)) return alias;
    }
    throw ImproperlyConfigured(source_ + ": routers: tenant: no database for tenant '" + tenant +
                               "'");
  }
  std::map<std::string, std::string, std::less<>> aliases_;
  std::string pattern_;
  std::set<std::string, std::less<>> shared_;
  std::string source_;
};

}  // namespace

std::unique_ptr<Router> make_tenant_router(const RouterSettings& s) {
  check_router_options(s, {"aliases", "pattern", "shared"});
  std::map<std::string, std::string, std::less<>> aliases;
  std::string pattern;
  std::set<std::string, std::less<>> shared;
  for (const auto& [key, value] : s.options) {
    if (key == "pattern") {
      if (value.find("{tenant}") == std::string::npos) {
        throw ImproperlyConfigured(s.source + ": routers: tenant: pattern '" + value +
                                   "' has no {tenant}");
      }
      pattern = value;
    } else if (key == "shared") {
      shared.insert(value);
    } else if (key.starts_with("aliases.")) {
      aliases.emplace(key.substr(8), value);
    } else {
      throw ImproperlyConfigured(s.source +
                                 ": routers: tenant: aliases is a mapping of "
                                 "tenant: alias");
    }
  }
  if (aliases.empty() && pattern.empty()) {
    throw ImproperlyConfigured(s.source +
                               ": routers: tenant needs aliases: {tenant: alias} or "
                               "pattern: \"..{tenant}..\"");
  }
  return std::make_unique<TenantRouter>(std::move(aliases), std::move(pattern), std::move(shared),
                                        s.source);
}

}  // namespace detail
}  // namespace quarry
