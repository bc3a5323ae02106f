#include "cache/stored_rows.hpp"

#include <cstring>

#include "quarry/errors.hpp"

namespace quarry::detail {
namespace {

constexpr char kMagic[3] = {'Q', 'R', 'C'};

void put_u32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 4);
}

void put_u64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 8);
}

void put_text(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

bool has_text(int32_t type) {
  return type == QUARRY_DECIMAL || type == QUARRY_TEXT || type == QUARRY_BYTES ||
         type == QUARRY_JSON;
}

void put_value(std::string& out, const quarry_value& v) {
  out.push_back(static_cast<char>(v.type));
  switch (v.type) {
    case QUARRY_NULL:
      return;
    case QUARRY_DOUBLE: {
      uint64_t bits;
      std::memcpy(&bits, &v.u.d, 8);
      put_u64(out, bits);
      return;
    }
    case QUARRY_UUID:
      out.append(reinterpret_cast<const char*>(v.u.uuid), 16);
      return;
    default:
      if (has_text(v.type)) {
        put_text(out, std::string_view(v.u.s.ptr, v.u.s.len));
      } else {
        put_u64(out, static_cast<uint64_t>(v.u.i));
      }
  }
}

// Reads the bytes front to back; every read checks that what it reads is there.
class Reader {
 public:
  explicit Reader(std::string_view b) : p_(b.data()), end_(b.data() + b.size()) {}
  bool u8(uint8_t& v) {
    if (end_ - p_ < 1) return false;
    v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool u32(uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(p_[i])} << (8 * i);
    p_ += 4;
    return true;
  }
  bool u64(uint64_t& v) {
    if (end_ - p_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p_[i])} << (8 * i);
    p_ += 8;
    return true;
  }
  bool raw(std::size_t n, std::string_view& v) {
    if (static_cast<std::size_t>(end_ - p_) < n) return false;
    v = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool text(std::string_view& v) {
    uint32_t n;
    return u32(n) && raw(n, v);
  }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

bool read_header_from(Reader& r, EntryHeader& out) {
  std::string_view magic;
  uint8_t version;
  if (!r.raw(3, magic) || std::memcmp(magic.data(), kMagic, 3) != 0) return false;
  if (!r.u8(version) || version != kResultFormatVersion) return false;
  uint32_t ntokens;
  if (!r.text(out.material) || !r.u32(ntokens) || ntokens > r.left() / 4) return false;
  out.tokens.resize(ntokens);
  for (auto& t : out.tokens) {
    if (!r.text(t)) return false;
  }
  return true;
}

bool read_value(Reader& r, quarry_value& v) {
  uint8_t type;
  if (!r.u8(type) || type > QUARRY_UUID) return false;
  v = quarry_value{};
  v.type = type;
  if (type == QUARRY_NULL) return true;
  if (type == QUARRY_UUID) {
    std::string_view b;
    if (!r.raw(16, b)) return false;
    std::memcpy(v.u.uuid, b.data(), 16);
    return true;
  }
  if (has_text(type)) {
    std::string_view s;
    if (!r.text(s)) return false;
    v.u.s.ptr = s.data();
    v.u.s.len = s.size();
    return true;
  }
  uint64_t bits;
  if (!r.u64(bits)) return false;
  if (type == QUARRY_DOUBLE) {
    std::memcpy(&v.u.d, &bits, 8);
  } else {
    v.u.i = static_cast<int64_t>(bits);
    if (type == QUARRY_BOOL && v.u.i != 0 && v.u.i != 1) return false;
  }
  return true;
}

}  // namespace

void EntryWriter::header(std::string_view material, std::span<const std::string> tokens) {
  out_.clear();
  out_.append(kMagic, 3);
  out_.push_back(static_cast<char>(kResultFormatVersion));
  put_text(out_, material);
  put_u32(out_, static_cast<uint32_t>(tokens.size()));
  for (const auto& t : tokens) put_text(out_, t);
}

void EntryWriter::columns(std::span<const std::string_view> names) {
  put_u32(out_, static_cast<uint32_t>(names.size()));
  for (auto n : names) put_text(out_, n);
  rows_at_ = out_.size();
  rows_ = 0;
  put_u64(out_, 0);
}

void EntryWriter::row(const quarry_value* cells, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) put_value(out_, cells[i]);
  ++rows_;
}

std::string EntryWriter::take() {
  for (int i = 0; i < 8; ++i) out_[rows_at_ + i] = static_cast<char>((rows_ >> (8 * i)) & 0xff);
  return std::move(out_);
}

bool read_header(std::string_view bytes, EntryHeader& out) {
  Reader r(bytes);
  return read_header_from(r, out);
}

std::shared_ptr<const StoredRows> read_rows(std::string bytes) {
  auto s = std::make_shared<StoredRows>();
  s->bytes = std::move(bytes);  // the cells point into it from here on: never resized
  Reader r(s->bytes);
  EntryHeader h;
  uint32_t ncols;
  uint64_t nrows;
  if (!read_header_from(r, h) || !r.u32(ncols) || ncols > r.left() / 4) return nullptr;
  s->names.resize(ncols);
  for (auto& n : s->names) {
    if (!r.text(n)) return nullptr;
  }
  // Every cell takes a byte at least: a count beyond what is left is not believed.
  // No statement gives rows without columns: such an entry is not one of ours.
  if (!r.u64(nrows) || (ncols > 0 && nrows > r.left() / ncols) || (ncols == 0 && nrows > 0)) {
    return nullptr;
  }
  s->rows = static_cast<std::size_t>(nrows);
  s->cells.resize(s->rows * ncols);
  for (auto& c : s->cells) {
    if (!read_value(r, c)) return nullptr;
  }
  if (r.left() != 0) return nullptr;
  return s;
}

ResultSet StoredResult::drained(ResultSet rs) {
  if (rs.column_count() == 0) return rs;
  EntryWriter w;
  w.header({}, {});
  std::vector<std::string_view> names(rs.column_count());
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = rs.column_name(i);
  w.columns(names);
  const int64_t affected = rs.affected_rows();
  const std::optional<int64_t> insert_id = rs.last_insert_id();
  std::vector<quarry_value> row(names.size());
  while (rs.next()) {
    const Row now = rs.row();
    for (std::size_t i = 0; i < row.size(); ++i) row[i] = now[i].abi();
    w.row(row.data(), row.size());
  }
  auto rows = read_rows(w.take());
  if (!rows) throw InternalError("a statement's rows could not be kept");
  ResultSet out(std::move(rows));
  out.affected_ = affected;
  out.insert_id_ = insert_id;
  return out;
}

void append_values(std::string& out, std::span<const Value> values) {
  put_u32(out, static_cast<uint32_t>(values.size()));
  char scratch[Decimal::kTextBuffer];
  for (const auto& v : values) put_value(out, v.to_abi(scratch));
}

}  // namespace quarry::detail
