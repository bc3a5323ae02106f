#include "orm/select_cache.hpp"
#include "string_hash.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace quarry::detail {
namespace {

// A query's shape as bytes, and the literals it leaves out (with the condition each is
// the right side of), in the order it met them. A replay reads the literals in that
// order, which is why two queries of one shape have their literals at the same places.
class ShapeKey {
 public:
  // False when the query has no shape this cache keeps.
  bool build(const Query& q, const Dialect& d) {
    size_ = 0;
    literals.clear();
    leaves.clear();
    if (q.combinator != Combinator::None || !q.ctes.empty() || !q.cte_joins.empty() ||
        q.prefetch_join || !q.annotations.empty() || q.values_mode || !q.values_fields.empty() ||
        !q.group_by.empty() || q.empty) {
      return false;
    }
    put(d.id());
    put(q.model);
    // The slice's form (which of LIMIT and OFFSET are written), not its numbers.
    const bool flags[] = {q.distinct,           q.ordered,         q.reversed,
                          q.for_update,         q.lock.nowait,     q.lock.skip_locked,
                          q.lock.no_key,        q.low.has_value(), q.high.has_value(),
                          q.low.value_or(0) > 0};
    uint16_t bits = 0;
    for (bool f : flags) bits = static_cast<uint16_t>(bits << 1 | (f ? 1 : 0));
    put(bits);
    texts(q.only_fields);
    texts(q.defer_fields);
    texts(q.select_related);
    texts(q.lock.of);
    put(q.order_by.size());
    for (const OrderBy& o : q.order_by) {
      if (!field_ref(o.expr.node())) return false;
      add(static_cast<char>((o.descending ? 1 : 0) | (o.options.nulls_first ? 2 : 0) |
                            (o.options.nulls_last ? 4 : 0)));
    }
    put(q.where.size());
    for (const QPtr& w : q.where) {
      if (!condition(*w)) return false;
    }
    // One literal node in two conditions would be one value in the SQL's first compile
    // and may be two in the next query's.
    for (std::size_t i = 0; i < literals.size(); ++i) {
      if (std::find(literals.begin() + static_cast<std::ptrdiff_t>(i) + 1, literals.end(),
                    literals[i]) != literals.end()) {
        return false;
      }
    }
    return size_ <= sizeof buf_;
  }

  std::string_view key() const { return {buf_, size_}; }
  std::vector<const ExprNode*> literals;
  std::vector<const QNode*> leaves;

 private:
  // Written into a buffer of its own (a lookup allocates nothing); a shape too long for
  // it is compiled every time.
  void add(const void* p, std::size_t n) {
    if (size_ + n <= sizeof buf_) std::memcpy(buf_ + size_, p, n);
    size_ += n;
  }
  void add(char c) { add(&c, 1); }
  template <class T>
  void put(const T& v) {
    add(&v, sizeof v);
  }
  void text(std::string_view s) {
    put(s.size());
    add(s.data(), s.size());
  }
  void texts(const std::vector<std::string>& list) {
    put(list.size());
    for (const auto& s : list) text(s);
  }
  // F("path"): a name, no value.
  bool field_ref(const ExprNode& e) {
    if (e.kind != ExprNode::Kind::Field || !e.args.empty()) return false;
    add('F');
    text(e.path);
    return true;
  }
  bool condition(const QNode& n) {
    add(static_cast<char>('0' + static_cast<int>(n.kind)));
    add(n.negated ? '!' : '=');
    if (n.kind != QNode::Kind::Leaf) {
      put(n.children.size());
      for (const QPtr& c : n.children) {
        if (!condition(*c)) return false;
      }
      return true;
    }
    if (n.condition || !n.rhs) return false;
    text(n.lookup);
    const ExprNode& rhs = *n.rhs;
    if (rhs.kind != ExprNode::Kind::Literal) return field_ref(rhs);
    // The value's type decides the SQL (NULL is written as IS NULL, a parameter's marker
    // is typed); a bool's value does too (isnull=True or False).
    const ValueType type = rhs.value.type();
    const bool ends_isnull = std::string_view(n.lookup).ends_with("isnull");
    if (ends_isnull && type != ValueType::Bool && type != ValueType::Null) return false;
    add('L');
    add(static_cast<char>(type));
    if (type == ValueType::Bool) add(rhs.value.as<bool>() ? 't' : 'f');
    literals.push_back(&rhs);
    leaves.push_back(&n);
    return true;
  }

