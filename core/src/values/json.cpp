#include "quarry/json.hpp"

#include <algorithm>
#include <vector>

#include "quarry/decimal.hpp"
#include "quarry/errors.hpp"

namespace quarry {
namespace {

// A strict RFC 8259 reader that either checks a document or writes its canonical form
// (minified, object keys sorted, last duplicate key wins as in jsonb, strings with only
// the escapes JSON requires, numbers normalised when they are exact decimals).
class Reader {
 public:
  Reader(std::string_view s, std::string* out) : s_(s), out_(out) {}

  bool document() {
    skip_ws();
    if (!value(0)) return false;
    skip_ws();
    if (i_ != s_.size()) return fail("unexpected text after the document");
    return true;
  }
  std::size_t error_offset() const { return err_at_; }
  const char* error() const { return err_; }

 private:
  static constexpr int kMaxDepth = 512;

  bool fail(const char* why) {
    if (!err_) {
      err_ = why;
      err_at_ = i_;
    }
    return false;
  }
  void skip_ws() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  void emit(std::string_view t) {
    if (out_) out_->append(t);
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
    i_ += word.size();
    emit(word);
    return true;
  }

  bool value(int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than 512 levels");
    if (i_ >= s_.size()) return fail("unexpected end of text");
    switch (s_[i_]) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"': {
        std::string decoded;
        if (!string(decoded)) return false;
        if (out_) write_string(decoded);
        return true;
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool object(int depth) {
    ++i_;
    std::vector<std::pair<std::string, std::string>> members;
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      emit("{}");
      return true;
    }
    for (;;) {
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a string key");
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
      ++i_;
      skip_ws();
      std::string member;
      std::string* saved = out_;
      if (saved) out_ = &member;
      const bool ok = value(depth + 1);
      out_ = saved;
      if (!ok) return false;
      members.emplace_back(std::move(key), std::move(member));
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        break;
      }
      return fail("expected ',' or '}'");
    }
    if (out_) {
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      emit("{");
      bool first = true;
      for (std::size_t k = 0; k < members.size(); ++k) {
        if (k + 1 < members.size() && members[k + 1].first == members[k].first) continue;
        if (!first) emit(",");
        first = false;
        write_string(members[k].first);
        emit(":");
        emit(members[k].second);
      }
      emit("}");
    }
    return true;
  }

  bool array(int depth) {
    ++i_;
    emit("[");
    skip_ws();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      emit("]");
      return true;
    }
    for (bool first = true;; first = false) {
      if (!first) emit(",");
      skip_ws();
      if (!value(depth + 1)) return false;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        emit("]");
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(unsigned& cp) {
    if (i_ + 4 > s_.size()) return fail("truncated \\u escape");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = hex(s_[i_++]);
      if (h < 0) return fail("invalid \\u escape");
      cp = cp * 16 + static_cast<unsigned>(h);
    }
    return true;
  }
  static void put_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Reads a string literal, decoding escapes into `out`.
  bool string(std::string& out) {
    ++i_;
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      if (c != '\\') {
        out += static_cast<char>(c);
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) break;
      const char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair
            unsigned lo;
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') {
              return fail("unpaired surrogate");
            }
            i_ += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return fail("unpaired surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default:
          return fail("invalid escape");
      }
    }
    return fail("unterminated string");
  }

  void write_string(std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    emit("\"");
    for (char ch : v) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"') {
        emit("\\\"");
      } else if (c == '\\') {
        emit("\\\\");
      } else if (c < 0x20) {
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        emit(std::string_view(esc, 6));
      } else {
        out_->push_back(ch);
      }
    }
    emit("\"");
  }

  bool number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (i_ >= s_.size()) return fail("invalid number");
    if (s_[i_] == '0') {
      ++i_;
    } else if (s_[i_] >= '1' && s_[i_] <= '9') {
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    } else {
      return fail("unexpected character");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      const std::size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) return fail("invalid number");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      const std::size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) return fail("invalid number");
    }
    if (out_) {
      const std::string_view text = s_.substr(start, i_ - start);
      if (auto d = Decimal::parse(text)) {
        emit(d->normalized().to_string());
      } else {
        emit(text);
      }
    }
    return true;
  }

  std::string_view s_;
  std::string* out_;
  std::size_t i_ = 0;
  const char* err_ = nullptr;
  std::size_t err_at_ = 0;
};

}  // namespace

bool Json::is_valid(std::string_view text) noexcept {
  try {
    return Reader(text, nullptr).document();
  } catch (...) {
    return false;
  }
}

Json Json::parse(std::string_view text) {
  Reader r(text, nullptr);
  if (!r.document()) {
    throw ValueError(std::string("invalid JSON at offset ") + std::to_string(r.error_offset()) +
                     ": " + r.error());
  }
  return raw(std::string(text));
}

std::string Json::canonical() const {
  std::string out;
  Reader r(text_, &out);
  if (!r.document()) return text_;  // text from Json::raw that is not JSON compares as is
  return out;
}

}  // namespace quarry
