// Deleting rows with what points at them: Django's Collector. The keys of the rows to
// delete are read first; each relation pointing at them is followed (CASCADE collects
// the rows pointing, PROTECT and RESTRICT check them, SET_NULL and SET_DEFAULT change
// them); then, in one transaction, the changes and the deletes run, rows that point
// before the rows they point at.
#include <algorithm>
#include <map>
#include <set>

#include "orm/compiler.hpp"
#include "orm/lease.hpp"
#include "orm/relation_paths.hpp"
#include "orm/route.hpp"
#include "quarry/database.hpp"
#include "quarry/deletion.hpp"
#include "quarry/queryset.hpp"

namespace quarry::detail {
namespace {

// Statements name at most this many keys (SQLite's parameter limit is 999).
constexpr std::size_t kKeysPerStatement = 500;

// q.alias is set: remove() routed it.
int64_t plain_delete(const Query& q) {
  Database& db = database(q.alias);
  const Compiled c = compile_delete(q, db.dialect());
  Lease lease(db);
  const int64_t n = lease.execute(c.sql, c.params, c.written);
  lease.wrote();
  return n;
}

// Whether deleting rows of m may touch other rows.
bool has_dependents(const ModelMeta& m) {
  if (!m.many_to_many().empty()) return true;
  return !pointing_at(m).empty();
}

// Whether the rows of m a cascade reaches can be deleted by the key they point at,
// without reading theirs first (Django's fast delete): nothing points at them, and no
// RESTRICT of theirs needs to know which rows this delete takes.
bool fast_deletable(const ModelMeta& m) {
  if (has_dependents(m)) return false;
  for (const Field* f : m.relation_fields()) {
    if (f->kind() != FieldKind::ManyToMany && f->spec().relation()->on_delete == OnDelete::Restrict)
      return false;
  }
  return true;
}

DeleteResult counted(const ModelMeta& m, int64_t n) {
  DeleteResult r{n, {}};
  if (n > 0) r.per_model[m.name()] = n;
  return r;
}

struct Delete {
  const ModelMeta* model;
  const Field* column;  // the rows whose column holds one of the keys
  std::vector<Value> keys;
};

struct Change {
  const Field* field;  // set to `value` where it holds one of the keys
  Value value;
  std::vector<Value> keys;
};

struct Blocker {
  const Field* via;
  std::vector<Value> keys;  // of via's model
};

class Collector {
 public:
  explicit Collector(std::string alias) : alias_(std::move(alias)) {}

  void collect(const ModelMeta& m, std::vector<Value> keys) {
    auto& seen = seen_[&m];
    keys.erase(std::remove_if(keys.begin(), keys.end(),
                              [&](const Value& k) { return !seen.insert(k.repr()).second; }),
               keys.end());
    if (keys.empty()) return;
    // A CASCADE of the model to itself (a tree's parent): the whole subtree now, so that
    // its rows are deleted children first below.
    const std::vector<const Field*> self = self_cascades(m);
    for (std::vector<Value> frontier = keys; !frontier.empty();) {
      std::vector<Value> next;
      for (const Field* f : self) {
        for (Value& k : keys_pointing(*f, frontier)) {
          if (seen.insert(k.repr()).second) next.push_back(std::move(k));
        }
      }
      keys.insert(keys.end(), next.begin(), next.end());
      frontier = std::move(next);
    }
    // The model's own ManyToManyFields' links go with it.
    for (const auto& f : m.many_to_many()) {
      if (!f->spec().relation()->through)
        deletes_.push_back({through_of(*f).model, through_of(*f).from, keys});
    }
    for (const Field* f : pointing_at(m)) {
      if (f->kind() == FieldKind::ManyToMany) {
        if (!f->spec().relation()->through)
          deletes_.push_back({through_of(*f).model, through_of(*f).to, keys});
        continue;
      }
      const OnDelete rule = f->spec().relation()->on_delete;
      if (rule == OnDelete::DoNothing) continue;
      if (std::find(self.begin(), self.end(), f) != self.end()) continue;  // collected above
      if (rule == OnDelete::Cascade && fast_deletable(f->model())) {
        deletes_.push_back({&f->model(), f, keys});  // DELETE ... WHERE f IN (keys)
        continue;
      }
      if (rule == OnDelete::SetNull || rule == OnDelete::SetDefault) {
        Value to;
        if (rule == OnDelete::SetDefault) {
          if (!f->spec().default_value()) {
            throw ImproperlyConfigured(f->model().name() + "." + f->name() +
                                       " is SET_DEFAULT but has no default value");
          }
          to = *f->spec().default_value();
        }
        changes_.push_back({f, std::move(to), keys});
        continue;
      }
      std::vector<Value> pointing = keys_pointing(*f, keys);
      if (pointing.empty()) continue;
      if (rule == OnDelete::Cascade) {
        collect(f->model(), std::move(pointing));
      } else if (rule == OnDelete::Protect) {
        protected_.push_back({f, std::move(pointing)});
      } else {
        restricted_.push_back({f, std::move(pointing)});
      }
    }
    if (self.empty()) {
      deletes_.push_back({&m, &m.pk(), std::move(keys)});
      return;
    }
    for (std::vector<Value>& level : children_first(m, self, keys)) {
      deletes_.push_back({&m, &m.pk(), std::move(level)});
    }
  }

