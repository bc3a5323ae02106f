#include "orm/route.hpp"

#include <functional>

#include "orm/lease.hpp"
#include "orm/relation_paths.hpp"
#include "quarry/atomic.hpp"
#include "quarry/errors.hpp"
#include "routing/router_chain.hpp"

namespace quarry::detail {
namespace {

// What the routers are told besides the model; in_atomic is asked of the thread.
Hints hints(const void* instance, std::string_view instance_db, bool for_update, bool raw) {
  return Hints{.instance = instance,
               .instance_db = instance_db,
               .for_update = for_update,
               .raw = raw,
               .in_atomic = Lease::in_any_atomic_block()};
}

// Each model a lookup path crosses into, with the path so far ("customer", then
// "customer__region").
template <class F>
void crossed_models(const ModelMeta& from, std::string_view path, F&& each) {
  const ModelMeta* m = &from;
  std::size_t at = 0;
  while (at <= path.size()) {
    const std::size_t sep = std::min(path.find("__", at), path.size());
    const auto rel = find_relation(*m, path.substr(at, sep - at));
    if (!rel) return;
    m = rel->to;
    each(*m, path.substr(0, sep));
    at = sep + 2;
  }
}

void crossed_by_filters(const ModelMeta& from, const QNode& n,
                        const std::function<void(const ModelMeta&, std::string_view)>& each) {
  if (n.kind == QNode::Kind::Leaf) {
    if (!n.condition) crossed_models(from, n.lookup, each);
    return;
  }
  for (const auto& c : n.children) crossed_by_filters(from, *c, each);
}

// A join reads every table on one database: the routers must place the joined models
// there too, or allow the relation.
void check_joins(const Query& q, const std::string& alias, const RouterChain& routers) {
  const auto check = [&](const ModelMeta& joined, std::string_view path) {
    const std::string there = routers.db_for_read(joined, hints(nullptr, alias, false, false));
    if (there == alias) return;
    check_relation(*q.model, alias, joined, there,
                   q.model->name() + " '" + std::string(path) + "': a query on '" + alias +
                       "' cannot join " + joined.name() + ", which the routers read from '" +
                       there + "' (prefetch_related() reads each side where it lives)");
  };
  for (const auto& path : q.select_related) crossed_models(*q.model, path, check);
  for (const auto& w : q.where) crossed_by_filters(*q.model, *w, check);
}

}  // namespace

ReadRoute route_read(const Query& q) {
  Databases& all = databases();
  ReadRoute r;
  if (!q.alias.empty()) {
    r.db = &all[q.alias];
  } else {
    const RouterChain& routers = all.routers();
    if (routers.empty()) {
      r.db = &all[q.hint_db.empty() ? std::string_view("default") : q.hint_db];
    } else {
      const std::string alias =
          routers.db_for_read(*q.model, hints(nullptr, q.hint_db, q.for_update, false));
      r.db = &all[alias];
      check_joins(q, alias, routers);
    }
  }
  r.replica_ok = r.db->replica_set() && !q.for_update && !Lease::in_atomic_block(r.db->alias());
  return r;
}

std::string_view alias_of_object(const ModelMeta& m, const void* obj) {
  const ModelState* st = obj ? m.state_of(const_cast<void*>(obj)) : nullptr;
  return st ? std::string_view(st->db) : std::string_view();
}

Database& route_write(const ModelMeta& m, std::string_view using_alias, const void* instance,
                      std::string_view instance_db) {
  Databases& all = databases();
  if (!using_alias.empty()) return all[using_alias];
  const std::string_view was = instance_db.empty() ? alias_of_object(m, instance) : instance_db;
  const RouterChain& routers = all.routers();
  if (routers.empty()) return all[was.empty() ? std::string_view("default") : was];
  return all[routers.db_for_write(m, hints(instance, was, false, false))];
}

std::shared_ptr<const Query> hinted(std::shared_ptr<const Query> q, std::string_view hint_db) {
  if (!q->alias.empty() || q->hint_db == hint_db) return q;
  auto c = std::make_shared<Query>(*q);
  c->hint_db = std::string(hint_db);
  return c;
}

void check_relation(const ModelMeta& a, std::string_view a_db, const ModelMeta& b,
                    std::string_view b_db, const std::string& what) {
  if (a_db.empty() || b_db.empty()) return;  // an object not yet saved anywhere
  const RouterChain& routers = databases().routers();
  if (routers.empty() ? a_db == b_db : routers.allow_relation(a, a_db, b, b_db)) return;
  throw ValueError(what + ": the routers do not allow a relation between " + a.name() + " on '" +
                   std::string(a_db) + "' and " + b.name() + " on '" + std::string(b_db) + "'");
}

Database& route_raw(const ModelMeta* model, std::string_view using_alias, bool write) {
  Databases& all = databases();
  if (!using_alias.empty()) return all[using_alias];
  if (!model) return all["default"];
  const RouterChain& routers = all.routers();
  const Hints h = hints(nullptr, {}, false, true);
  return all[write ? routers.db_for_write(*model, h) : routers.db_for_read(*model, h)];
}

}  // namespace quarry::detail
