// A model that uses every schema option (unique, db_column, choices, unique_together, a
// named unique descending index and an optional partial index), for the schema tests.
#pragma once

#include <optional>
#include <string>

#include "quarry/quarry.hpp"

namespace quarry::test {

struct Tag {
  int64_t id = 0;
  std::string slug{};
  std::string label{};
  std::optional<std::string> kind{};
  bool featured = false;
};

inline void quarry_model(ModelDef<Tag>& m) {
  m.table("qt_tag");
  m.field("id", &Tag::id, BigAutoField());
  m.field("slug", &Tag::slug, CharField(40).unique());
  m.field("label", &Tag::label, CharField(80).db_column("display_label"));
  m.field("kind", &Tag::kind, CharField(10).choices({{"a", "Alpha"}, {"b", "Beta"}}));
  m.field("featured", &Tag::featured, BooleanField());
  m.unique_together({"label", "kind"});
  m.index(Index({"label"})
              .name("qt_tag_featured")
              .condition(Q("featured", true) & Q("slug__startswith", "it's"))
              .optional());
  m.index(Index({"kind", "-slug"}).unique().name("qt_tag_kind_slug"));
}

}  // namespace quarry::test
