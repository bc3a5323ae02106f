// DDL: tables, indexes and constraints of models, in each dialect's words.
#include "quarry/schema.hpp"

#include <algorithm>
#include <map>

#include "orm/compiler.hpp"
#include "orm/lease.hpp"
#include "orm/relation_paths.hpp"
#include "quarry/atomic.hpp"
#include "quarry/database.hpp"
#include "routing/router_chain.hpp"

namespace quarry {
namespace {

std::string column_type(const Field& f, const Dialect& d) {
  // A ForeignKey's column is of the kind of key it holds, sized as the key is.
  const FieldKind kind = f.is_foreign_key() ? detail::key_column_kind(f.target()) : f.kind();
  const FieldSpec& s = f.is_foreign_key() ? f.target().pk().spec() : f.spec();
  return d.render("type." + std::string(kind_name(kind)),
                  {{"max_length", std::to_string(s.max_length())},
                   {"max_digits", std::to_string(s.max_digits())},
                   {"decimal_places", std::to_string(s.decimal_places())}});
}

// Django's style of generated names: table, columns, a short hash, a suffix; cut to the
// backend's limit with the hash kept, so that two long names stay different.
std::string generated_name(const ModelMeta& m, const std::vector<std::string>& columns,
                           const std::string& suffix, const Dialect& d) {
  uint32_t h = 2166136261u;  // FNV-1a over the table and columns
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 16777619u;
    }
    h ^= 0xff;
    h *= 16777619u;
  };
  mix(m.table());
  for (const auto& c : columns) mix(c);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hash;
  for (int i = 0; i < 8; ++i) hash += kHex[(h >> (28 - 4 * i)) & 15];
  std::string head = m.table();
  for (const auto& c : columns) head += "_" + c;
  const std::size_t limit = d.max_identifier_length() ? d.max_identifier_length() : 63;
  const std::size_t tail = 1 + hash.size() + 1 + suffix.size();
  if (head.size() + tail > limit) head.resize(limit - tail);
  return head + "_" + hash + "_" + suffix;
}

struct IndexColumns {
  std::vector<std::string> names;  // plain column names, for the generated name
  std::string sql;                 // "a", "b" DESC
};

IndexColumns index_columns(const ModelMeta& m, const std::vector<std::string>& fields,
                           const Dialect& d) {
  IndexColumns out;
  for (const auto& entry : fields) {
    std::string_view name = entry;
    const bool desc = !name.empty() && name[0] == '-';
    if (desc) name.remove_prefix(1);
    const Field& f = m.field(name);
    out.names.push_back(f.column());
    if (!out.sql.empty()) out.sql += ", ";
    d.append_quoted(out.sql, f.column());
    if (desc) out.sql += " DESC";
  }
  return out;
}

std::string foreign_key_sql(const Field& f, const Dialect& d) {
  const ModelMeta& m = f.model();
  const ModelMeta& target = f.target();
  std::string name, column, table, pk;
  d.append_quoted(name, generated_name(m, {f.column()}, "fk_" + target.table(), d));
  d.append_quoted(column, f.column());
  d.append_quoted(table, target.table());
  d.append_quoted(pk, target.pk().column());
  return d.render("ddl.foreign_key",
                  {{"name", name}, {"column", column}, {"table", table}, {"target", pk}});
}

