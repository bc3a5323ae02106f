// Internal: a result held in memory (what a cache hit serves) and the versioned bytes it
// is kept as in a cache store. One format for both stores; quarry_value cells point into
// the entry's own bytes, so serving a hit makes two blocks (the bytes and the cells),
// however many cells there are.
//
// An entry:  "QRC" format-version
//            material   (u32 length, bytes: what the entry answers, compared on a hit)
//            tokens     (u32 count, each u32 length and bytes: the generations it was
//                        read under)
//            columns    (u32 count, each u32 length and name)
//            rows       (u64 count), then every cell, row after row: one type byte and
//                       its payload (8 bytes little-endian for the integers, dates, times
//                       and doubles; 16 for a UUID; u32 length and bytes for the rest)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/plugin/abi.h"
#include "quarry/value.hpp"

namespace quarry::detail {

inline constexpr uint8_t kResultFormatVersion = 1;

struct StoredRows {
  std::string bytes;                    // the entry, which the cells below point into
  std::vector<std::string_view> names;  // the columns
  std::vector<quarry_value> cells;      // rows * names.size(), row after row
  std::size_t rows = 0;
};

// Writes an entry: header(), then columns(), then row() for each row, then take().
class EntryWriter {
 public:
  void header(std::string_view material, std::span<const std::string> tokens);
  void columns(std::span<const std::string_view> names);
  void row(const quarry_value* cells, std::size_t n);
  // The entry; the writer is empty again.
  std::string take();
  std::size_t size() const { return out_.size(); }

 private:
  std::string out_;
  std::size_t rows_at_ = 0;  // where the row count goes
  uint64_t rows_ = 0;
};

// What an entry says before its rows.
struct EntryHeader {
  std::string_view material;
  std::vector<std::string_view> tokens;
};

// Reads the entry's header; false when the bytes are not an entry of this format.
bool read_header(std::string_view bytes, EntryHeader& out);
// The rows of an entry whose header read_header() accepted; null when they are not
// well formed (cut short, a type or a length out of range): never a read out of bounds.
std::shared_ptr<const StoredRows> read_rows(std::string bytes);

// The bytes of a statement's parameters as an entry's material carries them.
void append_values(std::string& out, std::span<const Value> values);

}  // namespace quarry::detail

#include "quarry/result_set.hpp"

namespace quarry::detail {
// A ResultSet over rows held in memory.
struct StoredResult {
  static ResultSet open(std::shared_ptr<const StoredRows> rows) {
    return ResultSet(std::move(rows));
  }
  // rs read to its end and closed, its rows (and its counts) kept in memory: a statement
  // with rows is done only once they are read (SQLite commits an INSERT ... RETURNING
  // when it is stepped to the end). One without rows is given back as it is.
  static ResultSet drained(ResultSet rs);
};
}  // namespace quarry::detail
