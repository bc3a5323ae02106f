// prefetch_related: the related objects of many objects read at once, one query per
// lookup and level, and handed to the objects' Ref<> and Many<> members.
#include <algorithm>
#include <map>

#include "orm/query.hpp"
#include "orm/relation_paths.hpp"
#include "orm/route.hpp"
#include "quarry/queryset.hpp"
#include "quarry/relations.hpp"

namespace quarry::detail {
namespace {

using Objects = std::vector<std::shared_ptr<void>>;

// A Many<> member's delivery, made once every deeper level has been read (the member
// copies the objects, so they must be complete first).
struct Fill {
  std::size_t depth;
  const ManyMember* member;
  void* parent;
  Objects items;
};

struct Level {
  const ModelMeta* model = nullptr;
  Objects objects;
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at; (at = path.find("__", start)) != std::string::npos; start = at + 2) {
    parts.push_back(path.substr(start, at - start));
  }
  parts.push_back(path.substr(start));
  return parts;
}

// Each distinct, non-null key once, in order of first appearance.
std::vector<Value> distinct_keys(const std::vector<void*>& objs, const Field& f) {
  std::vector<Value> keys;
  std::map<std::string, bool, std::less<>> seen;
  for (void* o : objs) {
    Value k = f.get(o);
    if (!k.is_null() && seen.emplace(k.repr(), true).second) keys.push_back(std::move(k));
  }
  return keys;
}

// The member that receives a relation's objects: `to_attr`, or one named as the
// lookup, or any member following the same relation.
const ManyMember& member_for(const ModelMeta& m, const std::string& name, const Relation& rel,
                             const std::string& to_attr) {
  if (!to_attr.empty()) {
    if (const ManyMember* mm = m.find_member(to_attr)) return *mm;
    throw FieldError("Prefetch to_attr '" + to_attr + "': " + m.name() +
                     " has no Many<> member of that name");
  }
  if (const ManyMember* mm = m.find_member(name)) return *mm;
  for (const auto& mm : m.members()) {
    const Relation r = relation_of(*mm);
    if (r.field == rel.field && r.kind == rel.kind) return *mm;
  }
  throw FieldError("'" + name + "' of " + m.name() + " cannot be prefetched: it has no Many<" +
                   rel.to->name() + "> member to hold them (declare one with m.reverse(\"" + name +
                   "\", &" + m.name() + "::" + name + "))");
}

// The rows of a query as new objects of its model; `extras` gets each row's extra
// columns when asked.
Objects read_objects(const Query& q, std::vector<Record>* extras) {
  Objects out;
  if (q.empty) return out;
  Cursor c(q);
  while (c.next()) {
    auto obj = q.model->make();
    if (extras) {
      c.load(obj.get(), &extras->emplace_back());
    } else {
      c.load(obj.get(), nullptr);
    }
    out.push_back(std::move(obj));
  }
  return out;
}

std::optional<Relation> prefetch_relation(const ModelMeta& m, const std::string& name) {
  std::optional<Relation> rel = find_relation(m, name);
  if (!rel) {
    throw FieldError("Cannot find '" + name + "' on " + m.name() + " object, '" + name +
                     "' is an invalid parameter to prefetch_related()");
  }
  return rel;
}

// One level of one lookup: the objects of `name` for `parents` (of model m).
Level prefetch_level(const Query& q, const ModelMeta& m, const std::string& name,
                     const std::vector<void*>& parents, const Prefetch* custom, std::size_t depth,
                     std::vector<Fill>& fills) {
  const std::optional<Relation> rel = prefetch_relation(m, name);
  const ModelMeta& to = *rel->to;
  // The related rows: the Prefetch's queryset, or all of them; on the query's database.
  std::shared_ptr<const Query> base = custom && custom->query ? custom->query : make_query(to);
  if (base->model != &to) {
    throw FieldError("Prefetch('" + custom->lookup + "'): the queryset is of " +
                     base->model->name() + ", the relation reaches " + to.name());
  }
  // Read where the routers place the related rows for these parents (their alias, or
  // their query's); a Prefetch queryset's own using() wins.
  std::string_view from = alias_of_object(m, parents.front());
  if (from.empty()) from = q.alias.empty() ? std::string_view(q.hint_db) : q.alias;
  base = hinted(std::move(base), from);
  // The queryset's cache() or nocache() holds for its prefetch queries (each an entry of
  // its own), unless a Prefetch's queryset says for itself.
  if (!base->cache_ttl_ms && !base->no_cache && (q.cache_ttl_ms || q.no_cache)) {
    auto c = std::make_shared<Query>(*base);
    c->cache_ttl_ms = q.cache_ttl_ms;
    c->no_cache = q.no_cache;
    base = std::move(c);
  }
  Level level{&to, {}};

  if (rel->kind == Relation::Kind::Forward) {
    const Field& fk = *rel->field;
    std::vector<Value> keys = distinct_keys(parents, fk);
    if (keys.empty()) return level;
    level.objects = read_objects(*with_filter(base, Q("pk__in", Expr(keys)), false), nullptr);
    std::map<std::string, std::shared_ptr<void>, std::less<>> by_key;
    for (const auto& o : level.objects) by_key.emplace(to.pk().get(o.get()).repr(), o);
    for (void* p : parents) {
      const Value k = fk.get(p);
      if (k.is_null()) continue;
      if (auto it = by_key.find(k.repr()); it != by_key.end()) fk.attach(p, it->second);
    }
    return level;
  }

  const ManyMember& member = member_for(m, name, *rel, custom ? custom->to_attr : "");
  std::vector<Value> keys = distinct_keys(parents, m.pk());
  std::map<std::string, Objects, std::less<>> groups;
  if (!keys.empty()) {
    if (rel->kind == Relation::Kind::Reverse) {
      // The related rows hold the parents' keys in their ForeignKey.
      const Field& fk = *rel->field;
      level.objects =
          read_objects(*with_filter(base, Q(fk.name() + "__in", Expr(keys)), false), nullptr);
      for (const auto& o : level.objects) groups[fk.get(o.get()).repr()].push_back(o);
    } else {
      // Through the ManyToManyField's table, joined once: each row with the key of the
      // parent it belongs to.
      const Through& t = through_of(*rel->field);
      const bool forward = rel->kind == Relation::Kind::ManyToMany;
      auto joined = std::make_shared<Query>(*base);
      joined->prefetch_join = std::make_shared<PrefetchJoin>(PrefetchJoin{
          Hop{forward ? t.to : t.from, t.model, true}, forward ? t.from : t.to, std::move(keys)});
      std::vector<Record> extras;
      level.objects = read_objects(*joined, &extras);
      for (std::size_t i = 0; i < level.objects.size(); ++i) {
        groups[extras[i]["_prefetch_related_val"].repr()].push_back(level.objects[i]);
      }
    }
  }
  for (void* p : parents) {
    auto it = groups.find(m.pk().get(p).repr());
    fills.push_back(Fill{depth, &member, p, it == groups.end() ? Objects{} : it->second});
  }
  return level;
}

}  // namespace

