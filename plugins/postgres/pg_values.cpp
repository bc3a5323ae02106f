#include "pg_values.hpp"

#include <charconv>
#include <cstring>

namespace quarry::postgres {
namespace {

// Type OIDs from pg_type.h (stable since forever).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114,
              kFloat4 = 700, kFloat8 = 701, kDate = 1082, kTime = 1083, kTimestamp = 1114,
              kTimestamptz = 1184, kNumeric = 1700, kUuid = 2950, kJsonb = 3802;

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void append_text(std::string& out, const quarry_value& v) {
  char buf[64];
  switch (v.type) {
    case QUARRY_BOOL:
      out += v.u.i ? 't' : 'f';
      return;
    case QUARRY_INT64:
      out.append(buf, std::to_chars(buf, buf + sizeof buf, v.u.i).ptr);
      return;
    case QUARRY_DOUBLE:
      out.append(buf, std::to_chars(buf, buf + sizeof buf, v.u.d).ptr);
      return;
    case QUARRY_DECIMAL:
    case QUARRY_TEXT:
    case QUARRY_JSON:
      out.append(v.u.s.ptr, v.u.s.len);
      return;
    case QUARRY_DATE:
      out.append(buf, civil::format_date(v.u.i, buf));
      return;
    case QUARRY_TIME:
      out.append(buf, civil::format_time(v.u.i, buf));
      return;
    case QUARRY_DATETIME:
      out.append(buf, civil::format_datetime(v.u.i, buf));
      out += "+00";
      return;
    case QUARRY_UUID:
      for (int k = 0; k < 16; ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) out += '-';
        out += kHex[v.u.uuid[k] >> 4];
        out += kHex[v.u.uuid[k] & 15];
      }
      return;
    default:
      throw sdk::Error(QUARRY_ERR_INTERFACE, "a value of unknown type " + std::to_string(v.type));
  }
}

void append_bytea_hex(std::string& out, std::string_view bytes) {
  out += "\\\\x";  // \\x: COPY reads "\\" as one backslash, and bytea_in reads \x as hex
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
}

void ParamBuffer::fill(std::span<const quarry_value> params) {
  // Sized, not cleared: a statement runs again with as many parameters, and every slot
  // is written below, so nothing is allocated after the first run.
  const std::size_t n = params.size();
  text_.clear();
  offsets_.resize(n);
  lengths_.resize(n);
  formats_.resize(n);
  values_.resize(n);
  // Encode into one buffer first; pointers are taken only once it stops growing.
  for (std::size_t i = 0; i < n; ++i) {
    const quarry_value& v = params[i];
    offsets_[i] = text_.size();
    formats_[i] = 0;
    lengths_[i] = v.type == QUARRY_NULL ? -1 : 0;  // -1 marks NULL until the pointers are set
    if (v.type == QUARRY_NULL) continue;
    if (v.type == QUARRY_BYTES) {
      text_.append(v.u.s.ptr, v.u.s.len);
      formats_[i] = 1;  // binary: the raw bytes, no escaping
      continue;
    }
    try {
      append_text(text_, v);
    } catch (const sdk::Error&) {
      throw sdk::Error(QUARRY_ERR_INTERFACE, "parameter " + std::to_string(i + 1) +
                                                 " has unknown type " + std::to_string(v.type));
    }
    text_ += '\0';  // text parameters are C strings
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (lengths_[i] == -1) {
      values_[i] = nullptr;
      lengths_[i] = 0;
      continue;
    }
    values_[i] = text_.data() + offsets_[i];
    const std::size_t end = i + 1 < n ? offsets_[i + 1] : text_.size();
    lengths_[i] = static_cast<int>(end - offsets_[i] - (formats_[i] == 0 ? 1 : 0));
  }
}

quarry_value decode(Oid type, const char* text, int length, std::string& scratch) {
  const std::string_view s(text, static_cast<std::size_t>(length));
  switch (type) {
    case kBool:
      return sdk::bool_value(s == "t");
    case kInt8:
    case kInt2:
    case kInt4:
    case kOid: {
      int64_t i = 0;
      std::from_chars(s.data(), s.data() + s.size(), i);
      return sdk::int_value(i);
    }
    case kFloat4:
    case kFloat8: {
      double d = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), d);
      if (r.ec != std::errc()) break;  // out of range: leave it as text
      return sdk::double_value(d);
    }
    case kNumeric:
      return sdk::text_value(s, QUARRY_DECIMAL);
    case kBytea: {
      // Hex format: "\x" then two digits a byte.
      if (s.size() < 2 || s[0] != '\\' || s[1] != 'x') break;
      scratch.resize((s.size() - 2) / 2);
      for (std::size_t i = 0; i < scratch.size(); ++i) {
        scratch[i] = static_cast<char>(hex_value(s[2 + 2 * i]) * 16 + hex_value(s[3 + 2 * i]));
      }
      return sdk::text_value(scratch, QUARRY_BYTES);
    }
    case kDate:
      if (auto d = civil::parse_date(s)) return sdk::int_value(*d, QUARRY_DATE);
      break;  // 'infinity' and BC dates stay text
    case kTime:
      if (auto t = civil::parse_time(s)) return sdk::int_value(*t, QUARRY_TIME);
      break;
    case kTimestamp:
    case kTimestamptz:
      if (auto t = civil::parse_datetime(s)) return sdk::int_value(*t, QUARRY_DATETIME);
      break;
    case kJson:
    case kJsonb:
      return sdk::text_value(s, QUARRY_JSON);
    case kUuid: {
      uint8_t b[16];
      std::size_t k = 0;
      for (std::size_t i = 0; i + 1 < s.size() && k < 16; ++i) {
        if (s[i] == '-') continue;
        b[k++] = static_cast<uint8_t>(hex_value(s[i]) * 16 + hex_value(s[i + 1]));
        ++i;
      }
      if (k == 16) return sdk::uuid_value(b);
      break;
    }
    default:
      break;
  }
  return sdk::text_value(s);
}

}  // namespace quarry::postgres
