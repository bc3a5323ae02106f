// Dialect: how one engine, at one server version, spells SQL; and Features: what it
// can do. Both come from the plugin once, when the dialect is opened, and are then
// immutable and shared by every thread.
//
// Every key has a default in the core (ANSI SQL where there is one), so a plugin sets
// only what differs; docs/plugin-guide.md lists the keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "quarry/value.hpp"

namespace quarry {

class Engine;

class Features {
 public:
  // The value of a named flag; throws ProgrammingError for a name the core does not know.
  bool has(std::string_view name) const;
  // Every flag, in the core's order: for docs, tools and the seed tour.
  const std::vector<std::pair<std::string, bool>>& all() const { return flags_; }
  // The names the core knows, with their defaults.
  static const std::vector<std::pair<std::string, bool>>& defaults();

 private:
  friend class Dialect;
  std::vector<std::pair<std::string, bool>> flags_;
};

enum class PlaceholderStyle { Question, Dollar };  // ?  or  $1, $2 ...

class Dialect {
 public:
  // Opens the plugin's dialect for server_version ("" = the newest the plugin knows).
  Dialect(std::shared_ptr<const Engine> engine, std::string server_version);
  ~Dialect();
  Dialect(const Dialect&) = delete;
  Dialect& operator=(const Dialect&) = delete;

  const Engine& engine() const { return *engine_; }
  // Unique among the dialects of this process, never reused: what caches of SQL text
  // key on (an address could be reused by a later dialect).
  uint64_t id() const { return id_; }
  const std::string& engine_name() const;
  const std::string& server_version() const { return server_version_; }
  const Features& features() const { return features_; }

  // Identifiers are always quoted; a name with a NUL byte, or longer than the backend
  // allows, is refused with ProgrammingError naming it.
  void append_quoted(std::string& out, std::string_view identifier) const;
  std::string quote(std::string_view identifier) const;
  // The n-th (1-based) parameter marker.
  void append_placeholder(std::string& out, std::size_t n) const;
  // The marker for the n-th parameter holding a value of type t, with the cast the
  // backend needs to know its type (PostgreSQL: $1::bigint); plain where none is needed.
  void append_param(std::string& out, std::size_t n, ValueType t) const;
  // A value written into SQL, for DDL, which cannot take parameters (CHECK constraints,
  // partial indexes): numbers as digits, text quoted with quotes doubled; text holding a
  // backslash is written as the dialect's literal.backslash says, so that it reads the
  // same whatever the session's escape settings are (standard_conforming_strings,
  // NO_BACKSLASH_ESCAPES). Text holding a NUL byte is refused (DataError).
  void append_literal(std::string& out, const Value& v) const;
  PlaceholderStyle placeholder_style() const { return placeholder_; }
  std::size_t max_params() const { return max_params_; }
  std::size_t max_identifier_length() const { return max_identifier_length_; }

  // A spelling or template by key; throws ProgrammingError for a key the core does not know.
  std::string_view text(std::string_view key) const;
  // A template with its {slot}s replaced; "{{" and "}}" stand for braces.
  std::string render(
      std::string_view key,
      std::initializer_list<std::pair<std::string_view, std::string_view>> slots) const;
  static std::string render_text(
      std::string_view tmpl,
      std::initializer_list<std::pair<std::string_view, std::string_view>> slots);
  // The value to bind for a pattern lookup (contains, istartswith, ...): `text` escaped
  // for the lookup's pattern kind (lookup.NAME.pattern: raw, like or glob), with the
  // lookup's wildcards around it, so that % _ * ? in user input match themselves.
  std::string pattern_value(std::string_view lookup, std::string_view text) const;

  // Every key with the text in force (the plugin's or the default).
  const std::vector<std::pair<std::string, std::string>>& all_text() const { return text_; }
  // The keys the core knows, with their defaults.
  static const std::vector<std::pair<std::string, std::string>>& default_text();

 private:
  std::shared_ptr<const Engine> engine_;
  uint64_t id_;
  void* handle_ = nullptr;
  std::string server_version_;
  std::vector<std::pair<std::string, std::string>> text_;         // sorted by key
  std::unordered_map<std::string_view, std::string_view> index_;  // text_ by key
  Features features_;
  char quote_ = '"';
  PlaceholderStyle placeholder_ = PlaceholderStyle::Question;
  std::size_t max_params_ = 999;
  std::size_t max_identifier_length_ = 0;
  std::string param_cast_[12];  // by ValueType
  enum class Backslash { Plain, EscapeString, Concat };
  Backslash backslash_ = Backslash::Plain;
};

}  // namespace quarry
