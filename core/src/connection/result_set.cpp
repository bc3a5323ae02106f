#include "quarry/result_set.hpp"

#include <algorithm>

#include "cache/stored_rows.hpp"
#include "connection/statement_cache.hpp"
#include "plugin/plugin_error.hpp"
#include "quarry/connection.hpp"
#include "quarry/engine.hpp"

namespace quarry {

ResultSet::ResultSet(Connection* conn, detail::StatementEntry* stmt, quarry_result* res)
    : conn_(conn), stmt_(stmt), res_(res) {
  const quarry_plugin* api = conn_->api_;
  ncols_ = api->column_count(res_);
  if (stmt_->row.size() < ncols_) stmt_->row.resize(ncols_);
  row_ = stmt_->row.data();
  affected_ = api->affected_rows(res_);
  int64_t id = 0;
  if (api->last_insert_id(res_, &id) == 1) insert_id_ = id;
  conn_->open_results_.push_back(this);
}

ResultSet::ResultSet(std::shared_ptr<const detail::StoredRows> rows)
    : ncols_(rows->names.size()), stored_(std::move(rows)) {
  names_ = stored_->names;
}

ResultSet::ResultSet(ResultSet&& o) noexcept
    : conn_(o.conn_),
      stmt_(o.stmt_),
      res_(o.res_),
      ncols_(o.ncols_),
      row_(o.row_),
      names_(std::move(o.names_)),
      affected_(o.affected_),
      insert_id_(o.insert_id_),
      has_row_(o.has_row_),
      stored_(std::move(o.stored_)),
      stored_next_(o.stored_next_) {
  if (res_) std::replace(conn_->open_results_.begin(), conn_->open_results_.end(), &o, this);
  o.res_ = nullptr;
  o.stmt_ = nullptr;
}

ResultSet& ResultSet::operator=(ResultSet&& o) noexcept {
  if (this == &o) return *this;
  close();
  conn_ = o.conn_;
  stmt_ = o.stmt_;
  res_ = o.res_;
  ncols_ = o.ncols_;
  row_ = o.row_;
  names_ = std::move(o.names_);
  affected_ = o.affected_;
  insert_id_ = o.insert_id_;
  has_row_ = o.has_row_;
  stored_ = std::move(o.stored_);
  stored_next_ = o.stored_next_;
  if (res_) std::replace(conn_->open_results_.begin(), conn_->open_results_.end(), &o, this);
  o.res_ = nullptr;
  o.stmt_ = nullptr;
  return *this;
}

ResultSet::~ResultSet() {
  close();
}

void ResultSet::close() noexcept {
  if (stored_) {
    names_.clear();  // they point into the rows, as row_ does
    stored_.reset();
    row_ = nullptr;
    has_row_ = false;
  }
  if (!res_) return;
  conn_->api_->result_close(res_);
  res_ = nullptr;
  conn_->give_back(stmt_);
  stmt_ = nullptr;
  auto& open = conn_->open_results_;
  open.erase(std::remove(open.begin(), open.end(), this), open.end());
}

bool ResultSet::next() {
  if (stored_) {
    if (stored_next_ < stored_->rows) {
      // The cells are the entry's; a reader never writes through row_.
      row_ = const_cast<quarry_value*>(stored_->cells.data() + stored_next_ * ncols_);
      ++stored_next_;
      has_row_ = true;
      return true;
    }
    close();
    has_row_ = false;
    return false;
  }
  if (!res_) {
    has_row_ = false;
    return false;
  }
  quarry_error err{};
  const int rc = conn_->api_->fetch(res_, row_, ncols_, &err);
  if (rc == 1) {
    has_row_ = true;
    return true;
  }
  has_row_ = false;
  if (rc == 0) {
    close();
    return false;
  }
  const std::string message = err.message ? err.message : "";
  quarry_error copy = err;
  copy.message = message.c_str();
  const std::string sql = stmt_ ? stmt_->sql : std::string();
  close();
  conn_->fail(copy, sql);
}

std::string_view ResultSet::column_name(std::size_t i) const {
  if (i >= ncols_) throw ProgrammingError("column index " + std::to_string(i) + " out of range");
  if (names_.empty() && ncols_ > 0) {
    if (!res_) throw InterfaceError("column names are gone once the result is closed");
    names_.reserve(ncols_);
    for (std::size_t k = 0; k < ncols_; ++k) {
      const char* n = conn_->api_->column_name(res_, k);
      names_.emplace_back(n ? n : "");
    }
  }
  return names_[i];
}

std::optional<std::size_t> ResultSet::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < ncols_; ++i) {
    if (column_name(i) == name) return i;
  }
  return std::nullopt;
}

// ---- Row ------------------------------------------------------------------------

std::size_t Row::size() const {
  return rs_->ncols_;
}

ValueRef Row::operator[](std::size_t i) const {
  if (!rs_->has_row_) throw InterfaceError("no current row: call next() first");
  if (i >= rs_->ncols_) {
    throw ProgrammingError("column index " + std::to_string(i) + " out of range (the row has " +
                           std::to_string(rs_->ncols_) + " columns)");
  }
  return ValueRef(rs_->row_[i]);
}

std::size_t Row::index_of(std::string_view column) const {
  if (auto i = rs_->column_index(column)) return *i;
  std::string names;
  for (std::size_t k = 0; k < rs_->ncols_; ++k) {
    names += (k ? ", " : "") + std::string(rs_->column_name(k));
  }
  throw ProgrammingError("no column named '" + std::string(column) +
                         "'; the columns are: " + names);
}

ValueRef Row::operator[](std::string_view column) const {
  return (*this)[index_of(column)];
}

std::string_view Row::column_name(std::size_t i) const {
  return rs_->column_name(i);
}

std::vector<Value> Row::values() const {
  std::vector<Value> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(value(i));
  return out;
}

void Row::rethrow_with_column(std::size_t i, const ValueError& e) const {
  std::string name;
  try {
    name = std::string(rs_->column_name(i));
  } catch (...) {
  }
  throw ValueError("column " + (name.empty() ? std::to_string(i) : "'" + name + "'") + ": " +
                   e.message());
}

}  // namespace quarry
