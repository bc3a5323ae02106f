// Many<> members: the query they stand for, and add/remove/set/clear.
#include <algorithm>

#include "orm/compiler.hpp"
#include "orm/lease.hpp"
#include "orm/relation_paths.hpp"
#include "orm/route.hpp"
#include "quarry/database.hpp"
#include "quarry/queryset.hpp"
#include "quarry/relations.hpp"

namespace quarry::detail {
namespace {

// Where the binding's object came from: the routers' hint.
std::string_view alias_of(const ManyBinding& b) {
  return b.context ? std::string_view(b.context->alias) : std::string_view();
}

bool unset(const Value& key) {
  return key.is_null() || (key.type() == ValueType::Int && key.as<int64_t>() == 0) ||
         (key.type() == ValueType::Text && key.as<std::string>().empty());
}

// The query of the other model's rows, read where the routers place them for the
// binding's object.
std::shared_ptr<const Query> rows_of(const ModelMeta& m, const ManyBinding& b) {
  return hinted(make_query(m), alias_of(b));
}

}  // namespace

void unbound_many(const std::string& model) {
  throw ValueError("this object needs a primary key before its " + model +
                   " relation can be used: save it, or read it from the database");
}

std::shared_ptr<const Query> many_query(const ManyBinding& b) {
  const Relation rel = relation_of(*b.member);
  const ModelMeta& other = b.member->other();
  // The path from the other model back to this object's key.
  const std::string back =
      rel.kind == Relation::Kind::ManyToMany ? related_query_name(*rel.field) : rel.field->name();
  return with_filter(rows_of(other, b), Q(back, b.key), false);
}

void change_many(const ManyBinding& b, ManyChange op, std::vector<Value> keys) {
  if (unset(b.key)) unbound_many(b.member->other().name());
  for (const Value& k : keys) {
    if (unset(k)) {
      throw ValueError("'" + b.member->name() + "': a " + b.member->other().name() +
                       " without a primary key cannot be linked; save it first");
    }
  }
  const Relation rel = relation_of(*b.member);
  // Written where the routers write the rows that hold the links (Django: the through
  // model, or the other model of a reverse ForeignKey).
  const ModelMeta& holder =
      rel.kind == Relation::Kind::Reverse ? rel.field->model() : *through_of(*rel.field).model;
  Database& db = route_write(holder, {}, nullptr, alias_of(b));
  const std::string& alias = db.alias();
  atomic(alias, [&] {
    if (rel.kind == Relation::Kind::Reverse) {
      // The other model's ForeignKey holds the link.
      const Field& fk = *rel.field;
      const ModelMeta& other = fk.model();
      const auto linked = with_filter(rows_of(other, b), Q(fk.name(), b.key), false);
      if ((op == ManyChange::Remove || op == ManyChange::Clear || op == ManyChange::Set) &&
          !fk.null()) {
        throw FieldError("'" + b.member->name() + "': " + other.name() + "." + fk.name() +
                         " cannot be NULL, so its rows cannot be unlinked (delete them)");
      }
      if (op == ManyChange::Clear || op == ManyChange::Set) {
        const auto stale =
            op == ManyChange::Clear ? linked : with_filter(linked, Q("pk__in", Expr(keys)), true);
        update(*stale, {{fk.name(), Expr(Value())}});
      }
      if (op == ManyChange::Remove && !keys.empty()) {
        update(*with_filter(linked, Q("pk__in", Expr(keys)), false), {{fk.name(), Expr(Value())}});
      }
      if ((op == ManyChange::Add || op == ManyChange::Set) && !keys.empty()) {
        update(*with_filter(rows_of(other, b), Q("pk__in", Expr(keys)), false),
               {{fk.name(), Expr(b.key)}});
      }
      return;
    }
    // A row of the through table per link.
    const Field& m2m = *rel.field;
    const Through& t = through_of(m2m);
    const bool forward = rel.kind == Relation::Kind::ManyToMany;
    const Field& mine = forward ? *t.from : *t.to;
    const Field& theirs = forward ? *t.to : *t.from;
    const auto links = with_filter(rows_of(*t.model, b), Q(mine.name(), b.key), false);
    if (op == ManyChange::Clear) {
      remove(*links);
      return;
    }
    if (op == ManyChange::Remove || op == ManyChange::Set) {
      if (!keys.empty() || op == ManyChange::Set) {
        remove(*with_filter(links, Q(theirs.name() + "__in", Expr(keys)), op == ManyChange::Set));
      }
      if (op == ManyChange::Remove) return;
    }
    // Add the links not there yet.
    std::vector<Value> present;
    {
      Cursor c(*with_values(*with_filter(links, Q(theirs.name() + "__in", Expr(keys)), false),
                            {theirs.name()}));
      while (c.next()) present.push_back(read_as<Value>(c.row()[0]));
    }
    std::vector<std::vector<Value>> rows;
    for (const Value& k : keys) {
      const auto same = [&](const Value& p) { return p.repr() == k.repr(); };
      if (std::none_of(present.begin(), present.end(), same)) {
        present.push_back(k);
        rows.push_back({b.key, k});
      }
    }
    if (rows.empty()) return;
    Lease lease(alias);
    const Compiled c = compile_insert(*t.model, lease->dialect(), {&mine, &theirs}, rows, false);
    lease.execute(c.sql, c.params, c.written);
  });
}

void bind_members(const ModelMeta& m, void* obj, const std::shared_ptr<const LoadContext>& ctx) {
  if (m.members().empty()) return;
  const Value key = m.pk().get(obj);
  for (const auto& member : m.members()) member->bind(obj, ManyBinding{member.get(), key, ctx});
}

void bind_members(const ModelMeta& m, void* obj, const std::string& alias) {
  if (m.members().empty()) return;
  auto ctx = std::make_shared<LoadContext>();
  ctx->alias = alias;
  bind_members(m, obj, ctx);
}

}  // namespace quarry::detail
