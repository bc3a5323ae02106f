#include "quarry/dialect.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>

#include "orm/lookups.hpp"
#include "plugin/dialect_names.hpp"
#include "plugin/plugin_error.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"

namespace quarry {

bool Features::has(std::string_view name) const {
  for (const auto& [key, on] : flags_) {
    if (key == name) return on;
  }
  throw ProgrammingError("unknown feature flag '" + std::string(name) + "'");
}

namespace {

std::size_t parse_size(const std::string& engine, std::string_view key, std::string_view text) {
  std::size_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    throw ImproperlyConfigured("plugin '" + engine + "' gives '" + std::string(text) +
                               "' for dialect key '" + std::string(key) + "': expected a number");
  }
  return v;
}

}  // namespace

namespace {
std::atomic<uint64_t> g_next_dialect_id{1};
}

Dialect::Dialect(std::shared_ptr<const Engine> engine, std::string server_version)
    : engine_(std::move(engine)),
      id_(g_next_dialect_id++),
      server_version_(std::move(server_version)) {
  const quarry_plugin& t = engine_->table();
  quarry_error err{};
  quarry_dialect* d = nullptr;
  if (t.dialect_open(server_version_.c_str(), &d, &err) != 0) {
    throw_plugin_error(err, {}, {});
  }
  try {
    check_dialect_names(*engine_, d);
  } catch (...) {
    t.dialect_close(d);
    throw;
  }
  handle_ = d;
  for (const auto& [key, fallback] : default_text()) {
    const char* v = t.dialect_get(d, key.c_str());
    text_.emplace_back(key, v ? std::string(v) : fallback);
  }
  // Views into text_, which never changes again: the compiler looks keys up per query.
  index_.reserve(text_.size());
  for (const auto& [key, value] : text_) index_.emplace(key, value);
  for (const auto& [name, fallback] : Features::defaults()) {
    const int v = t.dialect_feature(d, name.c_str());
    features_.flags_.emplace_back(name, v < 0 ? fallback : v == 1);
  }

  const std::string_view quote = text("quote");
  if (quote.size() != 1) {
    throw ImproperlyConfigured("plugin '" + engine_->name() +
                               "' must give one character for dialect key 'quote'");
  }
  quote_ = quote[0];
  const std::string_view ph = text("placeholder");
  if (ph == "?") {
    placeholder_ = PlaceholderStyle::Question;
  } else if (ph == "$") {
    placeholder_ = PlaceholderStyle::Dollar;
  } else {
    throw ImproperlyConfigured("plugin '" + engine_->name() + "' gives '" + std::string(ph) +
                               "' for dialect key 'placeholder': expected '?' or '$'");
  }
  for (const auto& [key, value] : text_) {
    if (key.starts_with("lookup.") && key.ends_with(".pattern") && value != "raw" &&
        value != "like" && value != "glob") {
      throw ImproperlyConfigured("plugin '" + engine_->name() + "' gives '" + value +
                                 "' for dialect key '" + key + "': expected raw, like or glob");
    }
  }
  max_params_ = parse_size(engine_->name(), "max_params", text("max_params"));
  static constexpr const char* kTypes[] = {"",      "Bool", "Int",  "Double",   "Decimal", "Text",
                                           "Bytes", "Date", "Time", "DateTime", "Json",    "Uuid"};
  for (int t = 1; t < 12; ++t) {
    param_cast_[t] = std::string(text(std::string("param_cast.") + kTypes[t]));
  }
  const std::string_view backslash = text("literal.backslash");
  if (backslash == "escape_string") {
    backslash_ = Backslash::EscapeString;
  } else if (backslash == "concat" && !text("literal.backslash_char").empty()) {
    backslash_ = Backslash::Concat;
  } else if (backslash != "plain") {
    throw ImproperlyConfigured("plugin '" + engine_->name() + "' gives '" + std::string(backslash) +
                               "' for dialect key 'literal.backslash': expected plain, "
                               "escape_string or concat (with literal.backslash_char)");
  }
  max_identifier_length_ =
      parse_size(engine_->name(), "max_identifier_length", text("max_identifier_length"));
}

Dialect::~Dialect() {
  if (handle_) engine_->table().dialect_close(static_cast<quarry_dialect*>(handle_));
}

const std::string& Dialect::engine_name() const {
  return engine_->name();
}

