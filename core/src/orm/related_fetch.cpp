// Lazy reads of related objects: what touching a ForeignKey that no query loaded costs,
// as the fetch mode says (quarry/fetch_mode.hpp).
#include <algorithm>

#include "orm/query.hpp"
#include "orm/route.hpp"
#include "quarry/queryset.hpp"
#include "quarry/relations.hpp"

namespace quarry {
namespace {

thread_local std::optional<FetchMode> t_scoped_mode;

}  // namespace

FetchModeScope::FetchModeScope(FetchMode mode) : previous_(t_scoped_mode) {
  t_scoped_mode = mode;
}

FetchModeScope::~FetchModeScope() {
  t_scoped_mode = previous_;
}

std::optional<FetchMode> scoped_fetch_mode() {
  return t_scoped_mode;
}

namespace detail {
namespace {

// Reads the objects of `target` whose keys are given, by whatever keys they have.
std::vector<std::shared_ptr<void>> read_by_keys(const ModelMeta& target, const std::string& alias,
                                                std::vector<Value> keys) {
  std::vector<std::shared_ptr<void>> out;
  auto q = hinted(make_query(target), alias);
  q = keys.size() == 1 ? with_filter(std::move(q), Q("pk", keys.front()), false)
                       : with_filter(std::move(q), Q("pk__in", Expr(keys)), false);
  Cursor c(*q);
  while (c.next()) {
    auto obj = target.make();
    c.load(obj.get(), nullptr);
    out.push_back(std::move(obj));
  }
  return out;
}

std::string describe(const LoadContext* ctx, const ModelMeta& target) {
  if (ctx && ctx->via) return ctx->via->model().name() + "." + ctx->via->name();
  return target.name();
}

}  // namespace

std::shared_ptr<void> fetch_related(const LoadContext* ctx, const ModelMeta& target,
                                    const Value& key) {
  const FetchMode mode =
      (ctx && ctx->mode) ? *ctx->mode : scoped_fetch_mode().value_or(FetchMode::One);
  const std::string alias = ctx ? ctx->alias : std::string();
  if (mode == FetchMode::Raise) {
    throw FieldFetchBlocked("Fetching of " + describe(ctx, target) +
                            " blocked: the fetch mode is Raise (read it with select_related or "
                            "prefetch_related)");
  }
  if (mode == FetchMode::Peers && ctx && ctx->collect_peers) {
    std::lock_guard lock(ctx->mutex);
    if (!ctx->peers_read) {
      // One query for the keys of every object of the result, each key once.
      std::vector<Value> keys;
      for (const Value& k : ctx->peer_keys) {
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
      }
      const Field& pk = target.pk();
      for (auto& obj : read_by_keys(target, alias, std::move(keys))) {
        ctx->peers.emplace(pk.get(obj.get()).repr(), std::move(obj));
      }
      ctx->peers_read = true;
    }
    if (auto it = ctx->peers.find(key.repr()); it != ctx->peers.end()) return it->second;
  }
  auto found = read_by_keys(target, alias, {key});
  if (found.empty()) throw DoesNotExist(target.name());
  return std::move(found.front());
}

}  // namespace detail
}  // namespace quarry