// Models ordered so that a model comes after the models its ForeignKeys point at, where
// the references allow (a cycle keeps the given order).
std::vector<const ModelMeta*> by_dependency(const std::vector<const ModelMeta*>& models) {
  std::vector<const ModelMeta*> out;
  std::vector<const ModelMeta*> todo = models;
  while (!todo.empty()) {
    bool progress = false;
    for (auto it = todo.begin(); it != todo.end();) {
      const bool ready = std::all_of(
          (*it)->foreign_keys().begin(), (*it)->foreign_keys().end(), [&](const Field* f) {
            const ModelMeta* t = &f->target();
            return t == *it || std::find(todo.begin(), todo.end(), t) == todo.end();
          });
      if (ready) {
        out.push_back(*it);
        it = todo.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
    if (!progress) {  // a cycle: the rest as given
      out.insert(out.end(), todo.begin(), todo.end());
      break;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> create_table_sql(const ModelMeta& m, const Dialect& d) {
  std::vector<std::string> out;
  std::string columns;
  for (const auto& f : m.fields()) {
    if (!columns.empty()) columns += ", ";
    d.append_quoted(columns, f->column());
    columns += ' ';
    if (f->auto_increment()) {
      columns += d.render("ddl.auto_pk", {{"type", column_type(*f, d)}});
      continue;
    }
    columns += column_type(*f, d);
    columns += f->null() ? " NULL" : " NOT NULL";
    if (f->primary_key()) {
      columns += " PRIMARY KEY";
    } else if (f->spec().is_unique()) {
      columns += " UNIQUE";
    }
  }
  for (const Field* f : m.foreign_keys()) columns += ", " + foreign_key_sql(*f, d);
  for (const auto& u : m.unique_constraints()) {
    const IndexColumns cols = index_columns(m, u.fields, d);
    columns += ", CONSTRAINT ";
    d.append_quoted(columns, u.name.empty() ? generated_name(m, cols.names, "uniq", d) : u.name);
    columns += " UNIQUE (" + cols.sql + ")";
  }
  // Where the backend has no CHECK constraints they are left out, as Django does (and as
  // servers that parse CHECK without enforcing it do): the table is still created.
  const bool checks = d.features().has("supports_check_constraints");
  for (const auto& c : m.check_constraints()) {
    if (!checks) break;
    columns += ", CONSTRAINT ";
    d.append_quoted(columns, c.name);
    columns += " CHECK (" + detail::compile_ddl_condition(m, d, c.check) + ")";
  }
  std::string table;
  d.append_quoted(table, m.table());
  out.push_back(d.render("ddl.create_table", {{"table", table}, {"columns", columns}}));

  std::vector<Index> indexes;
  for (const auto& f : m.fields()) {
    if (f->spec().has_db_index() && !f->spec().is_unique()) indexes.push_back(Index({f->name()}));
  }
  indexes.insert(indexes.end(), m.indexes().begin(), m.indexes().end());
  for (const Index& i : indexes) {
    const IndexColumns cols = index_columns(m, i.fields(), d);
    std::string where;
    if (i.where()) {
      if (!d.features().has("supports_partial_indexes")) {
        if (i.is_optional()) continue;
        throw NotSupportedError("partial indexes are not supported by " + d.engine_name() +
                                ": index on " + m.name() + "(" + cols.sql +
                                ") has a condition; mark it optional() to skip it there");
      }
      where = " WHERE " + detail::compile_ddl_condition(m, d, *i.where());
    }
    std::string name;
    d.append_quoted(
        name, i.given_name().empty() ? generated_name(m, cols.names, "idx", d) : i.given_name());
    out.push_back(d.render("ddl.create_index", {{"unique", i.is_unique() ? "UNIQUE " : ""},
                                                {"name", name},
                                                {"table", table},
                                                {"columns", cols.sql},
                                                {"where", where}}));
  }
  return out;
}

namespace detail {

namespace {

// The models with the automatic tables of their ManyToManyFields.
std::vector<const ModelMeta*> with_through_tables(const std::vector<const ModelMeta*>& models) {
  std::vector<const ModelMeta*> out = models;
  for (const ModelMeta* m : models) {
    for (const auto& f : m->many_to_many()) {
      if (!f->spec().relation()->through) out.push_back(through_of(*f).model);
    }
  }
  return out;
}

}  // namespace

namespace {

// The models whose tables belong on alias, as the routers' allow_migrate() says; none on
// a replica, whose tables are its primary's.
std::vector<const ModelMeta*> migrated_on(const std::vector<const ModelMeta*>& models,
                                          Database& db) {
  if (!db.settings().replica_of.empty()) {
    throw ProgrammingError("'" + db.alias() + "' is a replica of '" + db.settings().replica_of +
                           "': its tables are made on the primary, and replicated");
  }
  const RouterChain& routers = databases().routers();
  if (routers.empty()) return models;
  std::vector<const ModelMeta*> out;
  for (const ModelMeta* m : models) {
    if (routers.allow_migrate(db.alias(), *m)) out.push_back(m);
  }
  return out;
}

}  // namespace

void create_tables(const std::vector<const ModelMeta*>& models, const std::string& alias) {
  Database& db = database(alias);
  const std::vector<const ModelMeta*> mine = migrated_on(models, db);
  Lease lease(db);
  try {
    for (const ModelMeta* m : by_dependency(with_through_tables(mine))) {
      for (const auto& sql : create_table_sql(*m, lease->dialect()))
        lease.execute_script(sql, m->table());
    }
  } catch (...) {
    lease.wrote();  // the tables made before the failure are there, on the primary
    throw;
  }
  lease.wrote();  // this thread's next reads wait for a replica to have the tables
}

void drop_tables(const std::vector<const ModelMeta*>& models, const std::string& alias) {
  Database& db = database(alias);
  const std::vector<const ModelMeta*> mine = migrated_on(models, db);
  Lease lease(db);
  const Dialect& d = lease->dialect();
  // The rows pointing at a table go first.
  const std::vector<const ModelMeta*> ordered = by_dependency(with_through_tables(mine));
  for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) {
    std::string table;
    d.append_quoted(table, (*it)->table());
    lease.execute_script(d.render("ddl.drop_table", {{"table", table}}), (*it)->table());
  }
  lease.wrote();
}

}  // namespace detail

std::vector<IndexInfo> table_indexes(Connection& conn, const std::string& table) {
  const std::string_view sql = conn.dialect().text("introspect.indexes");
  if (sql.empty()) {
    throw NotSupportedError("the " + conn.dialect().engine_name() + " plugin cannot list indexes");
  }
  std::vector<IndexInfo> out;
  for (Row r : conn.query(sql, {table})) {
    const std::string name = r.get<std::string>(0);
    if (out.empty() || out.back().name != name) {
      out.push_back(IndexInfo{name, {}, {}, r.get<int64_t>(4) != 0, r.get<int64_t>(5) != 0});
    }
    out.back().columns.push_back(r.get<std::string>(1));
    out.back().descending.push_back(r.get<int64_t>(3) != 0);
  }
  return out;
}

}  // namespace quarry
