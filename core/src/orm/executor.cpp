// Running compiled queries: on the thread's atomic block's connection for the alias, or
// on one from the pool.
#include <algorithm>
#include <cctype>
#include <new>
#include <optional>
#include <utility>

#include "cache/cached_read.hpp"
#include "orm/compiler.hpp"
#include "orm/lease.hpp"
#include "orm/relation_paths.hpp"
#include "orm/route.hpp"
#include "orm/select_cache.hpp"
#include "quarry/database.hpp"
#include "quarry/queryset.hpp"
#include "quarry/relations.hpp"

namespace quarry::detail {
namespace {

// The dialect of the alias a read is routed to (route_read: before compiling).
const Dialect& dialect_of(const ReadRoute& r) {
  return r.db->dialect();
}

// A raw column as the kind the compiler said it is (SQLite's text dates as DateTime),
// a decimal rounded to its field's places as Django does.
Value as_kind(ValueRef raw, const OutputColumn& col) {
  Value v = read_as<Value>(raw);
  if (!col.kind || v.is_null()) return v;
  v = v.convert_to(value_type(*col.kind));
  if (col.decimal_places >= 0 && v.type() == ValueType::Decimal) {
    Decimal d = *v.get_if<Decimal>();
    fit_decimal(d, col.decimal_places);
    v = Value(d);
  }
  return v;
}

}  // namespace

namespace {

// What the ForeignKeys of one model's objects in a result read lazily through.
using Contexts = std::vector<std::shared_ptr<LoadContext>>;

Contexts contexts_for(const Query& q, const ModelMeta& m, const std::string& alias) {
  Contexts out;
  const FetchMode mode = q.fetch_mode.value_or(scoped_fetch_mode().value_or(FetchMode::One));
  for (const Field* f : m.foreign_keys()) {
    auto c = std::make_shared<LoadContext>();
    c->alias = alias;
    c->via = f;
    c->mode = q.fetch_mode;
    c->collect_peers = mode == FetchMode::Peers;
    out.push_back(std::move(c));
  }
  return out;
}

// Tells an object's ForeignKeys where it came from (and, under Peers, notes their keys).
void bind_relations(const ModelMeta& m, void* obj, const Contexts& contexts) {
  const auto& fks = m.foreign_keys();
  for (std::size_t i = 0; i < fks.size(); ++i) {
    fks[i]->bind(obj, contexts[i]);
    if (contexts[i]->collect_peers) {
      Value key = fks[i]->get(obj);
      if (!key.is_null()) contexts[i]->peer_keys.push_back(std::move(key));
    }
  }
}

}  // namespace

namespace {

// select_for_update() needs a transaction; where the backend has no row locks (SQLite)
// the alias's policy says what it means (docs/config.md).
void check_row_locks(const Query& q, const ReadRoute& r) {
  if (!q.for_update) return;
  if (!Lease::in_atomic_block(r.db->alias())) {
    throw TransactionManagementError("select_for_update cannot be used outside of a transaction.");
  }
  const Dialect& d = dialect_of(r);
  if (d.features().has("has_select_for_update")) return;
  const DatabaseSettings& settings = r.db->settings();
  const std::string& policy = settings.select_for_update;
  const std::string backend = d.engine_name() + " " + d.server_version();
  if (policy == "strict" || !immediate_blocks(settings, d)) {
    throw NotSupportedError("select_for_update() is not supported by " + backend +
                            ", which has no row locks (select_for_update: strict)");
  }
  if (policy == "ignore_options") return;
  const std::vector<LockOption> options = lock_options(q.lock);
  if (!options.empty()) {
    throw NotSupportedError(std::string("select_for_update(") + options.front().name +
                            ") is not supported by " + backend +
                            ": its transactions serialise writers (BEGIN IMMEDIATE) instead of "
                            "locking rows (select_for_update: ignore_options drops the option)");
  }
}

}  // namespace

namespace {

// The memory of one Cursor::State, kept for the thread's next query.
struct Spare {
  void* p = nullptr;
  bool gone = false;  // the thread is ending: a State freed after this is not kept
  ~Spare() {
    ::operator delete(p);
    p = nullptr;
    gone = true;
  }
};

Spare& spare() {
  thread_local Spare s;
  return s;
}

}  // namespace

struct Cursor::State {
  std::optional<Lease> lease;  // declared first: the result must go before the connection
  const ModelMeta* model;
  std::string alias;
  std::vector<std::string> deferred;  // the model's fields this query does not read
  CompiledSelect select;
  std::size_t extras_first;
  std::shared_ptr<const std::vector<std::string>> names;
  std::vector<const ModelMeta::Slot*> slots;               // per extra column, or null
  Contexts contexts;                                       // the model's ForeignKeys'
  std::shared_ptr<LoadContext> members;                    // its Many<> members', if it has any
  std::vector<Contexts> related_contexts;                  // each select_related object's
  std::vector<std::vector<std::string>> related_deferred;  // and the fields it does not read
  std::vector<std::shared_ptr<void>> related;              // the current row's related objects
  ResultSet rs;

