// A JSON document (JSONField, json/jsonb): kept as its text, checked on the way in.
#pragma once

#include <string>
#include <string_view>

namespace quarry {

class Json {
 public:
  Json() : text_("null") {}
  // Validates the text; throws ValueError naming the offset of the first fault.
  static Json parse(std::string_view text);
  // Trusts the text (it came from a database column that already checked it).
  static Json raw(std::string text) {
    Json j;
    j.text_ = std::move(text);
    return j;
  }
  static bool is_valid(std::string_view text) noexcept;

  const std::string& text() const { return text_; }
  // Minified with object keys sorted: equal documents give equal text, whatever the
  // backend did to whitespace and key order (jsonb reorders keys).
  std::string canonical() const;

  // Compares documents, not spellings: {"a": 1, "b": 2} == {"b":2,"a":1}.
  friend bool operator==(const Json& a, const Json& b) { return a.canonical() == b.canonical(); }

 private:
  std::string text_;
};

}  // namespace quarry