void Dialect::append_quoted(std::string& out, std::string_view identifier) const {
  if (identifier.empty()) throw ProgrammingError("empty identifier");
  if (identifier.find('\0') != std::string_view::npos) {
    throw ProgrammingError("identifier contains a NUL byte");
  }
  if (max_identifier_length_ != 0 && identifier.size() > max_identifier_length_) {
    throw ProgrammingError("identifier '" + std::string(identifier) + "' is longer than the " +
                           std::to_string(max_identifier_length_) + " characters " + engine_name() +
                           " allows");
  }
  out += quote_;
  // The quote character inside a name is doubled; names rarely have one.
  for (std::size_t at; (at = identifier.find(quote_)) != std::string_view::npos;) {
    out.append(identifier.substr(0, at + 1));
    out += quote_;
    identifier.remove_prefix(at + 1);
  }
  out.append(identifier);
  out += quote_;
}

std::string Dialect::quote(std::string_view identifier) const {
  std::string s;
  append_quoted(s, identifier);
  return s;
}

void Dialect::append_placeholder(std::string& out, std::size_t n) const {
  if (placeholder_ == PlaceholderStyle::Question) {
    out += '?';
    return;
  }
  char buf[24];
  buf[0] = '$';
  auto r = std::to_chars(buf + 1, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void Dialect::append_param(std::string& out, std::size_t n, ValueType t) const {
  append_placeholder(out, n);
  out += param_cast_[static_cast<int>(t)];
}

void Dialect::append_literal(std::string& out, const Value& v) const {
  auto quoted = [&](std::string_view s) {
    if (s.find('\0') != std::string_view::npos) {
      throw DataError("a text written into DDL cannot hold a NUL byte");
    }
    const bool backslash = s.find('\\') != std::string_view::npos;
    const Backslash form = backslash ? backslash_ : Backslash::Plain;
    if (form == Backslash::EscapeString) out += 'E';
    if (form == Backslash::Concat) out += "CONCAT(";
    out += '\'';
    for (char c : s) {
      if (c == '\\' && form == Backslash::Concat) {
        out += "', ";
        out += text("literal.backslash_char");
        out += ", '";
        continue;
      }
      if (c == '\'' || (c == '\\' && form == Backslash::EscapeString)) out += c;
      out += c;
    }
    out += '\'';
    if (form == Backslash::Concat) out += ')';
  };
  switch (v.type()) {
    case ValueType::Null:
      out += "NULL";
      return;
    case ValueType::Bool:
      out += text(*v.get_if<bool>() ? "literal.true" : "literal.false");
      return;
    case ValueType::Int:
      out += std::to_string(*v.get_if<int64_t>());
      return;
    case ValueType::Decimal:
      out += v.get_if<Decimal>()->to_string();
      return;
    case ValueType::Double: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, *v.get_if<double>());
      out.append(buf, r.ptr);
      return;
    }
    case ValueType::Bytes:
      throw NotSupportedError("binary values cannot be written into DDL");
    default:
      quoted(v.as<std::string>());
  }
}

std::string Dialect::pattern_value(std::string_view lookup, std::string_view text) const {
  const detail::LookupRow* row = detail::find_lookup(lookup);
  if (!row || row->pattern_key.empty()) {
    throw ProgrammingError("'" + std::string(lookup) + "' is not a pattern lookup");
  }
  const bool before =
      row->wildcards == detail::Wildcards::Before || row->wildcards == detail::Wildcards::Both;
  const bool after =
      row->wildcards == detail::Wildcards::After || row->wildcards == detail::Wildcards::Both;
  const std::string_view kind = this->text(row->pattern_key);
  std::string out;
  out.reserve(text.size() + 4);
  if (kind == "raw") return std::string(text);
  const char wildcard = kind == "glob" ? '*' : '%';
  if (before) out += wildcard;
  for (char c : text) {
    if (kind == "like") {
      if (c == '\\' || c == '%' || c == '_') out += '\\';
      out += c;
    } else if (c == '*' || c == '?' || c == '[') {  // glob: a class of one character
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
  }
  if (after) out += wildcard;
  return out;
}

std::string_view Dialect::text(std::string_view key) const {
  const auto it = index_.find(key);
  if (it == index_.end()) throw ProgrammingError("unknown dialect key '" + std::string(key) + "'");
  return it->second;
}

std::string Dialect::render(
    std::string_view key,
    std::initializer_list<std::pair<std::string_view, std::string_view>> slots) const {
  return render_text(text(key), slots);
}

std::string Dialect::render_text(
    std::string_view tmpl,
    std::initializer_list<std::pair<std::string_view, std::string_view>> slots) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const std::size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) throw ProgrammingError("unclosed '{' in template");
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    bool found = false;
    for (const auto& [slot, value] : slots) {
      if (slot == name) {
        out += value;
        found = true;
        break;
      }
    }
    if (!found) {
      throw ProgrammingError("template '" + std::string(tmpl) + "' has a slot {" +
                             std::string(name) + "} that was not given");
    }
    i = close;
  }
  return out;
}

}  // namespace quarry