  char buf_[512];
  std::size_t size_ = 0;
};

// Where each parameter of a shape's SQL comes from.
struct ParamSource {
  static constexpr int kLimit = -1;   // the slice's high - low
  static constexpr int kOffset = -2;  // the slice's low
  int literal;                        // index in ShapeKey::literals, or one of the above
  std::optional<FieldKind> kind;      // what the literal is converted to
};

struct Entry {
  std::shared_ptr<const Compiled> shape;  // null: compiled every time
  std::vector<ParamSource> sources;
};

// Per thread, so that a lookup takes no lock. Bounded: a program that makes shapes
// without end (a query per distinct list of names) starts again when it is full.
struct Shapes {
  static constexpr std::size_t kMax = 1024;
  ShapeKey key;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> map;
};

// Out of line: reached once per query (inlined, each use of it went through the TLS
// lookup again).
[[gnu::noinline]] Shapes& thread_shapes() {
  thread_local Shapes shapes;
  return shapes;
}

// The sources of the parameters the compile noted, or nothing when one was computed.
std::optional<std::vector<ParamSource>> sources_of(const Query& q, const ShapeKey& k,
                                                   const std::vector<ParamOrigin>& origins) {
  std::vector<ParamSource> out;
  out.reserve(origins.size());
  for (const ParamOrigin& o : origins) {
    if (o.source == &q.high) {
      out.push_back({ParamSource::kLimit, {}});
    } else if (o.source == &q.low) {
      out.push_back({ParamSource::kOffset, {}});
    } else {
      const auto it = std::find(k.literals.begin(), k.literals.end(), o.source);
      if (!o.source || it == k.literals.end()) return std::nullopt;
      out.push_back({static_cast<int>(it - k.literals.begin()), o.kind});
    }
  }
  return out;
}

// Compiles the query; with `shapes`, keeps its shape (built in shapes->key).
CompiledSelect compile_fresh(const Query& q, const Dialect& d, Shapes* shapes) {
  SqlWriter w(d);
  w.record_origins = shapes != nullptr;
  auto c = std::make_shared<Compiled>();
  compile_select_into(q, w, *c);
  c->sql = std::move(w.sql);
  c->tables = std::move(w.tables);
  CompiledSelect out{nullptr, std::move(w.params)};
  if (shapes) {
    Entry e;
    if (auto sources = sources_of(q, shapes->key, w.origins)) {
      e.shape = c;
      e.sources = std::move(*sources);
    }
    if (shapes->map.size() >= Shapes::kMax) shapes->map.clear();
    shapes->map.emplace(shapes->key.key(), std::move(e));
  }
  out.shape = std::move(c);
  return out;
}

}  // namespace

CompiledSelect compile_select_cached(const Query& q, const Dialect& d) {
  Shapes& shapes = thread_shapes();
  ShapeKey& k = shapes.key;
  if (!k.build(q, d)) return compile_fresh(q, d, nullptr);
  const auto it = shapes.map.find(k.key());
  if (it == shapes.map.end()) return compile_fresh(q, d, &shapes);
  const Entry& e = it->second;
  if (!e.shape) return compile_fresh(q, d, nullptr);
  CompiledSelect out{e.shape, {}, true};
  out.params.reserve(e.sources.size());
  const int64_t low = q.low.value_or(0);
  for (const ParamSource& s : e.sources) {
    if (s.literal == ParamSource::kLimit) {
      out.params.emplace_back(*q.high - low);
    } else if (s.literal == ParamSource::kOffset) {
      out.params.emplace_back(low);
    } else {
      const auto i = static_cast<std::size_t>(s.literal);
      out.params.push_back(prepared(k.literals[i]->value, s.kind, k.leaves[i]->lookup, d));
    }
  }
  return out;
}

}  // namespace quarry::detail