  // Every query makes one State and drops it when done; a thread keeps the memory of
  // the last one for its next query, so a loop of get()s does not allocate here.
  static void* operator new(std::size_t n) {
    if (void* p = std::exchange(spare().p, nullptr)) return p;
    return ::operator new(n);
  }
  static void operator delete(void* p) noexcept {
    Spare& s = spare();
    if (s.p || s.gone) {
      ::operator delete(p);
    } else {
      s.p = p;
    }
  }

  State(const Query& q, const ReadRoute& route, CompiledSelect c, bool stream)
      : model(q.model),
        alias(route.db->alias()),
        select(std::move(c)),
        extras_first(select.shape->extras_first()),
        rs(read_through(lease, route, cache_use(q, route, stream), select.shape->sql, select.params,
                        select.shape->tables, ExecOptions{.stream = stream, .drain = !stream})) {
    const Compiled& compiled = *select.shape;
    if (rs.column_count() < extras_first + compiled.extras.size()) {
      throw InterfaceError("the query gave " + std::to_string(rs.column_count()) +
                           " columns, fewer than the " +
                           std::to_string(extras_first + compiled.extras.size()) + " it selects");
    }
    if (!q.values_mode) {
      contexts = contexts_for(q, *q.model, alias);
      // Most models have no Many<> members and pay nothing for them.
      bool any_members = !q.model->members().empty();
      for (const auto& rel : compiled.related) any_members |= !rel.model->members().empty();
      if (any_members) {
        members = std::make_shared<LoadContext>();
        members->alias = alias;
      }
      for (const auto& rel : compiled.related) {
        related_contexts.push_back(contexts_for(q, *rel.model, alias));
        auto& deferred_here = related_deferred.emplace_back();
        if (!rel.model->has_state() || rel.fields.size() == rel.model->fields().size()) continue;
        for (const auto& f : rel.model->fields()) {
          if (std::find(rel.fields.begin(), rel.fields.end(), f.get()) == rel.fields.end()) {
            deferred_here.push_back(f->name());
          }
        }
      }
      related.resize(compiled.related.size());
    }
    // Only what this query needs: most read every field and no extras, and pay nothing.
    if (q.model->has_state() && compiled.fields.size() != q.model->fields().size()) {
      for (const auto& f : q.model->fields()) {
        if (std::find(compiled.fields.begin(), compiled.fields.end(), f.get()) ==
            compiled.fields.end()) {
          deferred.push_back(f->name());
        }
      }
    }
    if (compiled.extras.empty()) return;
    auto n = std::make_shared<std::vector<std::string>>();
    for (const auto& e : compiled.extras) {
      n->push_back(e.name);
      const ModelMeta::Slot* slot = nullptr;
      for (const auto& s : q.model->annotation_slots()) {
        if (s.name == e.name) slot = &s;
      }
      slots.push_back(slot);
    }
    names = std::move(n);
  }
};

Cursor::Cursor(const Query& q, bool stream) {
  const ReadRoute route = route_read(q);
  check_row_locks(q, route);
  if (q.matches_nothing()) return;  // no rows, no query
  s_ = std::make_unique<State>(q, route, compile_select_cached(q, dialect_of(route)), stream);
}

Cursor::~Cursor() = default;

void Cursor::close() {
  s_.reset();
}

bool Cursor::next() {
  return s_ && s_->rs.next();
}

Row Cursor::row() const {
  return s_->rs.row();
}

int Cursor::decimal_places(std::size_t column) const {
  const std::size_t base = s_->extras_first;
  if (column < base) {
    const Field* f = s_->select.shape->fields[column];
    return f->kind() == FieldKind::Decimal ? f->spec().decimal_places() : -1;
  }
  const std::size_t k = column - base;
  return k < s_->select.shape->extras.size() ? s_->select.shape->extras[k].decimal_places : -1;
}

namespace {

void load_fields(const std::vector<const Field*>& fields, void* obj, const quarry_value* raw) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    try {
      fields[i]->load(obj, ValueRef(raw[i]));
    } catch (const ValueError& e) {
      throw ValueError(fields[i]->model().name() + "." + fields[i]->name() + ": " + e.message());
    }
  }
}

}  // namespace

