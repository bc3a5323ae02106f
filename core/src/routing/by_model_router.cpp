// by_model: models (by name or table) to aliases, for reads, writes and tables.
//
//   routers: [{name: by_model, routes: {ReportRow: reporting, audit_log: reporting}}]
#include <map>

#include "quarry/errors.hpp"
#include "quarry/model.hpp"
#include "routing/router_chain.hpp"

namespace quarry::detail {
namespace {

class ByModelRouter final : public Router {
 public:
  explicit ByModelRouter(std::map<std::string, std::string, std::less<>> routes)
      : routes_(std::move(routes)) {}

  std::optional<std::string> db_for_read(const ModelMeta& m, const Hints&) override {
    return route(m);
  }
  std::optional<std::string> db_for_write(const ModelMeta& m, const Hints&) override {
    return route(m);
  }
  std::optional<bool> allow_migrate(std::string_view alias, const ModelMeta& m) override {
    if (auto to = route(m)) return *to == alias;
    return std::nullopt;
  }

 private:
  std::optional<std::string> route(const ModelMeta& m) const {
    if (auto it = routes_.find(m.name()); it != routes_.end()) return it->second;
    if (auto it = routes_.find(m.table()); it != routes_.end()) return it->second;
    return std::nullopt;
  }
  std::map<std::string, std::string, std::less<>> routes_;
};

}  // namespace

std::unique_ptr<Router> make_by_model_router(const RouterSettings& s) {
  check_router_options(s, {"routes"});
  std::map<std::string, std::string, std::less<>> routes;
  for (const auto& [key, alias] : s.options) {
    if (key == "routes") {
      throw ImproperlyConfigured(s.source +
                                 ": routers: by_model: routes is a mapping of "
                                 "model or table: alias");
    }
    routes.emplace(key.substr(std::string_view("routes.").size()), alias);
  }
  if (routes.empty()) {
    throw ImproperlyConfigured(s.source + ": routers: by_model needs routes: {model: alias, ...}");
  }
  return std::make_unique<ByModelRouter>(std::move(routes));
}

}  // namespace quarry::detail
