// The relations a lookup path may cross besides a model's own ForeignKeys: its
// ManyToManyFields (through their tables) and the relations other models declare
// towards it (reverse: customer -> orders). Internal to the core.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orm/query.hpp"

namespace quarry::detail {

struct Relation {
  enum class Kind { Forward, Reverse, ManyToMany, ReverseManyToMany };
  Kind kind = Kind::Forward;
  const Field* field = nullptr;   // the ForeignKey or ManyToManyField that declares it
  const ModelMeta* to = nullptr;  // the model it reaches
  std::array<Hop, 2> hop_list{};  // one hop, or two through a ManyToManyField's table
  std::size_t hop_count = 0;
  std::span<const Hop> hops() const { return {hop_list.data(), hop_count}; }
};

// A ManyToManyField's through model and its two ForeignKeys: `from` points at the
// field's model, `to` at the target.
struct Through {
  const ModelMeta* model = nullptr;
  const Field* from = nullptr;
  const Field* to = nullptr;
};
const Through& through_of(const Field& many_to_many);

// The relation `name` of `m`: a ForeignKey of m, a ManyToManyField of m, a Many<>
// member's, or a relation of another (registered) model pointing at m by its
// related_name (else that model's name in lower case). nullopt if there is none.
std::optional<Relation> find_relation(const ModelMeta& m, std::string_view name);
// The relation a Many<> member follows.
Relation relation_of(const ManyMember& member);

// The ForeignKeys and ManyToManyFields of registered models that point at m (m's own
// included). A model is registered once anything used it (meta<T>(), a queryset,
// create_tables); a Many<> member registers the model at its other end.
std::vector<const Field*> pointing_at(const ModelMeta& m);

// The kind of column that holds a key of m (a ForeignKey's, a through table's): an
// auto-increment key is held in a plain integer column of the same width.
FieldKind key_column_kind(const ModelMeta& m);

// The name a relation goes by from its target's side.
std::string related_query_name(const Field& relation);
// Every name find_relation() takes on m, other than fields, sorted (for errors).
std::vector<std::string> relation_names(const ModelMeta& m);

// A hop that reaches many rows.
inline bool is_multi(const Hop& h) {
  return h.reverse && h.via->kind() != FieldKind::OneToOne;
}

}  // namespace quarry::detail

namespace quarry::detail {

// Tells the Many<> members of an object its key and database (after a read or a save).
void bind_members(const ModelMeta& m, void* obj, const std::shared_ptr<const LoadContext>& ctx);
void bind_members(const ModelMeta& m, void* obj, const std::string& alias);

}  // namespace quarry::detail