void Cursor::load(void* obj, Record* extra) const {
  // The row is there (next() said so) and as wide as the query (the State checked).
  const quarry_value* raw = s_->rs.row_;
  const Row r = s_->rs.row();
  load_fields(s_->select.shape->fields, obj, raw);
  if (ModelState* st = s_->model->state_of(obj)) {
    st->db = s_->alias;
    st->adding = false;
    st->deferred = s_->deferred;
  }
  if (!s_->contexts.empty()) bind_relations(*s_->model, obj, s_->contexts);
  bind_members(*s_->model, obj, s_->members);
  // select_related's objects, each hung on its parent (absent where the key is NULL).
  for (std::size_t k = 0; k < s_->select.shape->related.size(); ++k) {
    const RelatedColumns& rel = s_->select.shape->related[k];
    auto& made = s_->related[k];
    made.reset();
    void* parent = rel.parent < 0 ? obj : s_->related[rel.parent].get();
    if (!parent || ValueRef(raw[rel.first + rel.pk]).is_null()) continue;
    made = rel.model->make();
    load_fields(rel.fields, made.get(), raw + rel.first);
    if (ModelState* st = rel.model->state_of(made.get())) {
      st->db = s_->alias;
      st->adding = false;
      st->deferred = s_->related_deferred[k];
    }
    if (!s_->related_contexts[k].empty())
      bind_relations(*rel.model, made.get(), s_->related_contexts[k]);
    bind_members(*rel.model, made.get(), s_->members);
    rel.via->attach(parent, made);
  }
  if (s_->slots.empty()) {
    if (extra) *extra = Record();
    return;
  }
  const std::size_t base = s_->extras_first;
  std::vector<Value> values;
  for (std::size_t k = 0; k < s_->slots.size(); ++k) {
    if (s_->slots[k]) s_->slots[k]->load(obj, r[base + k]);
    if (extra) values.push_back(as_kind(r[base + k], s_->select.shape->extras[k]));
  }
  if (extra) *extra = Record(s_->names, std::move(values));
}

const std::shared_ptr<const std::vector<std::string>>& Cursor::names() const {
  return s_->names;
}

Record Cursor::record() const {
  const Row r = s_->rs.row();
  const std::size_t base = s_->extras_first;
  std::vector<Value> values;
  values.reserve(s_->select.shape->extras.size());
  for (std::size_t k = 0; k < s_->select.shape->extras.size(); ++k) {
    values.push_back(as_kind(r[base + k], s_->select.shape->extras[k]));
  }
  return Record(s_->names, std::move(values));
}

int64_t count(const Query& q) {
  const ReadRoute route = route_read(q);
  check_row_locks(q, route);
  if (q.matches_nothing()) return 0;
  const Compiled c = compile_count(q, dialect_of(route));
  std::optional<Lease> lease;
  ResultSet rs = read_through(lease, route, cache_use(q, route, false), c.sql, c.params, c.tables);
  rs.next();
  return rs.row().get<int64_t>(0);
}

bool exists(const Query& q) {
  const ReadRoute route = route_read(q);
  check_row_locks(q, route);
  if (q.matches_nothing()) return false;
  const Compiled c = compile_exists(q, dialect_of(route));
  std::optional<Lease> lease;
  ResultSet rs = read_through(lease, route, cache_use(q, route, false), c.sql, c.params, c.tables);
  return rs.next();
}

Record aggregate(const Query& q, const std::vector<std::pair<std::string, Expr>>& named) {
  // Named by the caller (or by default_alias() for aggregate(Avg("gpa"))): every name
  // follows the one alias rule, once.
  for (std::size_t i = 0; i < named.size(); ++i) {
    const auto& [name, e] = named[i];
    check_alias(name, "aggregate");
    for (std::size_t j = 0; j < i; ++j) {
      if (named[j].first == name) {
        throw ValueError("aggregate() is given the name '" + name + "' twice");
      }
    }
    if (!contains_aggregate(e.node())) {
      throw ProgrammingError("aggregate() takes aggregates (Sum, Avg, Count, ...): '" + name +
                             "' is not one");
    }
    validate(q, e);
  }
  const ReadRoute route = route_read(q);
  check_row_locks(q, route);
  if (q.matches_nothing()) {  // as Django: COUNT is 0, the others their default or NULL
    std::vector<Value> values;
    auto names = std::make_shared<std::vector<std::string>>();
    for (const auto& [name, e] : named) {
      names->push_back(name);
      const ExprNode& n = e.node();
      const bool literal_default =
          n.aggregate_default && n.args[1]->kind == ExprNode::Kind::Literal;
      values.push_back(n.func == "COUNT" ? Value(int64_t{0})
                       : literal_default ? n.args[1]->value
                                         : Value());
    }
    return Record(std::move(names), std::move(values));
  }
  const Compiled c = compile_aggregate(q, dialect_of(route), named);
  std::optional<Lease> lease;
  ResultSet rs = read_through(lease, route, cache_use(q, route, false), c.sql, c.params, c.tables);
  rs.next();
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<Value> values;
  const Row r = rs.row();
  for (std::size_t i = 0; i < c.extras.size(); ++i) {
    names->push_back(c.extras[i].name);
    values.push_back(as_kind(r[i], c.extras[i]));
  }
  return Record(std::move(names), std::move(values));
}