  // Raises ProtectedError or RestrictedError, before anything changed.
  void check() const {
    if (!protected_.empty()) blocked<ProtectedError>(protected_, "protected");
    std::vector<Blocker> restricted;
    for (const Blocker& b : restricted_) {
      const auto it = seen_.find(&b.via->model());
      Blocker left{b.via, {}};
      for (const Value& k : b.keys) {
        if (it == seen_.end() || !it->second.count(k.repr())) left.keys.push_back(k);
      }
      if (!left.keys.empty()) restricted.push_back(std::move(left));
    }
    if (!restricted.empty()) blocked<RestrictedError>(restricted, "restricted");
  }

  DeleteResult run() {
    DeleteResult deleted;
    for (const Change& c : changes_) {
      for_chunks(c.keys, [&](std::vector<Value> part) {
        update(*on(c.field->model(), Q(c.field->name() + "__in", Expr(part))),
               {{c.field->name(), Expr(c.value)}});
      });
    }
    // Collected parents last: the rows pointing at them are gone by then.
    for (const Delete& d : deletes_) {
      for_chunks(d.keys, [&](std::vector<Value> part) {
        const int64_t n = plain_delete(*on(*d.model, Q(d.column->name() + "__in", Expr(part))));
        deleted.total += n;
        if (n > 0) deleted.per_model[d.model->name()] += n;
      });
    }
    return deleted;
  }

 private:
  std::shared_ptr<const Query> on(const ModelMeta& m, const Q& cond) const {
    return with_filter(with_alias(*make_query(m), alias_), cond, false);
  }

  // The model's ForeignKeys to itself that CASCADE.
  static std::vector<const Field*> self_cascades(const ModelMeta& m) {
    std::vector<const Field*> out;
    for (const Field* f : m.relation_fields()) {
      if (f->kind() != FieldKind::ManyToMany && &f->target() == &m &&
          f->spec().relation()->on_delete == OnDelete::Cascade) {
        out.push_back(f);
      }
    }
    return out;
  }

