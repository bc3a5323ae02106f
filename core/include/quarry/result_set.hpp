// ResultSet: the rows of one executed statement, read one at a time as the plugin
// produces them (nothing is copied into an intermediate table), and Row: a view of the
// current row whose values are borrowed until next().
//
// A ResultSet must not outlive its Connection. It holds the statement it ran, so the
// statement is reused only after the ResultSet is closed or destroyed. A result the
// query cache served (quarry/cache.hpp) holds its rows itself and needs no connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/value.hpp"

namespace quarry {

class Connection;
class ResultSet;
namespace detail {
struct StatementEntry;
struct StoredRows;
struct StoredResult;
class Cursor;
}  // namespace detail

class Row {
 public:
  std::size_t size() const;
  // Throws ProgrammingError if i is out of range.
  ValueRef operator[](std::size_t i) const;
  // Throws ProgrammingError naming the columns there are.
  ValueRef operator[](std::string_view column) const;
  std::string_view column_name(std::size_t i) const;
  bool is_null(std::size_t i) const { return (*this)[i].is_null(); }

  // Reads column i (or the named column) as T; a ValueError names the column.
  template <class T>
  T get(std::size_t i) const {
    T out{};
    read(i, out);
    return out;
  }
  template <class T>
  T get(std::string_view column) const {
    return get<T>(index_of(column));
  }
  // Reads into an existing object, reusing its storage.
  template <class T>
  void read(std::size_t i, T& out) const {
    const ValueRef v = (*this)[i];
    try {
      ValueTraits<T>::read(v, out);
    } catch (const ValueError& e) {
      rethrow_with_column(i, e);
    }
  }
  Value value(std::size_t i) const { return get<Value>(i); }
  std::vector<Value> values() const;
  std::size_t index_of(std::string_view column) const;

 private:
  friend class ResultSet;
  explicit Row(const ResultSet* rs) : rs_(rs) {}
  [[noreturn]] void rethrow_with_column(std::size_t i, const ValueError& e) const;
  const ResultSet* rs_;
};

class ResultSet {
 public:
  ResultSet(ResultSet&& other) noexcept;
  ResultSet& operator=(ResultSet&& other) noexcept;
  ResultSet(const ResultSet&) = delete;
  ResultSet& operator=(const ResultSet&) = delete;
  ~ResultSet();

  std::size_t column_count() const { return ncols_; }
  std::string_view column_name(std::size_t i) const;
  std::optional<std::size_t> column_index(std::string_view name) const;

  // Moves to the next row; false (and the statement released) when there are no more.
  bool next();
  // The current row; valid until next().
  Row row() const { return Row(this); }

  // For INSERT/UPDATE/DELETE: rows changed (-1 where the driver cannot tell).
  int64_t affected_rows() const { return affected_; }
  // The key an INSERT generated, where the backend reports one without RETURNING.
  std::optional<int64_t> last_insert_id() const { return insert_id_; }

  // Stops reading and gives the statement back to the connection.
  void close() noexcept;
  bool is_open() const { return res_ != nullptr || stored_ != nullptr; }

  struct End {};
  class Iterator {
   public:
    Row operator*() const { return rs_->row(); }
    Iterator& operator++() {
      if (!rs_->next()) rs_ = nullptr;
      return *this;
    }
    bool operator==(End) const { return rs_ == nullptr; }

   private:
    friend class ResultSet;
    explicit Iterator(ResultSet* rs) : rs_(rs) {}
    ResultSet* rs_;
  };
  // for (Row r : conn.query(...)) — single pass.
  Iterator begin() { return Iterator(next() ? this : nullptr); }
  End end() { return {}; }

 private:
  friend class Connection;
  friend class Row;
  // The ORM's row reader checks the row and its width once per query, not per cell.
  friend class detail::Cursor;
  friend struct detail::StoredResult;
  ResultSet(Connection* conn, detail::StatementEntry* stmt, quarry_result* res);
  explicit ResultSet(std::shared_ptr<const detail::StoredRows> rows);
  void release() noexcept;

  Connection* conn_ = nullptr;
  detail::StatementEntry* stmt_ = nullptr;
  quarry_result* res_ = nullptr;
  std::size_t ncols_ = 0;
  quarry_value* row_ = nullptr;                  // the statement's row buffer: valid while open
  mutable std::vector<std::string_view> names_;  // filled on first use
  int64_t affected_ = -1;
  std::optional<int64_t> insert_id_;
  bool has_row_ = false;
  std::shared_ptr<const detail::StoredRows> stored_;  // rows held in memory, or null
  std::size_t stored_next_ = 0;                       // the next of them
};

}  // namespace quarry
