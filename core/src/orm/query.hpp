// Query: what a QuerySet asks for, before any SQL exists. Immutable once shared:
// every QuerySet method copies the Query it starts from and changes the copy, so the
// querysets along a chain never affect each other. Internal to the core.
#pragma once

#include <cstdint>
#include <memory>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "orm/nodes.hpp"
#include "quarry/model.hpp"

namespace quarry::detail {

enum class Combinator { None, Union, Intersection, Difference };

class Query {
 public:
  explicit Query(const ModelMeta& m) : model(&m) {}

  const ModelMeta* model;
  std::string alias = "default";
  std::vector<QPtr> where;  // ANDed together; exclude() adds a negated node
  std::vector<OrderBy> order_by;
  bool ordered = false;  // order_by() was called: Meta.ordering no longer applies
  bool reversed = false;
  std::optional<int64_t> low, high;  // the slice [low, high)
  bool distinct = false;
  std::vector<std::pair<std::string, Expr>> annotations;
  bool values_mode = false;
  std::vector<std::string> values_fields;  // values(): fields and annotations, in order
  std::vector<std::string> group_by;       // the values() fields an aggregate groups by
  std::vector<std::string> only_fields;
  std::vector<std::string> defer_fields;
  bool empty = false;  // none(): matches nothing, never runs
  bool for_update = false;
  Combinator combinator = Combinator::None;
  bool combinator_all = false;
  std::vector<std::shared_ptr<const Query>> combined;  // the other operands

  bool sliced() const { return low.has_value() || high.has_value(); }
  const Expr* annotation(std::string_view name) const;
  bool has_aggregate_annotation() const;
};

// What a lookup or reference path names. Dialect-free, so it also checks names eagerly.
// Its views point into the path and the model, which outlive it; resolving allocates
// nothing, since every compile does it for every name.
struct Resolved {
  static constexpr std::size_t kMaxTransforms = 4;
  const Field* field = nullptr;      // a model field, or
  const Expr* annotation = nullptr;  // an annotation of the query
  std::string_view name;             // the field's or annotation's name
  std::array<std::string_view, kMaxTransforms> transform_list{};  // year, month, date, ...
  std::size_t transform_count = 0;
  std::string_view lookup;  // exact, gt, in, ... (lookups only)

  std::span<const std::string_view> transforms() const { return {transform_list.data(), transform_count}; }
  static Resolved of(const Field& f) {
    Resolved r;
    r.field = &f;
    r.name = f.name();
    return r;
  }
};

// "gpa__gt", "created_at__year__gte", "name": the last part may be a lookup.
Resolved resolve_lookup(const Query& q, std::string_view path);
// "gpa", "created_at__year": a value to read (F(), order_by, values()).
Resolved resolve_ref(const Query& q, std::string_view path);
// The kind a transform chain leaves: year -> Integer, date -> Date.
std::optional<FieldKind> transformed_kind(std::optional<FieldKind> base,
                                          std::span<const std::string_view> transforms);

// Resolves every name in the query (and raises FieldError) without compiling it.
void validate(const Query& q);
void validate(const Query& q, const Expr& e);
void validate(const Query& q, const Q& cond);

}  // namespace quarry::detail