  // Rows of a model pointing at each other, in groups to delete in order: the rows no
  // other row of theirs points at, then the rows only those pointed at, and so on.
  // InnoDB checks a foreign key row by row within one DELETE, so a parent deleted in the
  // statement that deletes its child fails there; this order holds on every backend.
  std::vector<std::vector<Value>> children_first(const ModelMeta& m,
                                                 const std::vector<const Field*>& self,
                                                 const std::vector<Value>& keys) const {
    std::map<std::string, std::size_t> index;  // key -> position in keys
    for (std::size_t i = 0; i < keys.size(); ++i) index.emplace(keys[i].repr(), i);
    std::vector<std::vector<std::size_t>> parents(keys.size());  // in the set
    std::vector<std::size_t> children(keys.size(), 0);           // not yet deleted
    std::vector<std::string> names{m.pk().name()};
    for (const Field* f : self) names.push_back(f->name());
    for_chunks(keys, [&](std::vector<Value> part) {
      Cursor c(*with_values(*on(m, Q(m.pk().name() + "__in", Expr(part))), names));
      while (c.next()) {
        const auto row = index.find(read_as<Value>(c.row()[0]).repr());
        if (row == index.end()) continue;
        for (std::size_t i = 1; i < names.size(); ++i) {
          const Value parent = read_as<Value>(c.row()[i]);
          if (parent.is_null()) continue;
          const auto p = index.find(parent.repr());
          if (p == index.end() || p->second == row->second) continue;
          parents[row->second].push_back(p->second);
          ++children[p->second];
        }
      }
    });
    std::vector<std::vector<Value>> levels;
    std::vector<bool> done(keys.size(), false);
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (children[i] == 0) ready.push_back(i);
    }
    while (!ready.empty()) {
      std::vector<Value>& level = levels.emplace_back();
      std::vector<std::size_t> next;
      for (std::size_t i : ready) {
        done[i] = true;
        level.push_back(keys[i]);
        for (std::size_t p : parents[i]) {
          if (--children[p] == 0) next.push_back(p);
        }
      }
      ready = std::move(next);
    }
    // Rows in a cycle (a row pointing at another that points back) go last, together.
    std::vector<Value> rest;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!done[i]) rest.push_back(keys[i]);
    }
    if (!rest.empty()) levels.push_back(std::move(rest));
    return levels;
  }

  std::vector<Value> keys_pointing(const Field& f, const std::vector<Value>& keys) const {
    std::vector<Value> out;
    const ModelMeta& m = f.model();
    for_chunks(keys, [&](std::vector<Value> part) {
      Cursor c(*with_values(*on(m, Q(f.name() + "__in", Expr(part))), {m.pk().name()}));
      while (c.next()) out.push_back(read_as<Value>(c.row()[0]));
    });
    return out;
  }

  template <class Fn>
  static void for_chunks(const std::vector<Value>& keys, Fn&& fn) {
    for (std::size_t i = 0; i < keys.size(); i += kKeysPerStatement) {
      const auto end =
          keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), i + kKeysPerStatement));
      fn(std::vector<Value>(keys.begin() + static_cast<std::ptrdiff_t>(i), end));
    }
  }

  template <class E>
  [[noreturn]] void blocked(const std::vector<Blocker>& blockers, const char* how) const {
    std::vector<std::string> objects;
    std::string via;
    const ModelMeta* target = &blockers.front().via->target();
    for (const Blocker& b : blockers) {
      via += (via.empty() ? "'" : ", '") + b.via->model().name() + "." + b.via->name() + "'";
      for (const Value& k : b.keys)
        objects.push_back(b.via->model().name() + " object (" + k.repr() + ")");
    }
    throw E("Cannot delete some instances of model '" + target->name() +
                "' because they are referenced through " + how + " foreign keys: " + via + ".",
            std::move(objects));
  }

  std::string alias_;
  std::map<const ModelMeta*, std::set<std::string>> seen_;
  std::vector<Delete> deletes_;
  std::vector<Change> changes_;
  std::vector<Blocker> protected_, restricted_;
};

}  // namespace

DeleteResult remove(const Query& given) {
  if (given.matches_nothing() && !given.sliced()) return {};  // no rows, no query
  // Every statement below runs where the routers write the model.
  const std::shared_ptr<const Query> routed =
      given.alias.empty() ? with_alias(given, route_write(*given.model, {}, nullptr).alias())
                          : nullptr;
  const Query& q = routed ? *routed : given;
  if (!has_dependents(*q.model)) return counted(*q.model, plain_delete(q));
  return atomic(q.alias, [&] {
    std::vector<Value> keys;
    {
      Cursor c(*with_values(q, {q.model->pk().name()}));
      while (c.next()) keys.push_back(read_as<Value>(c.row()[0]));
    }
    Collector collector(q.alias);
    collector.collect(*q.model, std::move(keys));
    collector.check();
    return collector.run();
  });
}

}  // namespace quarry::detail
