// Saving, deleting and reloading objects, and the bulk writes.
#include <algorithm>
#include <memory>
#include <span>

#include "orm/compiler.hpp"
#include "orm/lease.hpp"
#include "orm/relation_paths.hpp"
#include "orm/route.hpp"
#include "quarry/database.hpp"
#include "quarry/queryset.hpp"
#include "quarry/relations.hpp"
#include "routing/router_chain.hpp"

namespace quarry::detail {
namespace {

// 0, "", a nil UUID or NULL: a primary key the database has yet to give.
bool unset(const Value& v) {
  switch (v.type()) {
    case ValueType::Null:
      return true;
    case ValueType::Int:
      return *v.get_if<int64_t>() == 0;
    case ValueType::Text:
      return v.get_if<std::string>()->empty();
    case ValueType::Uuid:
      return v.get_if<Uuid>()->is_nil();
    default:
      return false;
  }
}

void stamp(const ModelMeta& m, void* obj, bool inserting) {
  std::optional<DateTime> now;
  for (const auto& f : m.fields()) {
    const FieldSpec& s = f->spec();
    if (!s.is_auto_now() && !(inserting && s.is_auto_now_add())) continue;
    if (!now) now = DateTime::now();
    switch (f->kind()) {
      case FieldKind::Date:
        f->set(obj, Value(now->date()));
        break;
      case FieldKind::Time:
        f->set(obj, Value(now->time()));
        break;
      default:
        f->set(obj, Value(*now));
        break;
    }
  }
}

// A primary key with a default (Uuid::v4) gets it when the object is first saved.
void default_pk(const ModelMeta& m, void* obj) {
  const Field& pk = m.pk();
  if (!pk.auto_increment() && pk.spec().has_default() && unset(pk.get(obj))) {
    if (auto v = pk.spec().default_value()) pk.set(obj, *v);
  }
}

std::vector<const Field*> insert_fields(const ModelMeta& m, bool with_pk) {
  std::vector<const Field*> out;
  for (const auto& f : m.fields()) {
    if (f->auto_increment() && !with_pk) continue;
    out.push_back(f.get());
  }
  return out;
}

void insert(const ModelMeta& m, void* obj, Lease& lease) {
  Connection& conn = *lease;
  const Field& pk = m.pk();
  const bool auto_key = pk.auto_increment() && unset(pk.get(obj));
  const auto fields = insert_fields(m, !auto_key);
  std::vector<Value> row;
  for (const Field* f : fields) row.push_back(f->get(obj));
  const bool returning = auto_key && conn.features().has("has_returning");
  const Compiled c = compile_insert(m, conn.dialect(), fields, {row}, returning);
  ResultSet rs = lease.write(c.sql, c.params, c.written);
  if (returning) {
    if (rs.next()) pk.load(obj, rs.row()[0]);
  } else if (auto_key && rs.last_insert_id()) {
    pk.set(obj, Value(*rs.last_insert_id()));
  }
}

}  // namespace

namespace {

// An object written to `alias` may point only at objects the routers let it (Django's
// allow_relation(), which it asks on assignment; here before the write's SQL). The other
// object's alias is its ModelState's, else where the routers write its model.
void check_relations(const ModelMeta& m, const void* obj, const std::string& alias) {
  for (const Field* f : m.foreign_keys()) {
    const void* other = f->held(obj);
    if (!other) continue;
    const ModelMeta& to = f->target();
    std::string there(alias_of_object(to, other));
    if (there.empty() && !databases().routers().empty()) {
      there = route_write(to, {}, other).alias();
    }
    check_relation(m, alias, to, there, m.name() + "." + f->name());
  }
}

}  // namespace

void save(const ModelMeta& m, void* obj, const std::string& alias,
          const std::vector<std::string>& given_fields, bool force_insert) {
  if (force_insert && !given_fields.empty()) {
    throw ValueError("Cannot force an insert in save() with update_fields.");
  }
  for (const auto& n : given_fields) m.field(n);
  ModelState* st = m.state_of(obj);
  // A partly loaded object writes only what was loaded.
  std::vector<std::string> update_fields = given_fields;
  if (update_fields.empty() && st && !st->adding && !st->deferred.empty()) {
    for (const auto& f : m.fields()) {
      if (std::find(st->deferred.begin(), st->deferred.end(), f->name()) == st->deferred.end()) {
        update_fields.push_back(f->name());
      }
    }
  }
  Database& db = route_write(m, alias, obj);
  check_relations(m, obj, db.alias());
  const bool had_default_key = m.pk().spec().has_default() && unset(m.pk().get(obj));
  default_pk(m, obj);
  const Field& pk = m.pk();
  Lease lease(db);
  Connection& conn = *lease;
  const Value key = pk.get(obj);
  struct MarkSaved {
    const ModelMeta& m;
    void* obj;
    ModelState* st;
    Lease& lease;
    bool done = false;
    ~MarkSaved() {
      if (!done) return;
      const std::string& alias = lease.database().alias();
      if (st) {
        st->adding = false;
        st->db = alias;
      }
      bind_members(m, obj, alias);  // its Many<> members can be used now
      lease.wrote();
    }
  } mark{m, obj, st, lease};
  // A key the object just got from its default is new: no UPDATE to try (as Django); nor
  // when the caller asks for an INSERT (create(): a key that exists is an IntegrityError).
  if (!force_insert && !unset(key) && !(had_default_key && (!st || st->adding))) {
    stamp(m, obj, false);
    std::vector<std::pair<std::string, Expr>> assignments;
    for (const auto& f : m.fields()) {
      if (f->primary_key()) continue;
      if (!update_fields.empty() &&
          std::find(update_fields.begin(), update_fields.end(), f->name()) == update_fields.end()) {
        continue;
      }
      assignments.emplace_back(f->name(), f->get(obj));
    }
    if (!assignments.empty()) {
      Query q(m);
      q.where.push_back(Q("pk", key).ptr());
      const Compiled c = compile_update(q, conn.dialect(), assignments);
      if (lease.execute(c.sql, c.params, c.written) > 0) {
        mark.done = true;
        return;
      }
    }
    if (!update_fields.empty()) {
      throw DatabaseError("Save with update_fields did not affect any rows.");
    }
    if (assignments.empty()) {
      // Only a primary key: the row exists if a SELECT finds it.
      Query q(m);
      q.where.push_back(Q("pk", key).ptr());
      const Compiled c = compile_exists(q, conn.dialect());
      if (lease.read(c.sql, c.params).next()) {
        mark.done = true;
        return;
      }
    }
  }
  stamp(m, obj, true);
  insert(m, obj, lease);
  mark.done = true;
}

DeleteResult remove_object(const ModelMeta& m, void* obj, const std::string& alias) {
  if (m.delete_hook()) {
    m.delete_hook()(obj);
    return DeleteResult{1, {{m.name(), 1}}};
  }
  const Value key = m.pk().get(obj);
  if (unset(key)) {
    throw ValueError(m.name() + " object can't be deleted because its " + m.pk().name() +
                     " attribute is not set.");
  }
  Query q(m);
  q.alias = route_write(m, alias, obj).alias();
  q.where.push_back(Q("pk", key).ptr());
  DeleteResult n = remove(q);  // with what points at it, as on_delete says
  if (m.pk().auto_increment()) m.pk().set(obj, Value(int64_t{0}));
  if (ModelState* st = m.state_of(obj)) st->adding = true;
  return n;
}

void apply_defaults(const ModelMeta& m, void* obj) {
  for (const auto& f : m.fields()) {
    if (auto v = f->spec().default_value()) f->set(obj, v->convert_to(value_type(f->data_kind())));
  }
}

void set_fields(const ModelMeta& m, void* obj,
                const std::vector<std::pair<std::string, Expr>>& values) {
  for (const auto& [name, e] : values) {
    const Field& f = m.field(name);
    if (e.node().kind != ExprNode::Kind::Literal) {
      throw ProgrammingError("'" + name + "' must be given a value here, not an expression");
    }
    try {
      f.set(obj, e.node().value.convert_to(value_type(f.data_kind())));
    } catch (const ValueError& err) {
      throw ValueError(m.name() + "." + name + ": " + err.message());
    }
  }
}

std::vector<std::pair<std::string, Expr>> plain_fields(
    const std::vector<std::pair<std::string, Expr>>& kw) {
  std::vector<std::pair<std::string, Expr>> out;
  for (const auto& [name, e] : kw) {
    if (name.find("__") == std::string::npos) out.emplace_back(name, e);
  }
  return out;
}

namespace {

// Rows per call of the engine's bulk path when bulk_create() is given no batch size:
// enough that a call's fixed costs vanish, few enough that the row views stay small.
constexpr std::size_t kBulkRows = 50000;

// Writes the objects through the engine's fast path (COPY, array binding) and sets the
// keys it gives back. False, with nothing written, when the engine has no such path or
// declines these rows.
bool bulk_load(Lease& lease, const ModelMeta& m, const std::vector<const Field*>& fields,
               std::span<void* const> objs, bool returning) {
  std::vector<std::string> columns;
  std::vector<bool> decimal;  // the fields whose views need their text written somewhere
  for (const Field* f : fields) {
    decimal.push_back(f->kind() == FieldKind::Decimal);
    columns.push_back(f->column());
  }
  struct Scratch {
    char buf[Decimal::kTextBuffer];
  };
  const auto decimals = static_cast<std::size_t>(std::count(decimal.begin(), decimal.end(), true));
  // Left uninitialised: every element is written below.
  const std::unique_ptr<quarry_value[]> values(new quarry_value[objs.size() * fields.size()]);
  const std::unique_ptr<Scratch[]> scratch(new Scratch[objs.size() * decimals]);
  char unused[Decimal::kTextBuffer];  // what only decimals write to
  Scratch* next_scratch = scratch.get();
  for (std::size_t r = 0; r < objs.size(); ++r) {
    quarry_value* row = values.get() + r * fields.size();
    for (std::size_t c = 0; c < fields.size(); ++c) {
      row[c] = fields[c]->view(objs[r], decimal[c] ? (next_scratch++)->buf : unused);
    }
  }
  std::vector<int64_t> keys(returning ? objs.size() : 0);
  if (!lease.bulk_insert(m.table(), columns, {values.get(), objs.size() * fields.size()},
                         returning ? m.pk().column() : "", keys)) {
    return false;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const quarry_value key{QUARRY_INT64, 0, {keys[i]}};
    m.pk().load(objs[i], ValueRef(key));
  }
  return true;
}

// Multi-row INSERTs, as many rows to a statement as the backend's parameter limit allows.
void insert_statements(Lease& lease, const ModelMeta& m, const std::vector<const Field*>& fields,
                       std::span<void* const> objs, bool with_key,
                       const BulkCreateOptions& options) {
  const Dialect& d = lease->dialect();
  const Field& pk = m.pk();
  const std::size_t per_row = std::max<std::size_t>(fields.size(), 1);
  std::size_t rows_per_batch = std::max<std::size_t>(1, d.max_params() / per_row);
  if (options.batch_size > 0) rows_per_batch = std::min(rows_per_batch, options.batch_size);
  if (fields.empty()) rows_per_batch = 1;
  // Skipped rows return no key, so RETURNING could not say whose key is whose.
  const bool returning = !with_key && !options.ignore_conflicts &&
                         lease->features().has("can_return_rows_from_bulk_insert");
  for (std::size_t start = 0; start < objs.size(); start += rows_per_batch) {
    const std::size_t end = std::min(objs.size(), start + rows_per_batch);
    std::vector<std::vector<Value>> rows;
    rows.reserve(end - start);
    for (std::size_t i = start; i < end; ++i) {
      std::vector<Value> row;
      row.reserve(fields.size());
      for (const Field* f : fields) row.push_back(f->get(objs[i]));
      rows.push_back(std::move(row));
    }
    const Compiled c = compile_insert(m, d, fields, rows, returning, options.ignore_conflicts);
    ResultSet rs = lease.write(c.sql, c.params, c.written);
    if (returning) {
      // RETURNING gives the keys in the order of the VALUES rows.
      for (std::size_t i = start; i < end && rs.next(); ++i) pk.load(objs[i], rs.row()[0]);
    } else if (!with_key && !options.ignore_conflicts && end - start == 1 && rs.last_insert_id()) {
      pk.set(objs[start], Value(*rs.last_insert_id()));
    }
  }
}

}  // namespace

void insert_many(const ModelMeta& m, const std::vector<void*>& objs, const std::string& alias,
                 const BulkCreateOptions& options) {
  if (objs.empty()) return;
  const Field& pk = m.pk();
  const bool stamped = std::any_of(m.fields().begin(), m.fields().end(), [](const auto& f) {
    return f->spec().is_auto_now() || f->spec().is_auto_now_add();
  });
  for (void* o : objs) {
    default_pk(m, o);
    if (stamped) stamp(m, o, true);
  }
  // Objects with a key given and objects waiting for one go in separate statements.
  std::vector<void*> keyed, unkeyed;
  for (void* o : objs) (pk.auto_increment() && unset(pk.get(o)) ? unkeyed : keyed).push_back(o);
  Database& db = route_write(m, alias, objs.front());
  for (void* o : objs) check_relations(m, o, db.alias());
  atomic(db.alias(), [&] {
    Lease lease(db);
    for (const bool with_key : {true, false}) {
      const std::span<void* const> group = with_key ? keyed : unkeyed;
      if (group.empty()) continue;
      const auto fields = insert_fields(m, with_key);
      // The engine's bulk path first, chunk by chunk; once it declines, statements.
      // Conflicts can only be ignored by statements.
      const std::size_t chunk = options.batch_size > 0 ? options.batch_size : kBulkRows;
      std::size_t done = 0;
      while (!fields.empty() && !options.ignore_conflicts && done < group.size()) {
        const auto part = group.subspan(done, std::min(chunk, group.size() - done));
        if (!bulk_load(lease, m, fields, part, !with_key)) break;
        done += part.size();
      }
      if (done < group.size()) {
        insert_statements(lease, m, fields, group.subspan(done), with_key, options);
      }
    }
  });
  if (!m.members().empty()) {
    auto ctx = std::make_shared<LoadContext>();
    ctx->alias = db.alias();
    for (void* o : objs) {
      if (!unset(pk.get(o))) bind_members(m, o, ctx);
    }
  }
}

int64_t update_many(const ModelMeta& m, const std::vector<void*>& objs,
                    const std::vector<std::string>& names, const std::string& alias,
                    std::size_t batch_size) {
  if (names.empty()) throw ProgrammingError("Field names must be given to bulk_update().");
  std::vector<const Field*> fields;
  for (const auto& n : names) {
    const Field& f = m.field(n);
    if (f.primary_key())
      throw ProgrammingError("bulk_update() cannot be used with primary key fields.");
    fields.push_back(&f);
  }
  for (void* o : objs) {
    if (unset(m.pk().get(o))) {
      throw ProgrammingError("All bulk_update() objects must have a primary key set.");
    }
  }
  if (objs.empty()) return 0;
  int64_t rows = 0;
  Database& db = route_write(m, alias, objs.front());
  atomic(db.alias(), [&] {
    Lease lease(db);
    const Dialect& d = lease->dialect();
    // Each object takes a key and a value per field in the CASEs, and a key in the IN.
    const std::size_t per_obj = 2 * fields.size() + 1;
    std::size_t per_batch = std::max<std::size_t>(1, d.max_params() / per_obj);
    if (batch_size > 0) per_batch = std::min(per_batch, batch_size);
    for (std::size_t start = 0; start < objs.size(); start += per_batch) {
      const std::size_t end = std::min(objs.size(), start + per_batch);
      std::vector<Value> pks;
      std::vector<std::vector<Value>> values;
      for (std::size_t i = start; i < end; ++i) {
        pks.push_back(m.pk().get(objs[i]));
        std::vector<Value> row;
        for (const Field* f : fields) row.push_back(f->get(objs[i]));
        values.push_back(std::move(row));
      }
      const Compiled c = compile_bulk_update(m, d, fields, pks, values);
      rows += lease.execute(c.sql, c.params, c.written);
    }
  });
  return rows;
}

void refresh(const ModelMeta& m, void* obj, const std::string& alias,
             const std::vector<std::string>& fields) {
  auto q = std::make_shared<Query>(m);
  q->alias = alias;  // using(); else the routers read it, hinted with where it was read from
  q->hint_db = alias_of_object(m, obj);
  q->where.push_back(Q("pk", m.pk().get(obj)).ptr());
  for (const auto& n : fields) m.field(n);
  q->only_fields = fields;
  ModelState* st = m.state_of(obj);
  const std::vector<std::string> deferred_before = st ? st->deferred : std::vector<std::string>{};
  Cursor c(*q);
  if (!c.next()) throw DoesNotExist(m.name());
  c.load(obj, nullptr);
  if (st) {  // what was deferred, less what was just read
    st->deferred.clear();
    for (const auto& d : deferred_before) {
      if (!fields.empty() && std::find(fields.begin(), fields.end(), d) == fields.end()) {
        st->deferred.push_back(d);
      }
    }
  }
}

}  // namespace quarry::detail
