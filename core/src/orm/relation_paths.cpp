// Finding relations by name, and the automatic tables of ManyToManyFields.
#include "orm/relation_paths.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

namespace quarry::detail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

FieldSpec key_to(const ModelMeta& target) {
  RelationSpec r{.target = nullptr,
                 .target_type = target.type(),
                 .key_kind = key_column_kind(target),
                 .on_delete = OnDelete::Cascade};
  r.target_meta = &target;
  r.related_name = "+";  // no reverse name: the table is the field's, not a model's
  return FieldSpec(FieldKind::ForeignKey).db_index().relation(std::move(r));
}

// The model of an automatic through table: id, <model>_id, <target>_id, unique
// together (Django's names; "from_<model>_id" and "to_<model>_id" for a relation of
// a model to itself).
std::unique_ptr<ModelMeta> make_through(const Field& f) {
  const ModelMeta& from = f.model();
  const ModelMeta& to = f.target();
  const RelationSpec& rel = *f.spec().relation();
  auto m = std::make_unique<ModelMeta>(from.name() + "_" + f.name(), typeid(void));
  m->set_table(rel.db_table.empty() ? from.table() + "_" + f.name() : rel.db_table);
  const bool self = &from == &to;
  const std::string a = (self ? "from_" : "") + lower(from.name());
  const std::string b = (self ? "to_" : "") + lower(to.name());
  m->add_field(make_unbound_field("id", BigAutoField()));
  m->add_field(make_unbound_field(a, key_to(from)));
  m->add_field(make_unbound_field(b, key_to(to)));
  m->add_unique(UniqueConstraint{{a, b}, ""});
  m->finish();
  return m;
}

struct ThroughStore {
  std::mutex mutex;
  std::map<const Field*, std::pair<std::unique_ptr<ModelMeta>, Through>> by_field;
};

ThroughStore& throughs() {
  static ThroughStore s;
  return s;
}

Relation forward(const Field& f) {
  Relation r;
  r.kind = Relation::Kind::Forward;
  r.field = &f;
  r.to = &f.target();
  r.hop_list[0] = Hop{&f, r.to, false};
  r.hop_count = 1;
  return r;
}

Relation reverse(const Field& f) {
  Relation r;
  r.field = &f;
  if (f.kind() == FieldKind::ManyToMany) {
    const Through& t = through_of(f);
    r.kind = Relation::Kind::ReverseManyToMany;
    r.to = &f.model();
    r.hop_list[0] = Hop{t.to, t.model, true};
    r.hop_list[1] = Hop{t.from, r.to, false};
    r.hop_count = 2;
  } else {
    r.kind = Relation::Kind::Reverse;
    r.to = &f.model();
    r.hop_list[0] = Hop{&f, r.to, true};
    r.hop_count = 1;
  }
  return r;
}

Relation many_to_many(const Field& f) {
  const Through& t = through_of(f);
  Relation r;
  r.kind = Relation::Kind::ManyToMany;
  r.field = &f;
  r.to = &f.target();
  r.hop_list[0] = Hop{t.from, t.model, true};
  r.hop_list[1] = Hop{t.to, r.to, false};
  r.hop_count = 2;
  return r;
}

}  // namespace

FieldKind key_column_kind(const ModelMeta& m) {
  const FieldKind k = m.pk().data_kind();
  if (k == FieldKind::Auto) return FieldKind::Integer;
  if (k == FieldKind::BigAuto) return FieldKind::BigInteger;
  return k;
}

std::vector<const Field*> pointing_at(const ModelMeta& m) {
  // A Many<> member names the model at its other end: make sure it is registered.
  for (const auto& member : m.members()) member->other();
  return relation_registry().pointing_at(m);
}

const Through& through_of(const Field& f) {
  ThroughStore& s = throughs();
  std::lock_guard lock(s.mutex);
  auto it = s.by_field.find(&f);
  if (it == s.by_field.end()) {
    const RelationSpec& rel = *f.spec().relation();
    std::unique_ptr<ModelMeta> own;
    Through t;
    if (rel.through) {
      t.model = &rel.through();
      t.from = t.model->find(rel.through_from);
      t.to = t.model->find(rel.through_to);
      const auto check = [&](const Field* k, const std::string& name, const ModelMeta& target) {
        if (!k || !k->is_foreign_key() || &k->target() != &target) {
          throw ImproperlyConfigured("model " + f.model().name() + ": ManyToManyField '" +
                                     f.name() + "' goes through " + t.model->name() +
                                     ", whose field '" + name + "' is no ForeignKey to " +
                                     target.name());
        }
      };
      check(t.from, rel.through_from, f.model());
      check(t.to, rel.through_to, f.target());
    } else {
      own = make_through(f);
      t.model = own.get();
      t.from = own->fields()[1].get();
      t.to = own->fields()[2].get();
    }
    it = s.by_field.emplace(&f, std::make_pair(std::move(own), t)).first;
  }
  return it->second.second;
}

std::string related_query_name(const Field& f) {
  const std::string& name = f.spec().relation()->related_name;
  return name.empty() ? lower(f.model().name()) : name;
}

std::optional<Relation> find_relation(const ModelMeta& m, std::string_view name) {
  if (const Field* f = m.find(name); f && f->is_foreign_key()) return forward(*f);
  if (const Field* f = m.find_many_to_many(name)) return many_to_many(*f);
  if (const ManyMember* member = m.find_member(name)) return relation_of(*member);
  for (const Field* f : pointing_at(m)) {
    if (f->spec().relation()->related_name != "+" && related_query_name(*f) == name) {
      return reverse(*f);
    }
  }
  return std::nullopt;
}

Relation relation_of(const ManyMember& member) {
  if (member.field()) return many_to_many(*member.field());
  // A reverse accessor: the relation of the other model towards this one that has the
  // member's name, else the only one there is.
  const ModelMeta& other = member.other();
  std::vector<const Field*> candidates;
  for (const Field* f : other.relation_fields()) {
    if (&f->target() != &member.model()) continue;
    if (related_query_name(*f) == member.name()) return reverse(*f);
    candidates.push_back(f);
  }
  if (candidates.size() != 1) {
    throw ImproperlyConfigured("model " + member.model().name() + ": the reverse accessor '" +
                               member.name() + "' matches " + std::to_string(candidates.size()) +
                               " relations of " + other.name() +
                               "; give one of them related_name(\"" + member.name() + "\")");
  }
  return reverse(*candidates.front());
}

std::vector<std::string> relation_names(const ModelMeta& m) {
  std::vector<std::string> out;
  for (const auto& f : m.many_to_many()) out.push_back(f->name());
  for (const auto& member : m.members()) out.push_back(member->name());
  for (const Field* f : pointing_at(m)) {
    if (f->spec().relation()->related_name != "+") out.push_back(related_query_name(*f));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace quarry::detail