void check_prefetch_lookup(const ModelMeta& m, const std::string& lookup) {
  const ModelMeta* model = &m;
  for (const std::string& part : split_path(lookup)) model = prefetch_relation(*model, part)->to;
}

void prefetch(const Query& q, const std::vector<void*>& objs) {
  std::map<std::string, Level> done;  // by lookup prefix: levels shared by lookups
  std::vector<Fill> fills;
  for (const Prefetch& p : q.prefetch) {
    const std::vector<std::string> parts = split_path(p.lookup);
    std::vector<void*> parents = objs;
    const ModelMeta* model = q.model;
    std::string prefix;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      prefix += (i ? "__" : "") + parts[i];
      const bool custom = i + 1 == parts.size() && (p.query || !p.to_attr.empty());
      const std::string key = custom ? prefix + "->" + p.to_attr : prefix;
      auto it = done.find(key);
      if (it == done.end() || custom) {
        Level level = prefetch_level(q, *model, parts[i], parents, custom ? &p : nullptr, i, fills);
        it = done.insert_or_assign(key, std::move(level)).first;
      }
      model = it->second.model;
      parents.clear();
      for (const auto& o : it->second.objects) parents.push_back(o.get());
    }
  }
  // Deepest first: a member copies objects that must already hold their own.
  std::stable_sort(fills.begin(), fills.end(),
                   [](const Fill& a, const Fill& b) { return a.depth > b.depth; });
  for (const Fill& f : fills) f.member->fill(f.parent, f.items);
}

}  // namespace quarry::detail