int64_t update(const Query& q, const std::vector<std::pair<std::string, Expr>>& assignments) {
  for (const auto& [name, e] : assignments) {
    q.model->field(name);
    validate(q, e);
  }
  Database& db = route_write(*q.model, q.alias, nullptr);
  if (q.matches_nothing() && !q.sliced()) return 0;  // a slice is refused below, as ever
  const Compiled c = compile_update(q, db.dialect(), assignments);
  Lease lease(db);
  const int64_t n = lease.execute(c.sql, c.params, c.written);
  lease.wrote();
  return n;
}

namespace {

// "ANALYZE,VERBOSE" has "analyze" (names compared without case); the name upper-cased.
std::optional<std::string> listed(std::string_view list, std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    if (list.substr(at, comma - at) == upper && !upper.empty()) return upper;
    at = comma + 1;
  }
  return std::nullopt;
}

[[noreturn]] void not_listed(const Dialect& d, const char* what, const std::string& name,
                             std::string_view list) {
  std::string known;
  for (char c : list) known += c == ',' ? std::string(", ") : std::string(1, c);
  throw ValueError("explain(): '" + name + "' is not " + what + " of " + d.engine_name() + " " +
                   d.server_version() +
                   (known.empty() ? std::string(", which takes none") : "; it takes " + known));
}

std::string explain_prefix(const Dialect& d, const ExplainOptions& o) {
  if (o.format.empty() && o.options.empty()) return std::string(d.text("explain"));
  std::vector<std::string> items;
  bool analyze = false;
  for (const auto& [name, on] : o.options) {
    const auto n = listed(d.text("explain.options"), name);
    if (!n) not_listed(d, "an option", name, d.text("explain.options"));
    if (*n == "ANALYZE" && !d.text("explain.analyze").empty()) {
      analyze = on;
      continue;
    }
    const std::string_view tmpl = d.text("explain.option");
    if (!on && tmpl.find("{value}") == std::string_view::npos) continue;
    items.push_back(Dialect::render_text(tmpl, {{"name", *n}, {"value", on ? "TRUE" : "FALSE"}}));
  }
  if (!o.format.empty()) {
    const auto f = listed(d.text("explain.formats"), o.format);
    if (!f) not_listed(d, "a format", o.format, d.text("explain.formats"));
    items.push_back(d.render("explain.format", {{"format", *f}}));
  }
  std::string joined;
  for (const auto& i : items) {
    if (!joined.empty()) joined += d.text("explain.separator");
    joined += i;
  }
  if (items.empty() && !analyze) return std::string(d.text("explain"));
  std::string prefix = d.render(analyze ? "explain.analyze" : "explain.with", {{"items", joined}});
  while (!prefix.empty() && prefix.back() == ' ') prefix.pop_back();
  return prefix;
}

}  // namespace

std::string explain(const Query& q, const ExplainOptions& options) {
  const ReadRoute route = route_read(q);
  const Dialect& d = dialect_of(route);
  const std::string prefix = explain_prefix(d, options);  // checked before any SQL runs
  if (q.empty) throw ProgrammingError("explain(): the queryset is none(); it runs no query");
  const Compiled c = compile_select(q, d);
  Lease lease(route);
  ResultSet rs = lease.read(prefix + " " + c.sql, c.params);
  std::string out;
  while (rs.next()) {
    const Row r = rs.row();
    if (!out.empty()) out += '\n';
    for (std::size_t i = 0; i < rs.column_count(); ++i) {
      if (i) out += ' ';
      const Value v = r.get<Value>(i);
      out += v.is_null() ? "NULL" : v.convert_to(ValueType::Text).as<std::string>();
    }
  }
  return out;
}

CompiledSql sql_of(const Query& q) {
  Compiled c = compile_select(q, dialect_of(route_read(q)));
  return CompiledSql{std::move(c.sql), std::move(c.params), std::move(c.tables)};
}

void throw_multiple(const ModelMeta& m, std::size_t n) {
  throw MultipleObjectsReturned("get() returned more than one " + m.name() + " -- it returned " +
                                (n > 20 ? std::string("more than 20") : std::to_string(n)) + "!");
}

}  // namespace quarry::detail

namespace quarry {

std::string CompiledSql::str() const {
  std::string s = sql;
  if (!params.empty()) {
    s += "  -- params:";
    for (const auto& p : params) s += " " + p.repr();
  }
  return s;
}

}  // namespace quarry
