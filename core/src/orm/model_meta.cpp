#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

#include "quarry/model.hpp"

namespace quarry {
namespace {

bool valid_name(std::string_view n) {
  if (n.empty() || n.find("__") != std::string_view::npos || n == "pk") return false;
  if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') || n[0] == '_')) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string lower_snake(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

namespace detail {

std::string demangle(const char* mangled) {
  int status = 0;
  char* s = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string out = status == 0 && s ? s : mangled;
  std::free(s);
  return out;
}

void fit_decimal(Decimal& d, int decimal_places) {
  if (d.scale() != decimal_places) d = d.rescale(decimal_places);
}

const ModelMeta& register_model(std::type_index type, const char* mangled,
                                const std::function<void(ModelMeta&)>& declare) {
  static std::mutex mutex;
  static std::map<std::type_index, std::unique_ptr<ModelMeta>> models;
  std::lock_guard lock(mutex);
  if (auto it = models.find(type); it != models.end()) return *it->second;
  std::string name = demangle(mangled);
  if (const auto colon = name.rfind("::"); colon != std::string::npos)
    name = name.substr(colon + 2);
  auto meta = std::make_unique<ModelMeta>(name, type);
  declare(*meta);
  meta->finish();
  const ModelMeta& m = *models.emplace(type, std::move(meta)).first->second;
  relation_registry().add(m);
  return m;
}

RelationRegistry& relation_registry() {
  static RelationRegistry registry;
  return registry;
}

void RelationRegistry::add(const ModelMeta& m) {
  std::lock_guard lock(mutex_);
  for (const Field* f : m.relation_fields()) fields_.push_back(f);
}

std::vector<const Field*> RelationRegistry::pointing_at(const ModelMeta& target) const {
  std::lock_guard lock(mutex_);
  std::vector<const Field*> out;
  for (const Field* f : fields_) {
    if (f->spec().relation()->target_type == target.type()) out.push_back(f);
  }
  return out;
}

}  // namespace detail

ModelMeta::ModelMeta(std::string name, std::type_index type)
    : name_(std::move(name)), type_(type) {}

void ModelMeta::invalid(const std::string& problem) const {
  throw ImproperlyConfigured("model " + name_ + ": " + problem);
}

const ModelMeta& Field::target() const {
  const detail::RelationSpec* r = spec_.relation();
  if (!r)
    throw FieldError("'" + name_ + "' is a " + std::string(kind_name(kind())) + ", not a relation");
  return r->target_meta ? *r->target_meta : r->target();
}

void Field::attach(void*, std::shared_ptr<void>) const {
  throw FieldError("'" + name_ + "' is not a ForeignKey or OneToOneField: nothing to attach");
}

std::vector<const Field*> ModelMeta::relation_fields() const {
  std::vector<const Field*> out = foreign_keys_;
  for (const auto& f : many_to_many_) out.push_back(f.get());
  return out;
}

void ModelMeta::add_many_to_many(std::unique_ptr<Field> f) {
  f->model_ = this;
  many_to_many_.push_back(std::move(f));
}

void ModelMeta::add_member(std::unique_ptr<ManyMember> m) {
  m->model_ = this;
  members_.push_back(std::move(m));
}

const Field* ModelMeta::find_many_to_many(std::string_view name) const {
  for (const auto& f : many_to_many_) {
    if (f->name() == name) return f.get();
  }
  return nullptr;
}

const ManyMember* ModelMeta::find_member(std::string_view name) const {
  for (const auto& m : members_) {
    if (m->name() == name) return m.get();
  }
  return nullptr;
}

namespace detail {
namespace {

// A field without a member: what it holds lives elsewhere (a through table's rows are
// written and read as values, never as objects).
class UnboundField final : public Field {
 public:
  UnboundField(std::string name, FieldSpec spec) : Field(std::move(name), std::move(spec), false) {}
  Value get(const void*) const override { throw no_member(); }
  void set(void*, const Value&) const override { throw no_member(); }
  void load(void*, ValueRef) const override { throw no_member(); }
  quarry_value view(const void*, char (&)[Decimal::kTextBuffer]) const override {
    throw no_member();
  }

 private:
  FieldError no_member() const {
    return FieldError("'" + name() + "' has no member to read or set");
  }
};

}  // namespace

std::unique_ptr<Field> make_unbound_field(std::string name, FieldSpec spec) {
  return std::make_unique<UnboundField>(std::move(name), std::move(spec));
}

}  // namespace detail

void ModelMeta::add_field(std::unique_ptr<Field> f) {
  f->model_ = this;
  f->index_ = fields_.size();
  fields_.push_back(std::move(f));
}

const Field* ModelMeta::find(std::string_view name) const {
  if (name == "pk") return pk_;
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  // A ForeignKey by its column ("customer_id"), as Django's attname.
  if (auto it = by_attname_.find(name); it != by_attname_.end()) return it->second;
  return nullptr;
}

std::string ModelMeta::choices() const {
  std::vector<std::string> names;
  for (const auto& f : fields_) names.push_back(f->name());
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void ModelMeta::no_such_field(std::string_view name) const {
  throw FieldError("Cannot resolve keyword '" + std::string(name) +
                   "' into field. Choices are: " + choices());
}

const Field& ModelMeta::field(std::string_view name) const {
  if (const Field* f = find(name)) return *f;
  no_such_field(name);
}

void ModelMeta::finish(bool declared) {
  if (table_.empty()) table_ = lower_snake(name_);
  if (fields_.empty()) invalid("declares no fields");
  std::set<std::string> columns;
  for (const auto& f : fields_) {
    const std::string& n = f->name();
    const std::string what = std::string(kind_name(f->kind())) + " '" + n + "'";
    if (!valid_name(n)) {
      invalid("'" + n + "' is not a valid field name: letters, digits and '_', not starting " +
              "with a digit, without '__', and not 'pk'");
    }
    if (!by_name_.emplace(n, f.get()).second) invalid("two fields are named '" + n + "'");
    if (!columns.insert(f->column()).second) {
      invalid("two fields use the column '" + f->column() + "'");
    }
    const FieldSpec& s = f->spec();
    if (s.is_primary_key()) {
      if (pk_) invalid("has two primary keys, '" + pk_->name() + "' and '" + n + "'");
      pk_ = f.get();
      if (f->null()) invalid(what + " is the primary key, so its member cannot be std::optional");
    }
    if (f->kind() == FieldKind::Char && s.max_length() <= 0) {
      invalid(what + " needs a max_length: CharField(100)");
    }
    if (f->kind() == FieldKind::Decimal && declared) {
      if (s.max_digits() <= 0 || s.decimal_places() < 0) {
        invalid(what + " needs max_digits and decimal_places: DecimalField(10, 2)");
      }
      if (s.decimal_places() > s.max_digits()) {
        invalid(what + " has more decimal_places than max_digits");
      }
      if (s.max_digits() > Decimal::kMaxDigits) {
        invalid(what + " has max_digits " + std::to_string(s.max_digits()) +
                "; quarry's Decimal holds at most 38");
      }
    }
    if ((s.is_auto_now() || s.is_auto_now_add()) && f->kind() != FieldKind::DateTime &&
        f->kind() != FieldKind::Date && f->kind() != FieldKind::Time) {
      invalid(what + ": auto_now and auto_now_add are for date and time fields");
    }
    if (f->is_foreign_key()) {
      foreign_keys_.push_back(f.get());
      if (!by_attname_.emplace(f->column(), f.get()).second) {
        invalid("two fields use the column '" + f->column() + "'");
      }
    }
    if (s.has_default() && s.default_value()) {
      try {
        s.default_value()->convert_to(value_type(f->data_kind()));
      } catch (const ValueError& e) {
        invalid(what + " has a default that does not fit it: " + e.message());
      }
    }
  }
  if (!pk_) {
    invalid(
        "has no primary key: declare an AutoField or BigAutoField, or mark a field "
        "primary_key()");
  }
  auto check_field = [&](const std::string& name, const std::string& where) {
    std::string_view n = name;
    if (!n.empty() && n[0] == '-') n.remove_prefix(1);
    if (n == "?" && where == "ordering") return;
    if (!find(n))
      invalid(where + " names '" + std::string(n) +
              "', which is not a field; the fields are: " + choices());
  };
  for (const auto& o : ordering_) check_field(o, "ordering");
  std::set<std::string> index_names;
  for (const auto& i : indexes_) {
    if (i.fields().empty()) invalid("an index names no fields");
    for (const auto& f : i.fields()) check_field(f, "an index");
    if (!i.given_name().empty() && !index_names.insert(i.given_name()).second) {
      invalid("two indexes are named '" + i.given_name() + "'");
    }
  }
  for (const auto& u : uniques_) {
    if (u.fields.size() < 1) invalid("a unique constraint names no fields");
    for (const auto& f : u.fields) check_field(f, "a unique constraint");
  }
  for (const auto& c : checks_) {
    if (c.name.empty()) invalid("a CheckConstraint needs a name");
  }
  for (const auto& s : slots_) {
    if (find(s.name)) invalid("the annotation slot '" + s.name + "' has the name of a field");
  }
}

}  // namespace quarry
